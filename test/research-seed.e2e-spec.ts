/**
 * What a researcher asks first, on the founding articles: who claims what about the
 * Storting intrusion, how confidently, who denies it, in what order it all happened,
 * where each fact comes from, and which incidents an unlinked statement may be about.
 */
import { TestApp, errorCodes, startTestApp } from './support/test-app';

const STORTING = `incidents(filter: { search: "Storting" }) { nodes { id`;

describe('research views on the seeded Storting intrusion', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ seed: true })));
  afterAll(() => t.close());

  it('claims: Russia asserted by Søreide and denied by the embassy (contested); APT28 asserted by PST, "likely" (70), not contested', async () => {
    const { incidents } = await t.data(`{ ${STORTING}
      claims {
        actor { name } contested
        asserters { name status confidence confidenceWords attributed { display } person { name } organization { name } }
        challengers { name status attributed { display } }
        retractions { name }
        strongestConfidence strongestConfidenceWords latestConfidence latestConfidenceWords
        firstDate { display precision } latestDate { display precision }
        attributions { status }
      } } } }`);
    expect(incidents.nodes[0].claims).toEqual([
      {
        actor: { name: 'Russian Federation' },
        contested: true,
        asserters: [{
          name: 'Ine Eriksen Søreide', status: 'ASSERTED', confidence: null, confidenceWords: null,
          attributed: { display: '2020-08-24/2020-10-31' }, person: { name: 'Ine Eriksen Søreide' }, organization: null,
        }],
        challengers: [{ name: 'Embassy of Russia in Norway', status: 'DENIED', attributed: { display: '2020-10' } }],
        retractions: [],
        strongestConfidence: null, strongestConfidenceWords: null, latestConfidence: null, latestConfidenceWords: null,
        firstDate: { display: '2020-08-24/2020-10-31', precision: 'RANGE' },
        latestDate: { display: '2020-10', precision: 'MONTH' },
        attributions: [{ status: 'ASSERTED' }, { status: 'DENIED' }],
      },
      {
        actor: { name: 'APT28' },
        contested: false,
        asserters: [{
          name: 'PST', status: 'ASSERTED', confidence: 70, confidenceWords: 'likely',
          attributed: { display: '2020-10-01/2020-12-31' }, person: null, organization: { name: 'PST' },
        }],
        challengers: [],
        retractions: [],
        strongestConfidence: 70, strongestConfidenceWords: 'likely', latestConfidence: 70, latestConfidenceWords: 'likely',
        firstDate: { display: '2020-10-01/2020-12-31', precision: 'RANGE' },
        latestDate: { display: '2020-10-01/2020-12-31', precision: 'RANGE' },
        attributions: [{ status: 'ASSERTED' }],
      },
    ]);
  });

  it('incident.timeline: its own dates, then what was said and claimed, in date order at the sources\' precision', async () => {
    const { incidents } = await t.data(`{ ${STORTING}
      timeline { nodes { kind date { display precision text } speaker role stance status actor { name } confidence confidenceWords
                 citations { excerpt article { title } } } } } } }`);
    const timeline = incidents.nodes[0].timeline.nodes;
    expect(timeline.map((e: any) => [e.kind, e.date.display, e.speaker, e.stance ?? e.status, e.actor?.name ?? null])).toEqual([
      ['INCIDENT_STARTED', '2020-08-24', null, null, null],
      ['INCIDENT_DISCLOSED', '2020-08-24/..', null, null, null],
      ['STATEMENT', '2020-08-24/..', 'Storting', 'CONFIRMS', null],
      ['STATEMENT', '2020-08-24/2020-10-31', 'Ine Eriksen Søreide', 'ACCUSES', null],
      ['ATTRIBUTION', '2020-08-24/2020-10-31', 'Ine Eriksen Søreide', 'ASSERTED', 'Russian Federation'],
      // Three entries start in October 2020; equally vague starts keep the order in which they were recorded.
      ['STATEMENT', '2020-10', 'Embassy of Russia in Norway', 'DENIES', null],
      ['STATEMENT', '2020-10-01/2020-12-31', 'PST', 'ACCUSES', null],
      ['ATTRIBUTION', '2020-10', 'Embassy of Russia in Norway', 'DENIED', 'Russian Federation'],
      ['ATTRIBUTION', '2020-10-01/2020-12-31', 'PST', 'ASSERTED', 'APT28'],
    ]);
    // Never a made-up day: the embassy spoke "in October".
    expect(timeline[5].date).toEqual({ display: '2020-10', precision: 'MONTH', text: 'in October, on its Facebook page' });
    expect(timeline[3].role).toBe('Norwegian Foreign Minister');
    expect(timeline[4].role).toBe('Foreign Minister');
    expect(timeline[8]).toMatchObject({
      confidence: 70, confidenceWords: 'likely',
      citations: [{
        excerpt: 'Analyses show that it is likely that the operation was led by a cyber actor … known as APT28 or Fancy Bear.',
        article: { title: 'Norway accuses Russian hackers of parliament attack' },
      }],
    });
    expect(timeline[0].citations).toEqual([]);
    for (const entry of timeline.filter((e: any) => e.kind === 'STATEMENT' || e.kind === 'ATTRIBUTION')) {
      expect(entry.citations.length).toBeGreaterThan(0);
    }
  });

  it('actor.timeline: only the actor itself by default; with includeSubordinates, every actor below it', async () => {
    const { threatActorByName: gru } = await t.data(`{ threatActorByName(name: "GRU") {
      own: timeline { nodes { kind date { display } speaker } }
      all: timeline(includeSubordinates: true) { nodes { kind date { display } speaker actor { name } incident { title } } }
    } }`);
    // PST's statement names GRU; the attribution is to APT28, a GRU unit, not to GRU.
    expect(gru.own.nodes).toEqual([{ kind: 'STATEMENT', date: { display: '2020-10-01/2020-12-31' }, speaker: 'PST' }]);
    expect(gru.all.nodes.map((e: any) => [e.kind, e.speaker, e.actor?.name ?? null])).toEqual([
      ['INCIDENT_STARTED', null, null],
      ['INCIDENT_DISCLOSED', null, null],
      ['STATEMENT', 'PST', null],
      ['ATTRIBUTION', 'PST', 'APT28'],
    ]);
    expect(gru.all.nodes[0].incident).toEqual({ title: "Brute-force intrusion into the Storting's email" });

    const { threatActorByName: russia } = await t.data(`{ threatActorByName(name: "Moscow") {
      timeline { nodes { kind date { display } speaker status } } } }`);
    expect(russia.timeline.nodes.map((e: any) => [e.kind, e.date.display, e.speaker, e.status])).toEqual([
      ['INCIDENT_STARTED', '2017', null, null],
      ['STATEMENT', '2017', "Emmanuel Macron's presidential campaign", null],
      ['STATEMENT', '2017', 'Government of France', null],
      ['STATEMENT', '2017', 'Jean-Marc Ayrault', null],
      ['ATTRIBUTION', '2017', "Emmanuel Macron's presidential campaign", 'ASSERTED'],
      ['INCIDENT_STARTED', '2020-08-24', null, null],
      ['INCIDENT_DISCLOSED', '2020-08-24/..', null, null],
      ['STATEMENT', '2020-08-24/2020-10-31', 'Ine Eriksen Søreide', null],
      ['ATTRIBUTION', '2020-08-24/2020-10-31', 'Ine Eriksen Søreide', 'ASSERTED'],
      ['STATEMENT', '2020-10', 'Embassy of Russia in Norway', null],
      ['ATTRIBUTION', '2020-10', 'Embassy of Russia in Norway', 'DENIED'],
      // Merkel gave no date: undated entries come last.
      ['STATEMENT', null, 'Angela Merkel', null],
    ]);
  });

  it('timelines are connections: pages both ways in the documented order, pageInfo, totalCount, foreign cursors refused', async () => {
    const all = async () =>
      (await t.data(`{ threatActorByName(name: "Moscow") { timeline(first: 50) { totalCount nodes { kind speaker date { display } } } } }`))
        .threatActorByName.timeline;
    const whole = await all();
    expect(whole.totalCount).toBe(12);
    expect(whole.nodes).toHaveLength(12);
    const PAGE = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { kind speaker date { display } } }`;
    const page = async (args: string) =>
      (await t.data(`{ threatActorByName(name: "Moscow") { timeline(${args}) { ${PAGE} } } }`)).threatActorByName.timeline;
    // Forward in pages of 5: the same entries in the same order as the whole list, without gaps or repeats.
    const forward: any[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const p: any = await page(after ? `first: 5, after: "${after}"` : 'first: 5');
      pages++;
      expect(p.totalCount).toBe(12);
      expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
      forward.push(...p.edges.map((e: any) => e.node));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(forward).toEqual(whole.nodes);
    // Backward from the end: the last 5, then the 5 before them.
    const last = await page('last: 5');
    expect(last.edges.map((e: any) => e.node)).toEqual(whole.nodes.slice(7));
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await page(`last: 5, before: "${last.pageInfo.startCursor}"`);
    expect(before.edges.map((e: any) => e.node)).toEqual(whole.nodes.slice(2, 7));
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    // Undated entries stay last on the last page; the incident's own date stays before what was said that year.
    expect(last.edges.at(-1).node).toMatchObject({ kind: 'STATEMENT', speaker: 'Angela Merkel', date: { display: null } });
    expect(forward[0].kind).toBe('INCIDENT_STARTED');

    // A cursor of another list (the actor's attributions), of another timeline (the incident's) or no cursor at all is refused.
    const { threatActorByName: moscow } = await t.data(`{ threatActorByName(name: "Moscow") { attributions(first: 1) { pageInfo { endCursor } } } }`);
    const { incidents } = await t.data(`{ ${STORTING} timeline(first: 1) { pageInfo { endCursor } } } } }`);
    const incidentCursor = incidents.nodes[0].timeline.pageInfo.endCursor;
    for (const cursor of [moscow.attributions.pageInfo.endCursor, 'not-a-cursor']) {
      const response = await t.gql(`{ threatActorByName(name: "Moscow") { timeline(first: 5, after: "${cursor}") { totalCount } } }`);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    }
    const foreign = await t.gql(`{ country(nameOrCode: "Norway") { timeline(first: 5, after: "${incidentCursor}") { totalCount } } }`);
    expect(errorCodes(foreign)).toEqual(['BAD_USER_INPUT']);
    const both = await t.gql(`{ threatActorByName(name: "Moscow") { timeline(first: 5, last: 5) { totalCount } } }`);
    expect(errorCodes(both)).toEqual(['BAD_USER_INPUT']);
  });

  it('country.timeline: incidents targeting the country, statements about it, claims', async () => {
    const { country } = await t.data(`{ country(nameOrCode: "Norway") { timeline { nodes { kind speaker } } } }`);
    expect(country.timeline.nodes.map((e: any) => `${e.kind} ${e.speaker ?? ''}`.trim())).toEqual([
      'INCIDENT_STARTED', 'INCIDENT_DISCLOSED',
      'STATEMENT Storting', 'STATEMENT Ine Eriksen Søreide', 'ATTRIBUTION Ine Eriksen Søreide',
      'STATEMENT Embassy of Russia in Norway', 'STATEMENT PST', 'ATTRIBUTION Embassy of Russia in Norway', 'ATTRIBUTION PST',
    ]);
    const { country: us } = await t.data(`{ country(nameOrCode: "US") { timeline { nodes { kind date { display } speaker actor { name } } } } }`);
    // Ayrault's remark to parliament about the US is dated 2017; the US agencies' accusation is undated, so last,
    // the statement before the attribution drawn from it, in the order they were recorded.
    expect(us.timeline.nodes).toEqual([
      { kind: 'INCIDENT_STARTED', date: { display: '2016' }, speaker: null, actor: null },
      { kind: 'STATEMENT', date: { display: '2017' }, speaker: 'Jean-Marc Ayrault', actor: null },
      { kind: 'STATEMENT', date: { display: null }, speaker: 'US intelligence agencies', actor: null },
      { kind: 'ATTRIBUTION', date: { display: null }, speaker: 'US intelligence agencies', actor: { name: 'Russian intelligence' } },
    ]);
  });

  it('every statement and attribution answers with its citations', async () => {
    const { statements, attributions } = await t.data(`{
      statements(first: 50) { nodes { citations { excerpt article { body } } } }
      attributions(first: 50) { nodes { citations { excerpt article { body } } } }
    }`);
    for (const fact of [...statements.nodes, ...attributions.nodes]) {
      expect(fact.citations.length).toBeGreaterThan(0);
      for (const c of fact.citations) expect(c.article.body.replace(/\s+/g, ' ')).toContain(c.excerpt.replace(/\s+/g, ' '));
    }
    expect(attributions.nodes).toHaveLength(5);
  });

  it('estimativeScale: the one scale, STIX 2.1 WEP values with ICD 203 / MISP terms', async () => {
    const { estimativeScale } = await t.data(`{ estimativeScale { label scale confidence min max icd203 mispTags words } }`);
    const likely = estimativeScale.find((b: any) => b.words.includes('likely'));
    expect(likely).toEqual({
      label: 'Likely/Probable', scale: 'WEP', confidence: 70, min: 60, max: 79,
      icd203: 'likely / probable (probably) (55-80%)',
      mispTags: ['estimative-language:likelihood-probability="likely"'],
      words: ['likely', 'probable', 'probably'],
    });
    const wep = estimativeScale.filter((b: any) => b.scale === 'WEP').map((b: any) => b.confidence);
    expect(wep).toEqual([0, 10, 30, 50, 70, 90, 100]);
    expect(estimativeScale.find((b: any) => b.words.includes('cannot rule out')).confidence).toBe(30);
  });

  it('history and asOf on the seed: recorded by "seed"; nothing was on record before it', async () => {
    const { attributions } = await t.data(`{ attributions(filter: { actor: "APT28" }) { nodes {
      history { operation recordedBy confidence confidenceWords status changedFields } } } }`);
    expect(attributions.nodes[0].history).toEqual([
      { operation: 'CREATED', recordedBy: 'seed', confidence: 70, confidenceWords: 'likely', status: 'ASSERTED', changedFields: [] },
    ]);
    const before = await t.data(`{ attributions(asOf: "2000-01-01") { totalCount } }`);
    expect(before.attributions.totalCount).toBe(0);
    const now = await t.data(`query ($asOf: String) { attributions(asOf: $asOf) { totalCount nodes { status } } }`, {
      asOf: new Date().toISOString(),
    });
    expect(now.attributions.totalCount).toBe(5);
  });

  it('suggestedLinks for Merkel\'s unlinked warning about Moscow: incidents blamed on Russia, each with its reasons', async () => {
    const { statements } = await t.data(`{ statements(filter: { search: "general election" }) { nodes { id incidents { id } } } }`);
    const [merkel] = statements.nodes;
    expect(merkel.incidents).toEqual([]);
    const { suggestedLinks } = await t.data(
      `query ($id: ID!) { suggestedLinks(statementId: $id) { incident { title } score reasons daysApart } }`,
      { id: merkel.id },
    );
    expect(suggestedLinks).toEqual([
      {
        incident: { title: "Brute-force intrusion into the Storting's email" }, score: 5, daysApart: null,
        reasons: ['shares actor Russian Federation', "mentions 'Moscow' (Russian Federation)", 'the statement has no date to compare with'],
      },
      {
        incident: { title: "Cyberattacks on Emmanuel Macron's campaign website and email servers" }, score: 5, daysApart: null,
        reasons: ['shares actor Russian Federation', "mentions 'Moscow' (Russian Federation)", 'the statement has no date to compare with'],
      },
      {
        incident: { title: 'Hacking of US Democratic Party emails' }, score: 1, daysApart: null,
        reasons: ['attributed to Russian intelligence, which is part of Russian Federation', 'the statement has no date to compare with'],
      },
    ]);
  });
});
