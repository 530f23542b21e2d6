/**
 * Generated scenarios with many claims (test/support/claims-scenario.ts): the claims view
 * and the timelines are checked against what the scenario says, claim by claim; a
 * history of random revisions is checked against asOf; and a timeline over many
 * incidents costs no more SQL than over a few.
 */
import { confidenceFromWords } from '../src/attributions/estimative-language';
import { DateSpanInput, toDateSpan, toDateSpanColumns } from '../src/common/date-span';
import { SeedData } from '../src/seed/founding-articles';
import { loadSeed, seedId } from '../src/seed/seed';
import { generateScenario } from './support/claims-scenario';
import { dataAs } from './support/gql-as';
import { TestApp, startTestApp } from './support/test-app';
import { StatementCounter } from './support/statement-counter';

const display = (date: DateSpanInput | undefined) => toDateSpan(toDateSpanColumns(date ?? null, 'date')).display;
const sortDay = (date: DateSpanInput | undefined) => toDateSpanColumns(date ?? null, 'date').from ?? '9999-12-31';

/** What the claims of one incident must be, computed from the scenario alone. */
function expectedClaims(data: SeedData, incidentKey: string) {
  const name = (key: string) => [...data.actors, ...data.organizations].find((x) => x.key === key)!.name;
  // Recording order is the scenario's order; dates first.
  const claims = data.attributions
    .map((a, index) => ({ ...a, index }))
    .filter((a) => a.incident === incidentKey)
    .sort((a, b) => sortDay(a.attributed).localeCompare(sortDay(b.attributed)) || a.index - b.index);
  const actors = [...new Set(claims.map((a) => a.actor))];
  return actors.map((actor) => {
    const own = claims.filter((a) => a.actor === actor);
    const asserting = own.filter((a) => a.status === 'ASSERTED');
    const confident = asserting.filter((a) => confidenceFromWords(a.confidenceWords) !== null);
    const dated = own.filter((a) => a.attributed?.on);
    return {
      actor: { name: name(actor) },
      contested: own.some((a) => a.status === 'DENIED' || a.status === 'DISPUTED'),
      asserters: asserting.map((a) => ({ name: name(a.byOrganization!) })),
      challengers: own.filter((a) => a.status === 'DENIED' || a.status === 'DISPUTED').map((a) => ({ name: name(a.byOrganization!), status: a.status })),
      retractions: own.filter((a) => a.status === 'RETRACTED').map((a) => ({ name: name(a.byOrganization!) })),
      strongestConfidence: confident.length ? Math.max(...confident.map((a) => confidenceFromWords(a.confidenceWords)!)) : null,
      latestConfidence: confident.length ? confidenceFromWords(confident[confident.length - 1].confidenceWords) : null,
      latestConfidenceWords: confident.length ? confident[confident.length - 1].confidenceWords : null,
      firstDate: { display: dated.length ? display(dated[0].attributed) : null },
      latestDate: { display: dated.length ? display(dated[dated.length - 1].attributed) : null },
    };
  });
}

const CLAIMS = `claims {
  actor { name } contested asserters { name } challengers { name status } retractions { name }
  strongestConfidence latestConfidence latestConfidenceWords firstDate { display } latestDate { display } }`;

describe('generated scenarios with many claims', () => {
  const counter = new StatementCounter();
  let t: TestApp;
  const scenario = generateScenario({ seed: 7, incidents: 30, claimsPerIncident: 6 });
  beforeAll(async () => {
    t = await startTestApp({ sqlLogger: counter });
    await loadSeed(t.dataSource, scenario);
  });
  afterAll(() => t.close());

  it('the generator is deterministic, and its scenario is rich: ties, denials, retractions, words', () => {
    expect(generateScenario({ seed: 7, incidents: 30, claimsPerIncident: 6 })).toEqual(scenario);
    expect(generateScenario({ seed: 8, incidents: 30, claimsPerIncident: 6 })).not.toEqual(scenario);
    const statuses = new Set(scenario.attributions.map((a) => a.status));
    expect(statuses).toEqual(new Set(['ASSERTED', 'DENIED', 'DISPUTED', 'RETRACTED']));
    expect(scenario.attributions).toHaveLength(180);
    expect(scenario.attributions.filter((a) => a.confidenceWords).length).toBeGreaterThan(20);
    expect(scenario.articles.some((a) => a.body.includes('\u00a0'))).toBe(true);
  });

  it('incident.claims matches the scenario for every incident: grouping, contested, confidences, dates', async () => {
    const { incidents } = await t.data(`{ incidents(first: 200, filter: { search: "S7 attack" }) { nodes { id ${CLAIMS} } } }`);
    expect(incidents.nodes).toHaveLength(30);
    let contested = 0;
    for (let i = 0; i < 30; i++) {
      const node = incidents.nodes.find((n: any) => n.id === seedId(`S7:incident:${i}`));
      expect(node.claims).toEqual(expectedClaims(scenario, `S7:incident:${i}`));
      contested += node.claims.filter((c: any) => c.contested).length;
    }
    expect(contested).toBeGreaterThan(10);
  });

  it('incident.timeline over every incident: in date order, equally vague dates in recording order, no day made up', async () => {
    const { incidents } = await t.data(`{ incidents(first: 200, filter: { search: "S7 attack" }) { nodes { id
      timeline { nodes { kind date { from to precision display } statement { id } attribution { id } citations { excerpt } } } } } }`);
    const order = new Map<string, number>();
    scenario.statements.forEach((s, i) => order.set(seedId(s.key), i));
    scenario.attributions.forEach((a, i) => order.set(seedId(a.key), 10_000 + i));
    for (const node of incidents.nodes) {
      const timeline = node.timeline.nodes;
      expect(timeline.filter((e: any) => e.kind === 'ATTRIBUTION')).toHaveLength(6);
      expect(timeline.filter((e: any) => e.kind === 'STATEMENT')).toHaveLength(6);
      // Claims may predate the start the sources give; the start is there once, in its place.
      expect(timeline.filter((e: any) => e.kind === 'INCIDENT_STARTED')).toHaveLength(1);
      const day = (e: any) => e.date.from ?? e.date.to ?? '9999-12-31';
      for (let k = 1; k < timeline.length; k++) {
        const [a, b] = [timeline[k - 1], timeline[k]];
        expect(day(a) <= day(b)).toBe(true);
        const [x, y] = [a.statement?.id ?? a.attribution?.id, b.statement?.id ?? b.attribution?.id];
        if (day(a) === day(b) && x && y) expect(order.get(x)! < order.get(y)!).toBe(true);
      }
      for (const entry of timeline) {
        if (entry.date.precision === 'MONTH') expect(entry.date.display).toMatch(/^\d{4}-\d{2}$/);
        if (entry.date.precision === 'YEAR') expect(entry.date.display).toMatch(/^\d{4}$/);
        if (entry.kind === 'STATEMENT' || entry.kind === 'ATTRIBUTION') expect(entry.citations).toHaveLength(1);
      }
    }
  });

  it('a timeline and claims over many incidents cost the same SQL statements as over a few (batched)', async () => {
    const query = (n: number) => `{ incidents(first: ${n}, filter: { search: "S7 attack" }) { nodes {
      timeline { nodes { kind date { display } speaker role stance status actor { name } confidence citations { excerpt article { title } } incident { title } } }
      ${CLAIMS}
    } } }`;
    const cost = async (n: number) => {
      const before = counter.count;
      const data = await t.data(query(n));
      expect(data.incidents.nodes).toHaveLength(n);
      return counter.count - before;
    };
    const few = await cost(3);
    const many = await cost(30);
    expect(many).toBe(few);
    expect(few).toBeLessThan(30);

    const actors = `{ threatActors(first: 50, filter: { search: "S7" }) { nodes { timeline(includeSubordinates: true) { nodes { kind speaker citations { excerpt } } } } } }`;
    const countries = `{ countries(first: 50, search: "o") { nodes { timeline { nodes { kind speaker actor { name } } } } } }`;
    for (const q of [actors, countries]) {
      const before = counter.count;
      await t.data(q);
      expect(counter.count - before).toBeLessThan(25);
    }
  });

  it('asOf replays a random history of revisions exactly as it was recorded', async () => {
    // Deterministic edits: every third attribution of incident 0..4 revised, retracted or deleted, by named callers.
    const targets = scenario.attributions.filter((a) => /S7:incident:[0-4]$/.test(a.incident)).filter((_, i) => i % 3 === 0);
    const snapshots: { at: string; states: Map<string, string> }[] = [];
    const state = async () => {
      const { attributions } = await t.data(`{ attributions(first: 200, filter: { actor: "S7 State", includeSubordinateActors: true }) {
        nodes { id status confidence } } }`);
      return new Map<string, string>(attributions.nodes.map((n: any) => [n.id, `${n.status}/${n.confidence}`]));
    };
    for (const [k, a] of targets.entries()) {
      const id = seedId(a.key);
      const caller = `editor ${k % 3}`;
      if (k % 3 === 0) await dataAs(t, caller, `mutation ($id: ID!) { updateAttribution(input: { id: $id, confidence: ${10 + k} }) { id } }`, { id });
      if (k % 3 === 1) await dataAs(t, caller, `mutation ($id: ID!) { updateAttribution(input: { id: $id, status: RETRACTED }) { id } }`, { id });
      if (k % 3 === 2) await dataAs(t, caller, `mutation ($id: ID!) { deleteAttribution(id: $id) }`, { id });
      const [{ at }] = await t.dataSource.query(`SELECT max(recorded_at) AS at FROM attribution_revision`);
      snapshots.push({ at: new Date(at).toISOString(), states: await state() });
    }
    expect(snapshots.length).toBeGreaterThan(5);
    for (const snapshot of snapshots) {
      const { attributions } = await t.data(
        `query ($asOf: String) { attributions(first: 200, asOf: $asOf, filter: { actor: "S7 State", includeSubordinateActors: true }) {
           totalCount nodes { id status confidence } } }`,
        { asOf: snapshot.at },
      );
      expect(new Map(attributions.nodes.map((n: any) => [n.id, `${n.status}/${n.confidence}`]))).toEqual(snapshot.states);
    }
    const [{ editors }] = await t.dataSource.query(
      `SELECT array_agg(DISTINCT recorded_by ORDER BY recorded_by) AS editors FROM attribution_revision WHERE recorded_by LIKE 'editor %'`,
    );
    expect(editors).toEqual(['editor 0', 'editor 1', 'editor 2']);
  });
});
