import { generateIncidentGraph, insertIncidentGraph } from './support/incident-generator';
import { TestApp, errorCodes, startTestApp } from './support/test-app';

const GROUPS = `{ total groups { label count } other otherGroups none }`;
const STATS = `count median lowerQuartile upperQuartile min max`;

/** [label, count] pairs of a breakdown, in the order returned. */
const pairs = (breakdown: { groups: { label: string; count: number }[] }) => breakdown.groups.map((g) => [g.label, g.count]);

describe('dashboard aggregates on the founding articles', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ seed: true })));
  afterAll(() => t.close());

  const stats = async (fields: string, filter: Record<string, unknown> | null = null) =>
    (await t.data(`query ($filter: IncidentFilter) { incidentStats(filter: $filter) { ${fields} } }`, { filter })).incidentStats;

  // The seed: Macron campaign (2017, year only) attributed to Russia by the campaign; US Democratic Party (2016,
  // year only) attributed to "Russian intelligence" by US intelligence agencies, undated; Storting (2020-08-24)
  // attributed to Russia by Søreide for the Government of Norway (from 2020-08-24), to APT28 by PST (from
  // 2020-10-01), and denied by Russia's embassy (DENIED, not a claim).
  it('counts incidents by accused actor, counting an incident once per actor and once in total', async () => {
    const { byAccusedActor } = await stats(`byAccusedActor ${GROUPS}`);
    expect(byAccusedActor.total).toBe(3);
    expect(pairs(byAccusedActor)).toEqual([['Russian Federation', 2], ['APT28', 1], ['Russian intelligence', 1]]);
    expect(byAccusedActor).toMatchObject({ other: 0, otherGroups: 0, none: 0 });
  });

  it('keeps the top N and sums the rest as other', async () => {
    const { byAccusedActor } = await stats(`byAccusedActor(top: 1) ${GROUPS}`);
    expect(pairs(byAccusedActor)).toEqual([['Russian Federation', 2]]);
    expect(byAccusedActor).toMatchObject({ total: 3, other: 2, otherGroups: 2, none: 0 });
  });

  it('counts only claims by default; denials when asked', async () => {
    const { denied } = await stats(`denied: byAccusedActor(statuses: [DENIED]) ${GROUPS}`);
    expect(pairs(denied)).toEqual([['Russian Federation', 1]]);
    expect(denied.none).toBe(2);
  });

  it('rolls actors up the hierarchy: to the agency, to the top, or to named actors', async () => {
    const result = await stats(`
      agency: byAccusedActor(rollUp: AGENCY) ${GROUPS}
      top: byAccusedActor(rollUp: TOP) ${GROUPS}
      toGru: byAccusedActor(rollUpTo: ["GRU"]) ${GROUPS}
      toRussia: byAccusedActor(rollUpTo: ["Moscow"]) ${GROUPS}
      toFancyBear: byAccusedActor(rollUpTo: ["Fancy Bear"]) ${GROUPS}`);
    // APT28 → GRU; Russian intelligence is itself an agency; the Russian state stays itself.
    expect(pairs(result.agency)).toEqual([['Russian Federation', 2], ['GRU', 1], ['Russian intelligence', 1]]);
    // Storting is attributed to Russia and to APT28: rolled up, it counts once.
    expect(pairs(result.top)).toEqual([['Russian Federation', 3]]);
    expect(pairs(result.toGru)).toEqual([['Russian Federation', 2], ['GRU', 1], ['Russian intelligence', 1]]);
    expect(pairs(result.toRussia)).toEqual([['Russian Federation', 3]]);
    expect(pairs(result.toFancyBear)).toEqual([['Russian Federation', 2], ['APT28', 1], ['Russian intelligence', 1]]);
  });

  it('refuses rollUp with rollUpTo, an unknown roll-up actor and a top out of range', async () => {
    const both = await t.gql(`{ incidentStats { byAccusedActor(rollUp: TOP, rollUpTo: ["GRU"]) { total } } }`);
    expect(errorCodes(both)).toEqual(['BAD_USER_INPUT']);
    expect(both.errors![0].message).toBe('give either rollUp or rollUpTo, not both');
    const unknown = await t.gql(`{ incidentStats { byAccusedActor(rollUpTo: ["Cozy Koala"]) { total } } }`);
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
    const top = await t.gql(`{ incidentStats { byType(top: 0) { total } } }`);
    expect(errorCodes(top)).toEqual(['BAD_USER_INPUT']);
    expect(top.errors![0].message).toContain('top');
  });

  it('counts by sponsor country, target country, sector and organization kind', async () => {
    const result = await stats(`
      bySponsorCountry ${GROUPS}
      byTargetCountry { groups { key label count } none }
      byTargetSector ${GROUPS}
      byTargetOrganizationKind ${GROUPS}`);
    // Russia is a STATE (its own sponsor); GRU, APT28 and Russian intelligence are sponsored by RU.
    expect(pairs(result.bySponsorCountry)).toEqual([['Russian Federation', 3]]);
    // Macron's campaign and Macron himself are both French: the incident counts once for France.
    expect(result.byTargetCountry.groups.map((g: any) => [g.key, g.count])).toEqual([['FR', 1], ['NO', 1], ['US', 1]]);
    expect(pairs(result.byTargetSector)).toEqual([['Political party', 2], ['Government', 1]]);
    expect(pairs(result.byTargetOrganizationKind)).toEqual([['PARLIAMENT', 1], ['POLITICAL_CAMPAIGN', 1], ['POLITICAL_PARTY', 1]]);
  });

  it('counts by incident type and ATT&CK technique, with incidents that have none', async () => {
    const { byType, byTechnique } = await stats(`byType ${GROUPS} byTechnique ${GROUPS}`);
    expect(pairs(byType)).toEqual([['INTRUSION', 2], ['CREDENTIAL_ATTACK', 1], ['DATA_THEFT', 1]]);
    expect(byType.none).toBe(1); // Macron's campaign: the source does not say how
    expect(pairs(byTechnique)).toEqual([['T1110', 1]]);
    expect(byTechnique.none).toBe(2);
  });

  it('counts by attributing party and kind (Søreide counts for the Government of Norway)', async () => {
    const result = await stats(`
      byAttributingParty ${GROUPS}
      byAttributingKind ${GROUPS}
      withDenials: byAttributingKind(statuses: [ASSERTED, DENIED]) ${GROUPS}`);
    expect(pairs(result.byAttributingParty)).toEqual([
      ["Emmanuel Macron's presidential campaign", 1], ['Government of Norway', 1], ['PST', 1], ['US intelligence agencies', 1],
    ]);
    expect(pairs(result.byAttributingKind)).toEqual([['INTELLIGENCE_AGENCY', 2], ['GOVERNMENT', 1], ['POLITICAL_CAMPAIGN', 1]]);
    expect(pairs(result.withDenials)).toEqual([['INTELLIGENCE_AGENCY', 2], ['EMBASSY', 1], ['GOVERNMENT', 1], ['POLITICAL_CAMPAIGN', 1]]);
  });

  it('buckets incidents by start, placing only starts that fit one bucket, and fills empty buckets with zero', async () => {
    const result = await stats(`
      month: timeline { buckets { start label count } total undated imprecise outsideRange }
      year: timeline(interval: YEAR) { buckets { label count } imprecise }
      quarters: timeline(interval: QUARTER, from: "2020", to: "2020") { buckets { label count } }
      months: timeline(from: "2020-06", to: "2020-10-15") { buckets { label count } outsideRange imprecise }
      clipped: timeline(interval: YEAR, from: "2017", to: "2020") { buckets { label count } outsideRange }
      everyMonth: timeline(includeImprecise: true) { buckets { label count } imprecise }`);
    // Macron's (2017) and the Democratic Party's (2016) starts are known only to the year: not in a month.
    expect(result.month).toEqual({
      buckets: [{ start: '2020-08-01', label: '2020-08', count: 1 }], total: 3, undated: 0, imprecise: 2, outsideRange: 0,
    });
    expect(result.year).toEqual({
      buckets: [['2016', 1], ['2017', 1], ['2018', 0], ['2019', 0], ['2020', 1]].map(([label, count]) => ({ label, count })),
      imprecise: 0,
    });
    expect(result.quarters.buckets).toEqual([['2020-Q1', 0], ['2020-Q2', 0], ['2020-Q3', 1], ['2020-Q4', 0]].map(([label, count]) => ({ label, count })));
    expect(result.months.buckets).toEqual([['2020-06', 0], ['2020-07', 0], ['2020-08', 1], ['2020-09', 0], ['2020-10', 0]].map(([label, count]) => ({ label, count })));
    expect(result.clipped).toEqual({
      buckets: [['2017', 1], ['2018', 0], ['2019', 0], ['2020', 1]].map(([label, count]) => ({ label, count })),
      outsideRange: 1,
    });
    // Placed at their earliest day: January 2016, January 2017, August 2020; 56 months in all.
    expect(result.everyMonth.imprecise).toBe(0);
    expect(result.everyMonth.buckets).toHaveLength(56);
    expect(result.everyMonth.buckets.filter((b: any) => b.count > 0)).toEqual([
      { label: '2016-01', count: 1 }, { label: '2017-01', count: 1 }, { label: '2020-08', count: 1 },
    ]);
  });

  it('refuses a timeline range that is backwards or malformed', async () => {
    const backwards = await t.gql(`{ incidentStats { timeline(from: "2021", to: "2020") { total } } }`);
    expect(errorCodes(backwards)).toEqual(['BAD_USER_INPUT']);
    expect(backwards.errors![0].message).toBe('from (2021) is after to (2020)');
    const malformed = await t.gql(`{ incidentStats { timeline(from: "August 2020") { total } } }`);
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
  });

  it('measures the attribution lag of the Storting intrusion by hand', async () => {
    const { attributionLag: lag } = await stats(`attributionLag {
      startPrecision overall { ${STATS} } byAttributingKind { kind ${STATS} }
      distribution { label minDays maxDays count } overTime { label ${STATS} }
      undatedStart impreciseStart unattributed undatedAttribution }`);
    // Storting started 2020-08-24 (a day). First claim: Søreide, from 2020-08-24 → 0 days. PST's claim, from
    // 2020-10-01, is the first by an intelligence agency: 7 days of August + 30 of September + 1 = 38 days.
    expect(lag.startPrecision).toBe('DAY');
    expect(lag.overall).toEqual({ count: 1, median: 0, lowerQuartile: 0, upperQuartile: 0, min: 0, max: 0 });
    expect(lag.byAttributingKind).toEqual([
      { kind: 'GOVERNMENT', count: 1, median: 0, lowerQuartile: 0, upperQuartile: 0, min: 0, max: 0 },
      { kind: 'INTELLIGENCE_AGENCY', count: 1, median: 38, lowerQuartile: 38, upperQuartile: 38, min: 38, max: 38 },
    ]);
    expect(lag.distribution.map((b: any) => [b.label, b.count])).toEqual([
      ['same day', 1], ['1–7 days', 0], ['8–30 days', 0], ['31–90 days', 0], ['91–180 days', 0], ['181–365 days', 0],
      ['1–2 years', 0], ['over 2 years', 0],
    ]);
    expect(lag.distribution[7]).toEqual({ label: 'over 2 years', minDays: 731, maxDays: null, count: 0 });
    expect(lag.overTime).toEqual([{ label: '2020', count: 1, median: 0, lowerQuartile: 0, upperQuartile: 0, min: 0, max: 0 }]);
    // Macron's and the Democratic Party's starts are known only to the year: no lag in days.
    expect(lag).toMatchObject({ undatedStart: 0, impreciseStart: 2, unattributed: 0, undatedAttribution: 0 });
  });

  it('measures lags of year-precise starts only when asked, and never from an undated claim', async () => {
    const { attributionLag: lag } = await stats(`attributionLag(startPrecision: YEAR) {
      overall { ${STATS} } byAttributingKind { kind count median } overTime { label count median }
      impreciseStart undatedAttribution }`);
    // Macron: started 2017, claimed 2017 → 0 days from the first possible day of each. The Democratic Party's
    // only claim (US intelligence) has no date, so its first attribution is unknown.
    expect(lag.overall).toEqual({ count: 2, median: 0, lowerQuartile: 0, upperQuartile: 0, min: 0, max: 0 });
    expect(lag.byAttributingKind).toEqual([
      { kind: 'GOVERNMENT', count: 1, median: 0 },
      { kind: 'INTELLIGENCE_AGENCY', count: 1, median: 38 },
      { kind: 'POLITICAL_CAMPAIGN', count: 1, median: 0 },
    ]);
    expect(lag.overTime).toEqual([
      { label: '2017', count: 1, median: 0 }, { label: '2018', count: 0, median: null },
      { label: '2019', count: 0, median: null }, { label: '2020', count: 1, median: 0 },
    ]);
    expect(lag).toMatchObject({ impreciseStart: 0, undatedAttribution: 1 });
    const bad = await t.gql(`{ incidentStats { attributionLag(startPrecision: RANGE) { undatedStart } } }`);
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0].message).toContain('startPrecision must be DAY, MONTH or YEAR');
  });

  it('takes the same filter as the incident list: actor by any alias, target country', async () => {
    const query = `query ($filter: IncidentFilter) {
      incidents(filter: $filter) { totalCount }
      incidentStats(filter: $filter) { total byAccusedActor ${GROUPS} attributionLag { overall { count median } } }
    }`;
    for (const filter of [{ actor: 'Fancy Bear' }, { targetCountry: 'Norway' }, { actor: 'GRU', includeSubordinateActors: true }]) {
      const result = await t.data(query, { filter });
      expect(result.incidents.totalCount).toBe(1);
      expect(result.incidentStats.total).toBe(1);
      expect(pairs(result.incidentStats.byAccusedActor)).toEqual([['APT28', 1], ['Russian Federation', 1]]);
      expect(result.incidentStats.attributionLag.overall).toEqual({ count: 1, median: 0 });
    }
    // Nothing is attributed to the GRU itself.
    const gru = await t.data(query, { filter: { actor: 'GRU' } });
    expect(gru.incidents.totalCount).toBe(0);
    expect(gru.incidentStats.total).toBe(0);
    expect(gru.incidentStats.byAccusedActor).toEqual({ total: 0, groups: [], other: 0, otherGroups: 0, none: 0 });
    const unknown = await t.gql(`{ incidentStats(filter: { actor: "Cozy Koala" }) { total } }`);
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
  });
});

/**
 * The same aggregates on a generated, skewed graph, each compared with counts computed here
 * independently: in JavaScript over the generated rows, or in plain SQL written another way.
 */
describe('dashboard aggregates on generated data', () => {
  const graph = generateIncidentGraph({ seed: 20201013, incidents: 600 });
  const organizations = new Map(graph.organizations.map((o) => [o.id, o]));
  const people = new Map(graph.people.map((p) => [p.id, p]));
  const actors = new Map(graph.actors.map((a) => [a.id, a]));
  const allIncidents = new Set(graph.incidents.map((i) => i.id));
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await insertIncidentGraph(t.dataSource, graph);
  });
  afterAll(() => t.close());

  const stats = async (fields: string, filter: Record<string, unknown> | null = null) =>
    (await t.data(`query ($filter: IncidentFilter) { incidentStats(filter: $filter) { ${fields} } }`, { filter })).incidentStats;

  /** Each key's count of distinct incidents, from (incident, key) pairs of the incidents in scope. */
  function countsOf(scope: Set<string>, pairs: [string, string | null | undefined][]): Map<string, number> {
    const byKey = new Map<string, Set<string>>();
    for (const [incidentId, key] of pairs) {
      if (!scope.has(incidentId) || key == null) continue;
      byKey.set(key, (byKey.get(key) ?? new Set()).add(incidentId));
    }
    return new Map([...byKey].map(([key, ids]) => [key, ids.size]));
  }
  function noneOf(scope: Set<string>, pairs: [string, string | null | undefined][]): number {
    const having = new Set(pairs.filter(([, key]) => key != null).map(([id]) => id));
    return [...scope].filter((id) => !having.has(id)).length;
  }
  const asMap = (breakdown: { groups: { key: string; count: number }[] }) => new Map(breakdown.groups.map((g) => [g.key, g.count]));

  const chain = (actorId: string) => {
    const list = [actors.get(actorId)!];
    while (list[list.length - 1].parentId) list.push(actors.get(list[list.length - 1].parentId!)!);
    return list;
  };
  const rollUp = (actorId: string, mode: 'NONE' | 'AGENCY' | 'TOP', to: string[] = []) => {
    const up = chain(actorId);
    if (to.length) return (up.find((a) => to.includes(a.id)) ?? up[0]).id;
    if (mode === 'TOP') return up[up.length - 1].id;
    if (mode === 'AGENCY') {
      const agency = up.find((a) => a.kind === 'INTELLIGENCE_AGENCY');
      const belowState = up.filter((a) => a.kind !== 'STATE');
      return (agency ?? belowState[belowState.length - 1] ?? up[0]).id;
    }
    return actorId;
  };
  const sponsorOf = (actorId: string) =>
    chain(actorId).map((a) => a.sponsorCountryCode ?? (a.kind === 'STATE' ? a.countryCode : null)).find((c) => c) ?? null;
  const claims = (statuses = ['ASSERTED']) => graph.attributions.filter((a) => statuses.includes(a.status));
  const partyOf = (a: (typeof graph.attributions)[number]) => {
    const person = a.byPersonId ? people.get(a.byPersonId)! : null;
    const org = a.byOrganizationId ? organizations.get(a.byOrganizationId)! : person?.organizationId ? organizations.get(person.organizationId)! : null;
    return { id: org?.id ?? person!.id, kind: org?.kind ?? null };
  };
  const targetParts = (target: (typeof graph.targets)[number]) => {
    const org = target.organizationId ? organizations.get(target.organizationId)! : null;
    const person = target.personId ? people.get(target.personId)! : null;
    const personOrg = person?.organizationId ? organizations.get(person.organizationId)! : null;
    const sector = (target.sector ?? org?.sector ?? personOrg?.sector ?? null)?.trim() || null;
    return {
      country: target.countryCode ?? org?.countryCode ?? person?.countryCode ?? null,
      sector: sector?.toLowerCase() ?? null,
      kind: org?.kind ?? personOrg?.kind ?? null,
    };
  };

  /** Every dimension's (incident, key) pairs, computed from the generated rows. */
  const dimensions: Record<string, [string, string | null][]> = {
    byAccusedActor: claims().map((a) => [a.incidentId, a.actorId]),
    bySponsorCountry: claims().map((a) => [a.incidentId, sponsorOf(a.actorId)]),
    byTargetCountry: graph.targets.map((x) => [x.incidentId, targetParts(x).country]),
    byTargetSector: graph.targets.map((x) => [x.incidentId, targetParts(x).sector]),
    byTargetOrganizationKind: graph.targets.map((x) => [x.incidentId, targetParts(x).kind]),
    byType: graph.incidents.flatMap((i) => i.types.map((type): [string, string] => [i.id, type])),
    byTechnique: graph.incidents.flatMap((i) => i.techniqueIds.map((id): [string, string] => [i.id, id])),
    byAttributingParty: claims().map((a) => [a.incidentId, partyOf(a).id]),
    byAttributingKind: claims().map((a) => [a.incidentId, partyOf(a).kind]),
  };

  it('generates a skewed graph, the same for the same seed', () => {
    expect(generateIncidentGraph({ seed: 20201013, incidents: 600 })).toEqual(graph);
    const accused = countsOf(allIncidents, dimensions.byAccusedActor);
    const counts = [...accused.values()].sort((a, b) => b - a);
    expect(counts[0]).toBeGreaterThan(5 * counts[counts.length - 1]);
    expect(graph.incidents.filter((i) => !i.startedFrom && !i.startedTo).length).toBeGreaterThan(20);
  });

  it.each(Object.keys(dimensions))('%s matches the counts computed from the generated rows', async (field) => {
    const { [field]: breakdown } = await stats(`${field}(top: 100) { total groups { key label count } other otherGroups none }`);
    const expected = countsOf(allIncidents, dimensions[field]);
    expect(expected.size).toBeGreaterThan(2);
    expect(breakdown.total).toBe(600);
    expect(asMap(breakdown)).toEqual(expected);
    expect(breakdown.none).toBe(noneOf(allIncidents, dimensions[field]));
    expect(breakdown).toMatchObject({ other: 0, otherGroups: 0 });
    const counts = breakdown.groups.map((g: any) => g.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('keeps the top N, largest first, and sums the rest as other', async () => {
    const { byTargetCountry } = await stats(`byTargetCountry(top: 4) { groups { key count } other otherGroups }`);
    const expected = [...countsOf(allIncidents, dimensions.byTargetCountry)].sort((a, b) => b[1] - a[1]);
    expect(byTargetCountry.groups.map((g: any) => g.count)).toEqual(expected.slice(0, 4).map(([, n]) => n));
    for (const group of byTargetCountry.groups) expect(group.count).toBe(new Map(expected).get(group.key));
    expect(byTargetCountry.other).toBe(expected.slice(4).reduce((sum, [, n]) => sum + n, 0));
    expect(byTargetCountry.otherGroups).toBe(expected.length - 4);
  });

  it('rolls accused actors up to agencies, to the top, and to chosen actors', async () => {
    const agencyName = 'RU Agency 1';
    const agency = graph.actors.find((a) => a.name === agencyName)!;
    const china = graph.actors.find((a) => a.name === 'Generated China')!;
    const result = await stats(`
      agency: byAccusedActor(rollUp: AGENCY, top: 100) { groups { key count } }
      top: byAccusedActor(rollUp: TOP, top: 100) { groups { key count } }
      chosen: byAccusedActor(rollUpTo: ["${agencyName}", "${china.id}"], top: 100) { groups { key count } }`);
    const accused = claims();
    expect(asMap(result.agency)).toEqual(countsOf(allIncidents, accused.map((a) => [a.incidentId, rollUp(a.actorId, 'AGENCY')])));
    expect(asMap(result.top)).toEqual(countsOf(allIncidents, accused.map((a) => [a.incidentId, rollUp(a.actorId, 'TOP')])));
    expect(asMap(result.chosen)).toEqual(
      countsOf(allIncidents, accused.map((a) => [a.incidentId, rollUp(a.actorId, 'NONE', [agency.id, china.id])])),
    );
    // The army branch has no agency: its brigade's group counts as the army, the top-most below the state.
    const keys = new Set(result.agency.groups.map((g: any) => g.key));
    expect(keys.has(graph.actors.find((a) => a.name === 'RU Army')!.id)).toBe(true);
    expect(keys.has(graph.actors.find((a) => a.name === 'RU Brigade Group')!.id)).toBe(false);
    expect(result.top.groups.length).toBeLessThan(result.agency.groups.length);
  });

  /** First day of the bucket holding a YYYY-MM-DD date. */
  const bucketOf = (date: string, interval: string) => {
    const [y, m] = date.split('-').map(Number);
    const month = interval === 'YEAR' ? 1 : interval === 'QUARTER' ? 3 * Math.floor((m - 1) / 3) + 1 : m;
    return `${y}-${pad(month)}-01`;
  };
  const nextBucket = (start: string, interval: string) => {
    const [y, m] = start.split('-').map(Number);
    const months = { MONTH: 1, QUARTER: 3, YEAR: 12 }[interval]!;
    const total = y * 12 + (m - 1) + months;
    return `${Math.floor(total / 12)}-${pad((total % 12) + 1)}-01`;
  };
  const pad = (n: number) => String(n).padStart(2, '0');
  function expectedTimeline(scope: Set<string>, interval: string) {
    const placed = new Map<string, number>();
    let undated = 0;
    let imprecise = 0;
    for (const i of graph.incidents.filter((x) => scope.has(x.id))) {
      if (!i.startedFrom && !i.startedTo) undated++;
      else if (i.startedFrom && i.startedTo && bucketOf(i.startedFrom, interval) === bucketOf(i.startedTo, interval)) {
        const bucket = bucketOf(i.startedFrom, interval);
        placed.set(bucket, (placed.get(bucket) ?? 0) + 1);
      } else imprecise++;
    }
    const starts = [...placed.keys()].sort();
    const buckets: { start: string; count: number }[] = [];
    for (let b = starts[0]; starts.length && b <= starts[starts.length - 1]; b = nextBucket(b, interval)) {
      buckets.push({ start: b, count: placed.get(b) ?? 0 });
    }
    return { buckets, total: scope.size, undated, imprecise, outsideRange: 0 };
  }

  it.each(['MONTH', 'QUARTER', 'YEAR'])('buckets incidents by %s, zero-filled, as computed from the generated rows', async (interval) => {
    const { timeline } = await stats(`timeline(interval: ${interval}) { buckets { start count } total undated imprecise outsideRange }`);
    const expected = expectedTimeline(allIncidents, interval);
    expect(timeline).toEqual(expected);
    if (interval === 'MONTH') expect(expected.buckets.filter((b) => b.count === 0).length).toBeGreaterThan(0);
  });

  it('buckets by year as plain SQL on extract(year) does', async () => {
    const rows: { year: number; count: number }[] = await t.dataSource.query(`
      SELECT extract(year FROM started_from)::int AS year, count(*)::int AS count FROM incident
       WHERE extract(year FROM started_from) = extract(year FROM started_to) GROUP BY 1`);
    const { timeline } = await stats(`timeline(interval: YEAR) { buckets { label count } }`);
    const nonEmpty = timeline.buckets.filter((b: any) => b.count > 0);
    expect(nonEmpty).toEqual(rows.sort((a, b) => a.year - b.year).map((r) => ({ label: String(r.year), count: r.count })));
  });

  it('counts target countries as a UNION of the three ways a target has a country does', async () => {
    const rows: { code: string; count: number }[] = await t.dataSource.query(`
      SELECT code, count(DISTINCT incident_id)::int AS count FROM (
        SELECT incident_id, country_code AS code FROM incident_target WHERE country_code IS NOT NULL
        UNION ALL
        SELECT t.incident_id, o.country_code FROM incident_target t JOIN organization o ON o.id = t.organization_id
        UNION ALL
        SELECT t.incident_id, p.country_code FROM incident_target t JOIN person p ON p.id = t.person_id
      ) target_countries WHERE code IS NOT NULL GROUP BY code`);
    const { byTargetCountry } = await stats(`byTargetCountry(top: 100) { groups { key count } }`);
    expect(asMap(byTargetCountry)).toEqual(new Map(rows.map((r) => [r.code, r.count])));
  });

  /** percentile_cont: linear interpolation between the two nearest ranks. */
  const percentile = (sorted: number[], p: number) => {
    if (!sorted.length) return null;
    const rank = p * (sorted.length - 1);
    const [lo, hi] = [Math.floor(rank), Math.ceil(rank)];
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
  };
  const summary = (lags: number[]) => {
    const sorted = [...lags].sort((a, b) => a - b);
    return {
      count: sorted.length, median: percentile(sorted, 0.5), lowerQuartile: percentile(sorted, 0.25),
      upperQuartile: percentile(sorted, 0.75), min: sorted.length ? sorted[0] : null, max: sorted.length ? sorted[sorted.length - 1] : null,
    };
  };
  const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
  function expectedLag(scope: Set<string>, widest: number) {
    const lags: { started: string; days: number }[] = [];
    const byKind = new Map<string | null, number[]>();
    const excluded = { undatedStart: 0, impreciseStart: 0, unattributed: 0, undatedAttribution: 0 };
    for (const i of graph.incidents.filter((x) => scope.has(x.id))) {
      if (!i.startedFrom && !i.startedTo) { excluded.undatedStart++; continue; }
      if (!i.startedFrom || !i.startedTo || daysBetween(i.startedFrom, i.startedTo) + 1 > widest) { excluded.impreciseStart++; continue; }
      const mine = claims().filter((a) => a.incidentId === i.id);
      if (!mine.length) { excluded.unattributed++; continue; }
      const first = (list: typeof mine) =>
        list.every((a) => a.attributedFrom) ? Math.max(0, Math.min(...list.map((a) => daysBetween(i.startedFrom!, a.attributedFrom!)))) : null;
      const overall = first(mine);
      if (overall === null) excluded.undatedAttribution++;
      else lags.push({ started: i.startedFrom, days: overall });
      for (const kind of new Set(mine.map((a) => partyOf(a).kind))) {
        const days = first(mine.filter((a) => partyOf(a).kind === kind));
        if (days !== null) byKind.set(kind, [...(byKind.get(kind) ?? []), days]);
      }
    }
    return { lags, byKind, excluded };
  }

  it.each([['DAY', 1], ['MONTH', 31], ['YEAR', 366]] as const)(
    'measures attribution lags at %s precision as computed from the generated rows', async (precision, widest) => {
      const { attributionLag: lag } = await stats(`attributionLag(startPrecision: ${precision}, interval: YEAR) {
        overall { ${STATS} } byAttributingKind { kind ${STATS} } distribution { minDays maxDays count }
        overTime { start ${STATS} } undatedStart impreciseStart unattributed undatedAttribution }`);
      const expected = expectedLag(allIncidents, widest);
      expect(expected.lags.length).toBeGreaterThan(20);
      expect(lag.overall.count).toBe(expected.lags.length);
      const close = (actual: any, wanted: any) => {
        for (const key of Object.keys(wanted)) {
          if (wanted[key] === null) expect(actual[key]).toBeNull();
          else expect(actual[key]).toBeCloseTo(wanted[key], 6);
        }
      };
      close(lag.overall, summary(expected.lags.map((l) => l.days)));
      expect(lag).toMatchObject(expected.excluded);
      expect(lag.overall.count + Object.values(expected.excluded).reduce((a, b) => a + b, 0)).toBe(600);
      expect(new Set(lag.byAttributingKind.map((k: any) => k.kind))).toEqual(new Set(expected.byKind.keys()));
      for (const row of lag.byAttributingKind) close(row, summary(expected.byKind.get(row.kind)!));
      for (const bin of lag.distribution) {
        expect(bin.count).toBe(expected.lags.filter((l) => l.days >= bin.minDays && (bin.maxDays === null || l.days <= bin.maxDays)).length);
      }
      expect(lag.distribution.reduce((sum: number, b: any) => sum + b.count, 0)).toBe(expected.lags.length);
      const years = expected.lags.map((l) => Number(l.started.slice(0, 4)));
      expect(lag.overTime.map((b: any) => b.start)).toEqual(
        Array.from({ length: Math.max(...years) - Math.min(...years) + 1 }, (_, k) => `${Math.min(...years) + k}-01-01`),
      );
      for (const bucket of lag.overTime) {
        close(bucket, summary(expected.lags.filter((l) => l.started.slice(0, 4) === bucket.start.slice(0, 4)).map((l) => l.days)));
      }
    },
  );

  it('applies the incident filter exactly as the incident list does', async () => {
    const ruAgency = graph.actors.find((a) => a.name === 'RU Agency 1')!;
    const subtree = new Set(graph.actors.filter((a) => chain(a.id).some((up) => up.id === ruAgency.id)).map((a) => a.id));
    const anyStatus = (ids: Set<string>) => new Set(graph.attributions.filter((a) => ids.has(a.actorId)).map((a) => a.incidentId));
    const cases: [Record<string, unknown>, Set<string> | null][] = [
      [{ targetCountry: 'Ukraine' }, new Set(graph.targets.filter((x) => targetParts(x).country === 'UA').map((x) => x.incidentId))],
      // By any spelling of its name, as the list accepts it.
      [{ actor: 'ru-apt 11' }, anyStatus(new Set([graph.actors.find((a) => a.name === 'RU APT 11')!.id]))],
      [{ actor: ruAgency.name, includeSubordinateActors: true }, anyStatus(subtree)],
      [{ type: 'PHISHING' }, new Set(graph.incidents.filter((i) => i.types.includes('PHISHING')).map((i) => i.id))],
      [{ techniqueId: 'T1110', occurredFrom: '2020', occurredTo: '2022-06' }, null],
      [{ search: 'incident 1', targetCountry: 'US' }, null],
    ];
    for (const [filter, expectedScope] of cases) {
      const result = await t.data(
        `query ($filter: IncidentFilter) {
           incidents(filter: $filter) { totalCount }
           incidentStats(filter: $filter) {
             total
             byAccusedActor(top: 100) { total groups { key count } none }
             timeline(interval: QUARTER) { buckets { start count } total undated imprecise outsideRange }
             attributionLag { overall { count median } }
           }
         }`,
        { filter },
      );
      const stats = result.incidentStats;
      expect(stats.total).toBe(result.incidents.totalCount);
      expect(stats.byAccusedActor.total).toBe(result.incidents.totalCount);
      expect(stats.timeline.total).toBe(result.incidents.totalCount);
      if (!expectedScope) continue;
      expect(expectedScope.size).toBeGreaterThan(5);
      expect(stats.total).toBe(expectedScope.size);
      expect(asMap(stats.byAccusedActor)).toEqual(countsOf(expectedScope, dimensions.byAccusedActor));
      expect(stats.byAccusedActor.none).toBe(noneOf(expectedScope, dimensions.byAccusedActor));
      expect(stats.timeline).toEqual(expectedTimeline(expectedScope, 'QUARTER'));
      expect(stats.attributionLag.overall.count).toBe(expectedLag(expectedScope, 1).lags.length);
    }
  });
});
