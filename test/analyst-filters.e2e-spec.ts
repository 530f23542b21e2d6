import { normalizeName } from '../src/common/names';
import { seedId } from '../src/seed/seed';
import { World, WorldIncident, fold, generateWorld, insertWorld } from './support/analyst-world';
import { TestApp, errorCodes, startTestApp } from './support/test-app';

/**
 * The incident filters an analyst uses, and the actor lookup with suggestions: on the
 * founding articles (answers known by reading them) and on a generated world (answers
 * computed here in JavaScript from the generated rows).
 */

const INCIDENT_IDS = `query ($filter: IncidentFilter, $sort: IncidentSort, $first: Int, $after: String) {
  incidents(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id title }
  }
}`;

async function titles(t: TestApp, filter: Record<string, unknown>, sort?: Record<string, unknown>): Promise<string[]> {
  const { incidents } = await t.data(INCIDENT_IDS, { filter, sort, first: 200 });
  expect(incidents.totalCount).toBe(incidents.nodes.length);
  return incidents.nodes.map((n: { title: string }) => n.title);
}

describe('analyst filters on the founding articles', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ seed: true })));
  afterAll(() => t.close());

  const STORTING = "Brute-force intrusion into the Storting's email";
  const MACRON = "Cyberattacks on Emmanuel Macron's campaign website and email servers";
  const DEMOCRATS = 'Hacking of US Democratic Party emails';
  const sorted = (list: string[]) => [...list].sort();

  it('targetSector: sector of a targeted organization, or of a targeted person\'s organization, any case', async () => {
    expect(await titles(t, { targetSector: 'Government' })).toEqual([STORTING]);
    expect(sorted(await titles(t, { targetSector: 'POLITICAL PARTY' }))).toEqual(sorted([MACRON, DEMOCRATS]));
    expect(await titles(t, { targetSector: 'Energy' })).toEqual([]);
  });

  it('targetOrganizationKind', async () => {
    expect(await titles(t, { targetOrganizationKind: 'PARLIAMENT' })).toEqual([STORTING]);
    expect(await titles(t, { targetOrganizationKind: 'POLITICAL_CAMPAIGN' })).toEqual([MACRON]);
    expect(await titles(t, { targetOrganizationKind: 'MEDIA' })).toEqual([]);
  });

  it('sponsorCountry: the accused actor\'s sponsor, a state being its own', async () => {
    // Russian Federation (a STATE) for Macron's campaign and the Storting, Russian intelligence for the Democrats, APT28.
    expect(sorted(await titles(t, { sponsorCountry: 'Russia' }))).toEqual(sorted([MACRON, DEMOCRATS, STORTING]));
    expect(await titles(t, { sponsorCountry: 'US' })).toEqual([]);
  });

  it('attributingCountry: the country of the attributing organization or person', async () => {
    expect(await titles(t, { attributingCountry: 'NO' })).toEqual([STORTING]);
    expect(await titles(t, { attributingCountry: 'France' })).toEqual([MACRON]);
    expect(await titles(t, { attributingCountry: 'US' })).toEqual([DEMOCRATS]);
    // Russia's embassy denied; only that claim comes from Russia.
    expect(await titles(t, { attributingCountry: 'RU' })).toEqual([STORTING]);
    expect(await titles(t, { attributingCountry: 'RU', attributionStatus: 'ASSERTED' })).toEqual([]);
  });

  it('minConfidence and attributionStatus apply to the claim that names the actor', async () => {
    // PST: "likely" (70) that it was APT28; the claims against Russia give no confidence.
    expect(await titles(t, { minConfidence: 70 })).toEqual([STORTING]);
    expect(await titles(t, { minConfidence: 71 })).toEqual([]);
    expect(sorted(await titles(t, { actor: 'Russia' }))).toEqual(sorted([MACRON, STORTING]));
    expect(await titles(t, { actor: 'Russia', minConfidence: 70 })).toEqual([]);
    expect(await titles(t, { actor: 'Russia', includeSubordinateActors: true, minConfidence: 70 })).toEqual([STORTING]);
    expect(await titles(t, { actor: 'Fancy Bear', minConfidence: 70, attributionStatus: 'ASSERTED' })).toEqual([STORTING]);
    expect(await titles(t, { attributionStatus: 'DENIED' })).toEqual([STORTING]);
    expect(await titles(t, { actor: 'Russia', attributionStatus: 'DENIED' })).toEqual([STORTING]);
    expect(await titles(t, { actor: 'APT28', attributionStatus: 'DENIED' })).toEqual([]);
  });

  it('attributedBy and attributingCountry speak of the same party', async () => {
    const soreide = seedId('person:soreide');
    const pst = seedId('org:pst');
    expect(await titles(t, { attributedBy: soreide, attributingCountry: 'NO' })).toEqual([STORTING]);
    expect(await titles(t, { attributedBy: pst, attributingCountry: 'NO', actor: 'APT28' })).toEqual([STORTING]);
    expect(await titles(t, { attributedBy: pst, attributingCountry: 'RU' })).toEqual([]);
    expect(await titles(t, { attributedBy: pst, actor: 'Russia' })).toEqual([]);
  });

  it('occurredFrom / occurredTo honour the precision of the dates', async () => {
    expect(sorted(await titles(t, { occurredFrom: '2017-03', occurredTo: '2020' }))).toEqual(sorted([MACRON, STORTING]));
    // "2016" as a year overlaps its last day.
    expect(await titles(t, { occurredFrom: '2016-12-31', occurredTo: '2016-12-31' })).toEqual([DEMOCRATS]);
    // The Storting intrusion is known to the day (August 24th, 2020), with no end.
    expect(await titles(t, { occurredFrom: '2020-08' })).toEqual([STORTING]);
    expect(await titles(t, { occurredFrom: '2020-08-25' })).toEqual([]);
  });

  it('search is full-text over title and summary: prefixes, stems, accents, literal text', async () => {
    expect(sorted(await titles(t, { search: 'cyber' }))).toEqual(sorted([MACRON, STORTING])); // "Cyberattacks", "cyberattack"
    expect(sorted(await titles(t, { search: 'EMAILS' }))).toEqual(sorted([MACRON, DEMOCRATS, STORTING]));
    expect(await titles(t, { search: 'brute force download' })).toEqual([STORTING]);
    expect(await titles(t, { search: '"democratic party"' })).toEqual([DEMOCRATS]);
    expect(sorted(await titles(t, { search: 'emails -storting -macron' }))).toEqual([DEMOCRATS]);
    // Found literally inside a word, where full-text sees no word: "attack" in "cyberattacks".
    expect(await titles(t, { search: 'berattacks on Emm' })).toEqual([MACRON]);
    // Text under three characters only as words: "US", not the "us" of "using" (Storting) or "Russia".
    expect(await titles(t, { search: 'US' })).toEqual([DEMOCRATS]);
    // Operators and quotes in the text are only text.
    expect(await titles(t, { search: "'); DROP TABLE incident; -- & | ! <->" })).toEqual([]);
  });

  it('sorts by relevance when text is given: title words before summary words', async () => {
    // "campaign" is in the title of Macron's incident, only in the summary of the Democrats'.
    expect(await titles(t, { search: 'campaign' })).toEqual([MACRON, DEMOCRATS]);
    expect(await titles(t, { search: 'campaign' }, { field: 'RELEVANCE', direction: 'ASC' })).toEqual([DEMOCRATS, MACRON]);
    expect(await titles(t, { search: 'campaign' }, { field: 'TITLE', direction: 'ASC' })).toEqual([MACRON, DEMOCRATS]);
  });

  it('refuses bad input with a code and a readable message', async () => {
    const cases: [Record<string, unknown>, Record<string, unknown> | undefined, string, RegExp][] = [
      [{ actor: 'Fancy Baer' }, undefined, 'NOT_FOUND', /ThreatActor "Fancy Baer" does not exist/],
      [{ actor: 'c0ffee00-0000-4000-8000-000000000000' }, undefined, 'NOT_FOUND', /does not exist/],
      [{ targetCountry: 'Atlantis' }, undefined, 'BAD_USER_INPUT', /targetCountry: "Atlantis" is not a country/],
      [{ sponsorCountry: 'Narnia' }, undefined, 'BAD_USER_INPUT', /sponsorCountry: "Narnia" is not a country/],
      [{ attributingCountry: 'XX' }, undefined, 'BAD_USER_INPUT', /attributingCountry: "XX" is not a country/],
      [{ minConfidence: 101 }, undefined, 'BAD_USER_INPUT', /minConfidence must not be greater than 100/],
      [{ minConfidence: -1 }, undefined, 'BAD_USER_INPUT', /minConfidence must not be less than 0/],
      [{ occurredFrom: '2021', occurredTo: '2020' }, undefined, 'BAD_USER_INPUT', /occurredFrom \(2021\) is after filter.occurredTo \(2020\)/],
      [{ techniqueId: 'brute force' }, undefined, 'BAD_USER_INPUT', /technique id must be a MITRE ATT&CK id/],
      [{ search: 'x'.repeat(501) }, undefined, 'BAD_USER_INPUT', /search must be shorter than or equal to 500 characters/],
      [{}, { field: 'RELEVANCE' }, 'BAD_USER_INPUT', /sort RELEVANCE needs filter.search/],
    ];
    for (const [filter, sort, code, message] of cases) {
      const res = await t.gql(INCIDENT_IDS, { filter, sort });
      expect({ filter, codes: errorCodes(res) }).toEqual({ filter, codes: [code] });
      expect(res.errors![0].message).toMatch(message);
      expect(res.data?.incidents ?? null).toBeNull();
    }
  });
});

describe('actor lookup with suggestions, on the founding articles', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ seed: true })));
  afterAll(() => t.close());

  const LOOKUP = `query ($name: String!, $first: Int) {
    threatActorLookup(name: $name, first: $first) {
      exact { name } exactAlias { name }
      suggestions { actor { name } alias { name } similarity }
    }
  }`;

  it('finds an actor by any alias, ignoring case, accents, spaces and hyphens', async () => {
    for (const name of ['fancy-bear', 'FANCY BEAR', ' Fancy  Béar ', 'apt 28']) {
      const { threatActorLookup } = await t.data(LOOKUP, { name });
      expect(threatActorLookup.exact).toEqual({ name: 'APT28' });
      expect(threatActorLookup.suggestions.map((s: { actor: { name: string } }) => s.actor.name)).not.toContain('APT28');
    }
  });

  it('suggests close misspellings separately, never as exact matches', async () => {
    const { threatActorLookup } = await t.data(LOOKUP, { name: 'Fancy Baer' });
    expect(threatActorLookup.exact).toBeNull();
    expect(threatActorLookup.exactAlias).toBeNull();
    expect(threatActorLookup.suggestions).toEqual([
      { actor: { name: 'APT28' }, alias: { name: 'Fancy Bear' }, similarity: expect.closeTo(6 / 14, 5) },
    ]);
    const { threatActorLookup: far } = await t.data(LOOKUP, { name: 'Cozy Bear' });
    expect(far).toEqual({ exact: null, exactAlias: null, suggestions: [] });
  });

  it('refuses a name without letters or digits', async () => {
    const res = await t.gql(LOOKUP, { name: '--' });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await t.gql(LOOKUP, { name: 'x', first: 0 }))).toEqual(['BAD_USER_INPUT']);
  });
});

// ---------------------------------------------------------------------------------------
// The generated world: every answer computed here from the generated rows.

type Filter = {
  actor?: string; includeSubordinateActors?: boolean; sponsorCountry?: string; attributedBy?: string; attributingCountry?: string;
  minConfidence?: number; attributionStatus?: string; targetCountry?: string; targetSector?: string; targetOrganizationKind?: string;
  type?: string; techniqueId?: string; campaignId?: string; search?: string; occurredFrom?: string; occurredTo?: string;
};

/** The incidents of `world` matching `filter`, by the documented meaning of each filter. */
function expectedIds(world: World, filter: Filter): string[] {
  const orgs = new Map(world.organizations.map((o) => [o.id, o]));
  const people = new Map(world.people.map((p) => [p.id, p]));
  const actors = new Map(world.actors.map((a) => [a.id, a]));
  let accused: Set<string> | null = null;
  if (filter.actor) {
    const actor = world.actors.find((a) => [a.name, ...a.aliases].some((n) => normalizeName(n) === normalizeName(filter.actor!)))!;
    accused = new Set([actor.id]);
    if (filter.includeSubordinateActors) {
      for (let grew = true; grew;) {
        grew = false;
        for (const a of world.actors) if (a.parentId && accused.has(a.parentId) && !accused.has(a.id)) { accused.add(a.id); grew = true; }
      }
    }
  }
  const sponsorOf = (id: string): string | null => {
    const a = actors.get(id)!;
    const own = a.sponsorCountryCode ?? (a.kind === 'STATE' ? a.countryCode : null);
    return own ?? (a.parentId ? sponsorOf(a.parentId) : null);
  };
  const personCountry = (id: string) => {
    const p = people.get(id)!;
    return p.countryCode ?? (p.organizationId ? orgs.get(p.organizationId)!.countryCode : null);
  };
  const partyGiven = filter.attributedBy !== undefined || filter.attributingCountry !== undefined;
  const claimMatches = (a: World['attributions'][number]) =>
    a.incidentId !== null &&
    (!accused || accused.has(a.actorId)) &&
    (!filter.sponsorCountry || sponsorOf(a.actorId) === filter.sponsorCountry) &&
    (!filter.attributionStatus || a.status === filter.attributionStatus) &&
    (filter.minConfidence === undefined || (a.confidence !== null && a.confidence >= filter.minConfidence)) &&
    (!partyGiven ||
      (a.byOrganizationId !== null && (!filter.attributedBy || a.byOrganizationId === filter.attributedBy) &&
        (!filter.attributingCountry || orgs.get(a.byOrganizationId)!.countryCode === filter.attributingCountry)) ||
      (a.byPersonId !== null && (!filter.attributedBy || a.byPersonId === filter.attributedBy) &&
        (!filter.attributingCountry || personCountry(a.byPersonId) === filter.attributingCountry)));
  const claimFilter = ['actor', 'sponsorCountry', 'attributionStatus', 'minConfidence', 'attributedBy', 'attributingCountry']
    .some((k) => filter[k as keyof Filter] !== undefined);
  const attributed = new Set(world.attributions.filter(claimMatches).map((a) => a.incidentId));

  const targetsOf = (incident: WorldIncident) => world.targets.filter((t) => t.incidentId === incident.id);
  const targetOrgs = (t: World['targets'][number]) =>
    [t.organizationId, t.personId ? people.get(t.personId)!.organizationId : null].filter((id): id is string => !!id).map((id) => orgs.get(id)!);
  const lower = (s: string | null | undefined) => s?.toLowerCase() ?? null;

  const INFINITY = '9999-12-31';
  const overlaps = (i: WorldIncident) => {
    if (![i.startedFrom, i.startedTo, i.endedFrom, i.endedTo].some(Boolean)) return false;
    const earliest = i.startedFrom ?? '0000-01-01';
    const latest = i.endedTo ?? (i.endedFrom ? INFINITY : (i.startedTo ?? INFINITY));
    const from = filter.occurredFrom ? expand(filter.occurredFrom).first : '0000-01-01';
    const to = filter.occurredTo ? expand(filter.occurredTo).last : INFINITY;
    return earliest <= to && latest >= from;
  };

  return world.incidents
    .filter((i) => !claimFilter || attributed.has(i.id))
    .filter((i) => !filter.targetCountry || targetsOf(i).some((t) =>
      t.countryCode === filter.targetCountry ||
      (t.organizationId && orgs.get(t.organizationId)!.countryCode === filter.targetCountry) ||
      (t.personId && people.get(t.personId)!.countryCode === filter.targetCountry)))
    .filter((i) => !filter.targetSector || targetsOf(i).some((t) =>
      lower(t.sector) === lower(filter.targetSector) || targetOrgs(t).some((o) => lower(o.sector) === lower(filter.targetSector))))
    .filter((i) => !filter.targetOrganizationKind || targetsOf(i).some((t) => targetOrgs(t).some((o) => o.kind === filter.targetOrganizationKind)))
    .filter((i) => !filter.type || i.types.includes(filter.type))
    .filter((i) => !filter.techniqueId || i.techniqueIds.includes(filter.techniqueId))
    .filter((i) => !filter.campaignId || i.campaignId === filter.campaignId)
    // Test searches are vocabulary words that full-text and literal matching both find exactly as whole words.
    .filter((i) => !filter.search || filter.search.split(/\s+/).every((w) => fold(`${i.title} ${i.summary ?? ''}`).includes(fold(w))))
    .filter((i) => (!filter.occurredFrom && !filter.occurredTo) || overlaps(i))
    .map((i) => i.id)
    .sort();
}

function expand(value: string): { first: string; last: string } {
  const [y, m, d] = value.split('-');
  if (d) return { first: value, last: value };
  if (m) return { first: `${y}-${m}-01`, last: new Date(Date.UTC(Number(y), Number(m), 0)).toISOString().slice(0, 10) };
  return { first: `${y}-01-01`, last: `${y}-12-31` };
}

/** Every id of every page, walking the cursor. */
async function walk(t: TestApp, filter: Filter, sort?: Record<string, unknown>, first = 200): Promise<{ ids: string[]; totalCount: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let totalCount = -1;
  do {
    const { incidents }: any = await t.data(INCIDENT_IDS, { filter, sort, first, after });
    totalCount = incidents.totalCount;
    ids.push(...incidents.nodes.map((n: { id: string }) => n.id));
    after = incidents.pageInfo.hasNextPage ? incidents.pageInfo.endCursor : null;
  } while (after);
  return { ids, totalCount };
}

describe('analyst filters on a generated world of 200 incidents', () => {
  let t: TestApp;
  const world = generateWorld({ seed: 20251125, incidents: 200 });
  const org = (name: string) => world.organizations.find((o) => o.name === name)!.id;
  const person = (name: string) => world.people.find((p) => p.name === name)!.id;
  const personOrgCountry = (name: string) => {
    const p = world.people.find((x) => x.name === name)!;
    return world.organizations.find((o) => o.id === p.organizationId)!.countryCode!;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await insertWorld(t.dataSource, world);
  });
  afterAll(() => t.close());

  async function check(filter: Filter): Promise<number> {
    const { ids, totalCount } = await walk(t, filter);
    const expected = expectedIds(world, filter);
    expect({ filter, ids: [...ids].sort() }).toEqual({ filter, ids: expected });
    expect(totalCount).toBe(expected.length);
    // On a page shorter than the list, totalCount is counted in SQL (not the page's length).
    const { incidents }: any = await t.data(INCIDENT_IDS, { filter, first: 3 });
    expect({ filter, totalCount: incidents.totalCount }).toEqual({ filter, totalCount: expected.length });
    return expected.length;
  }

  it('the world is skewed: the first actor and country dominate', () => {
    const byActor = new Map<string, number>();
    for (const a of world.attributions) byActor.set(a.actorId, (byActor.get(a.actorId) ?? 0) + 1);
    const counts = [...byActor.values()].sort((a, b) => b - a);
    expect(counts[0]).toBeGreaterThan(3 * counts[counts.length - 1]);
    expect(world.attributions.filter((a) => a.confidence === null).length).toBeGreaterThan(20);
    expect(new Set(world.attributions.map((a) => a.status)).size).toBe(4);
  });

  it('each filter alone matches the incidents computed from the rows', async () => {
    const filters: Filter[] = [
      { actor: 'Ashen Lynx' }, { actor: 'grey owl' }, { actor: 'GROUP-74' }, { actor: 'Northland Directorate' },
      { actor: 'Northland Directorate', includeSubordinateActors: true }, { actor: 'Northland State', includeSubordinateActors: true },
      { actor: 'Cobalt Scorpion' },
      { sponsorCountry: 'RU' }, { sponsorCountry: 'CN' }, { sponsorCountry: 'KP' }, { sponsorCountry: 'IR' },
      { attributedBy: org('Attributor 0') }, { attributedBy: person('Person 1') }, { attributedBy: person('Person 3') },
      ...['UA', 'US', 'DE', 'NO'].map((c) => ({ attributingCountry: c })),
      ...[0, 50, 70, 90, 100].map((c) => ({ minConfidence: c })),
      ...['ASSERTED', 'DISPUTED', 'DENIED', 'RETRACTED'].map((s) => ({ attributionStatus: s })),
      ...['UA', 'US', 'NO', 'JP'].map((c) => ({ targetCountry: c })),
      { targetSector: 'Government' }, { targetSector: 'political PARTY' }, { targetSector: 'energy' },
      { targetOrganizationKind: 'PARLIAMENT' }, { targetOrganizationKind: 'MEDIA' }, { targetOrganizationKind: 'COMPANY' },
      { type: 'PHISHING' }, { type: 'SABOTAGE' }, { techniqueId: 'T1566' }, { techniqueId: 'T1566.001' },
      { campaignId: world.campaigns[0].id },
      { search: 'glacier' }, { search: 'Zurich' }, { search: 'tromso' }, { search: 'harbor lantern' },
      { occurredFrom: '2020' }, { occurredTo: '2014-06' }, { occurredFrom: '2018-02-03', occurredTo: '2018-02-03' },
      { occurredFrom: '2016-05', occurredTo: '2017-01' },
    ];
    const sizes: number[] = [];
    for (const filter of filters) sizes.push(await check(filter));
    // The filters are not vacuous: most find something, none finds everything.
    expect(sizes.filter((n) => n > 0).length).toBeGreaterThan(filters.length * 0.8);
    expect(Math.max(...sizes)).toBeLessThan(world.incidents.length);
  });

  it('filters combine (AND); attribution conditions hold for one claim', async () => {
    const combinations: Filter[] = [
      { actor: 'Ashen Lynx', minConfidence: 70 },
      { actor: 'Ashen Lynx', attributionStatus: 'ASSERTED', minConfidence: 50 },
      { actor: 'Northland State', includeSubordinateActors: true, attributionStatus: 'DENIED' },
      { actor: 'Jade Heron', attributingCountry: 'UA' },
      // Person 7 has no country of their own: their organization's counts.
      { attributedBy: person('Person 7'), attributingCountry: personOrgCountry('Person 7') },
      { attributedBy: person('Person 7'), attributingCountry: 'UA' },
      { attributedBy: org('Attributor 1'), attributingCountry: 'JP' },
      { sponsorCountry: 'RU', attributionStatus: 'ASSERTED', minConfidence: 90 },
      { sponsorCountry: 'CN', targetCountry: 'UA' },
      { targetCountry: 'UA', targetSector: 'government', type: 'INTRUSION' },
      { targetOrganizationKind: 'GOVERNMENT', occurredFrom: '2019' },
      { search: 'glacier', occurredFrom: '2018', targetCountry: 'US' },
      { search: 'saffron', actor: 'Ashen Lynx', includeSubordinateActors: true },
      { techniqueId: 'T1110', type: 'PHISHING', campaignId: world.campaigns[1].id },
    ];
    for (const filter of combinations) await check(filter);
    // The same-claim rule is visible: some incident has a claim against Ashen Lynx and another
    // claim with confidence ≥ 70, but no single claim with both.
    const loose = expectedIds(world, { actor: 'Ashen Lynx' }).filter((id) => expectedIds(world, { minConfidence: 70 }).includes(id));
    expect(loose.length).toBeGreaterThan(expectedIds(world, { actor: 'Ashen Lynx', minConfidence: 70 }).length);
  });

  it('conditions on claims and on targets together: the same rows in the same order on every page size, the same count on every page', async () => {
    // A first page with totalCount reads the intersection of the claims' and targets' incidents (and
    // counts it in the page's statement); a later page keeps a semi-join per kind and counts the
    // intersection on its own: every path must give the list of the whole page.
    const combinations: [Filter, Record<string, unknown> | undefined][] = [
      [{ sponsorCountry: 'RU', targetCountry: 'UA' }, undefined],
      [{ actor: 'Northland State', includeSubordinateActors: true, targetSector: 'government', occurredFrom: '2017' }, undefined],
      [{ attributionStatus: 'ASSERTED', minConfidence: 50, targetCountry: 'US', type: 'PHISHING' }, { field: 'TITLE', direction: 'ASC' }],
      [{ actor: 'Ashen Lynx', targetOrganizationKind: 'MINISTRY', targetCountry: 'UA' }, { field: 'STARTED', direction: 'ASC' }],
      [{ sponsorCountry: 'CN', targetSector: 'Energy', search: 'ransomware' }, undefined],
    ];
    let nonEmpty = 0;
    for (const [filter, sort] of combinations) {
      const expected = expectedIds(world, filter);
      const whole = await walk(t, filter, sort, 200);
      expect({ filter, ids: [...whole.ids].sort(), totalCount: whole.totalCount }).toEqual({ filter, ids: expected, totalCount: expected.length });
      const ids: string[] = [];
      let after: string | null = null;
      do {
        const { incidents }: any = await t.data(INCIDENT_IDS, { filter, sort, first: 4, after });
        expect({ filter, after, totalCount: incidents.totalCount }).toEqual({ filter, after, totalCount: expected.length });
        ids.push(...incidents.nodes.map((n: { id: string }) => n.id));
        after = incidents.pageInfo.hasNextPage ? incidents.pageInfo.endCursor : null;
      } while (after);
      expect({ filter, ids }).toEqual({ filter, ids: whole.ids });
      if (expected.length > 4) nonEmpty++;
    }
    // More than one page for most of them, so that the later pages' path is taken.
    expect(nonEmpty).toBeGreaterThanOrEqual(3);
  });

  it('ranks web-search text with excluded words as PostgreSQL ranks the whole query (the rank skips the excluded words)', async () => {
    // The list ranks with the text less its "-word"s; the order must be ts_rank_cd's over the whole query.
    const texts = ['operation -ministry', 'spearphishing -glacier -harbor', '"credential theft" -utility', 'investigators -hospital -zurich'];
    for (const text of texts) {
      const rows: { id: string }[] = await t.dataSource.query(
        `SELECT id::text AS id FROM incident WHERE search_vector @@ websearch_to_tsquery('english_unaccent', $1)
          ORDER BY ts_rank_cd(search_vector, websearch_to_tsquery('english_unaccent', $1), 33)::numeric DESC, id DESC`,
        [text],
      );
      const expected = rows.map((r) => r.id);
      // Not vacuous: the excluded words exclude something, and the ranks are not all equal.
      const positive = text.replace(/(^|\s)-\S+/g, ' ');
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM incident WHERE search_vector @@ websearch_to_tsquery('english_unaccent', $1)`, [positive]);
      expect({ text, excludes: n > expected.length }).toEqual({ text, excludes: true });
      const [{ ranks }] = await t.dataSource.query(
        `SELECT count(DISTINCT ts_rank_cd(search_vector, websearch_to_tsquery('english_unaccent', $1), 33))::int AS ranks
           FROM incident WHERE search_vector @@ websearch_to_tsquery('english_unaccent', $1)`,
        [text],
      );
      expect({ text, ranked: ranks > 1 }).toEqual({ text, ranked: true });
      expect({ text, ids: (await walk(t, { search: text }, undefined, 200)).ids }).toEqual({ text, ids: expected });
      const paged = await walk(t, { search: text }, undefined, 3);
      expect({ text, ids: paged.ids, totalCount: paged.totalCount }).toEqual({ text, ids: expected, totalCount: expected.length });
    }
  });

  it('sorts by start date, latest first, ties by id', async () => {
    const { ids } = await walk(t, {}, undefined, 37);
    const key = (i: WorldIncident) => i.startedFrom ?? i.startedTo ?? '0000-00-00';
    const expected = [...world.incidents].sort((a, b) => (key(b) < key(a) ? -1 : key(b) > key(a) ? 1 : b.id < a.id ? -1 : 1)).map((i) => i.id);
    expect(ids).toEqual(expected);
  });

  it('sorts by relevance when text is given: every title match before every summary-only match', async () => {
    for (const word of ['glacier', 'nightfall', 'quartz']) {
      const { ids } = await walk(t, { search: word }, undefined, 7);
      const titleMatch = (id: string) => fold(world.incidents.find((i) => i.id === id)!.title).includes(word);
      const firstSummaryOnly = ids.findIndex((id) => !titleMatch(id));
      expect(firstSummaryOnly).toBeGreaterThan(0);
      expect(ids.slice(firstSummaryOnly).some(titleMatch)).toBe(false);
      expect([...ids].sort()).toEqual(expectedIds(world, { search: word }));
    }
  });

  it('keeps pages stable while incidents are added between them', async () => {
    for (const [filter, sort] of [
      [{}, { field: 'STARTED', direction: 'DESC' }],
      [{ search: 'glacier' }, { field: 'RELEVANCE', direction: 'DESC' }],
      [{ search: 'harbor' }, { field: 'TITLE', direction: 'ASC' }],
    ] as [Filter, Record<string, unknown>][]) {
      const before = await walk(t, filter, sort);
      const firstPage: any = (await t.data(INCIDENT_IDS, { filter, sort, first: 10 })).incidents;
      const firstIds: string[] = firstPage.nodes.map((n: { id: string }) => n.id);
      expect(firstIds).toEqual(before.ids.slice(0, 10));
      // Twelve incidents that sort before, among and after the first page: starts from 2014
      // to 2025, titles from "A" to "W", the word twice, once, or only in the summary.
      const word = filter.search ?? 'filler';
      const added: string[] = (await t.dataSource.query(
        `INSERT INTO incident (title, summary, started_from, started_to)
         SELECT chr(64 + 2 * n) || '-added ' || CASE n % 3 WHEN 0 THEN $1 || ' ' || $1 WHEN 1 THEN 'item' ELSE $1 END,
                'about ' || $1, DATE '2013-01-01' + n * 365, DATE '2013-01-01' + n * 365
           FROM generate_series(1, 12) n
         RETURNING id::text AS id`,
        [word],
      )).map((r: { id: string }) => r.id);
      const rest: string[] = [];
      let after = firstPage.pageInfo.endCursor;
      while (after) {
        const page: any = (await t.data(INCIDENT_IDS, { filter, sort, first: 10, after })).incidents;
        rest.push(...page.nodes.map((n: { id: string }) => n.id));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      }
      const now = (await walk(t, filter, sort)).ids;
      // The pages after the cursor are exactly what now follows the last row seen: nothing
      // seen twice, nothing skipped, the rows that were there in their order.
      expect(rest).toEqual(now.slice(now.indexOf(firstIds[9]) + 1));
      expect([...firstIds, ...rest].filter((id) => !added.includes(id))).toEqual(before.ids);
      // Some added rows landed after the cursor (and are seen), some before it (and are not).
      expect(rest.filter((id) => added.includes(id)).length).toBeGreaterThan(0);
      expect(added.filter((id) => !rest.includes(id)).length).toBeGreaterThan(0);
      await t.dataSource.query(`DELETE FROM incident WHERE id = ANY($1::uuid[])`, [added]);
    }
  });
});

describe('actor lookup on generated actors', () => {
  let t: TestApp;
  const world = generateWorld({ seed: 7, incidents: 5 });
  beforeAll(async () => {
    t = await startTestApp();
    await insertWorld(t.dataSource, world);
  });
  afterAll(() => t.close());

  /** pg_trgm's similarity, written out: trigrams of "  word " for each word, shared / all. */
  const trigrams = (s: string) => {
    const set = new Set<string>();
    for (const word of s.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) {
      const padded = `  ${word} `;
      for (let i = 0; i + 3 <= padded.length; i++) set.add(padded.slice(i, i + 3));
    }
    return set;
  };
  const similarity = (a: string, b: string) => {
    const [x, y] = [trigrams(a), trigrams(b)];
    const shared = [...x].filter((g) => y.has(g)).length;
    return shared / (x.size + y.size - shared);
  };

  it('suggests every other actor with a name at least 0.3 similar, closest name first', async () => {
    for (const name of ['Ashen Lynks', 'Boreal Kyte', 'Heron Crow', 'Mantis', 'Lazuli Mantis', 'Directorate']) {
      const { threatActorLookup: lookup } = await t.data(
        `query ($name: String!) { threatActorLookup(name: $name, first: 50) {
           exact { name } suggestions { actor { name } alias { name } similarity } } }`,
        { name },
      );
      const query = normalizeName(name);
      const exact = world.actors.find((a) => [a.name, ...a.aliases].some((n) => normalizeName(n) === query));
      const expected = world.actors
        .filter((a) => a !== exact)
        .map((a) => {
          const best = [a.name, ...a.aliases]
            .map((alias) => ({ alias, similarity: similarity(normalizeName(alias), query) }))
            .sort((x, y) => y.similarity - x.similarity || x.alias.toLowerCase().localeCompare(y.alias.toLowerCase()))[0];
          return { actor: a.name, ...best };
        })
        .filter((s) => s.similarity >= 0.3)
        .sort((x, y) => y.similarity - x.similarity || x.alias.toLowerCase().localeCompare(y.alias.toLowerCase()));
      expect(lookup.exact?.name ?? null).toBe(exact?.name ?? null);
      expect(lookup.suggestions.map((s: any) => ({ actor: s.actor.name, alias: s.alias.name }))).toEqual(
        expected.map((s) => ({ actor: s.actor, alias: s.alias })),
      );
      lookup.suggestions.forEach((s: any, i: number) => expect(s.similarity).toBeCloseTo(expected[i].similarity, 5));
    }
  });
});
