import { seedId } from '../src/seed/seed';
import { TestApp, startTestApp } from './support/test-app';

/**
 * ThreatActor.incidents reads actor_incident_start (migrations/1765200000021-ActorIncidentStarts.ts),
 * kept by triggers on attribution and incident. After every kind of change to claims and starts,
 * the table must equal what it summarises (computed here from the base tables), and the lists and
 * their counts must be the claimed incidents in start order (computed here in JavaScript).
 */

const INCIDENTS = `query ($id: ID!, $sub: Boolean!, $first: Int, $after: String) {
  threatActor(id: $id) { incidents(includeSubordinates: $sub, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id } } }
}`;

describe('ThreatActor.incidents over actor_incident_start', () => {
  let t: TestApp;
  const gru = seedId('actor:gru');
  const apt28 = seedId('actor:apt28');
  const russia = seedId('actor:russia');
  const pst = seedId('org:pst');
  const incidents: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ seed: true });
    // Starts with ties, an unknown earliest start and no date at all.
    const starts: [string | null, string | null][] = [
      ['2019-05-01', '2019-05-31'], [null, '2018-02-01'], [null, null], ['2019-05-01', '2019-05-01'], ['2020-01-01', null],
      ['2017-03-01', '2017-03-31'], [null, null], ['2019-05-01', '2019-06-30'],
    ];
    for (const [i, [from, to]] of starts.entries()) {
      const [row]: { id: string }[] = await t.dataSource.query(
        `INSERT INTO incident (title, started_from, started_to) VALUES ($1, $2, $3) RETURNING id::text AS id`, [`incident ${i}`, from, to],
      );
      incidents.push(row.id);
    }
    const claim = (incident: number, actor: string, status = 'ASSERTED') =>
      t.dataSource.query(`INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id, status) VALUES ($1, $2, $3, $4)`,
        [incidents[incident], actor, pst, status]);
    // In one statement, several claims at once (as an import writes them), one pair twice.
    await t.dataSource.query(
      `INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id, status)
       SELECT incident, actor, $3, status FROM unnest($1::uuid[], $2::uuid[], $4::text[]) AS c(incident, actor, status)`,
      [[0, 1, 2, 3, 3, 4].map((i) => incidents[i]), [apt28, apt28, gru, apt28, apt28, gru], pst,
        ['ASSERTED', 'ASSERTED', 'ASSERTED', 'ASSERTED', 'ASSERTED', 'DENIED']],
    );
    await claim(5, gru);
    await claim(6, apt28);
    await claim(7, apt28, 'DISPUTED');
  });
  afterAll(() => t.close());

  /** The summary as it must be: every (actor, incident) with a current ASSERTED claim, and the incident's start key. */
  async function expectSummaryExact(): Promise<void> {
    const [actual, expected] = await Promise.all([
      t.dataSource.query(`SELECT actor_id::text, incident_id::text, started_key::text FROM actor_incident_start ORDER BY 1, 2`),
      t.dataSource.query(`SELECT DISTINCT a.actor_id::text, a.incident_id::text,
                                 coalesce(i.started_from, i.started_to, 'infinity'::date)::text AS started_key
                            FROM attribution a JOIN incident i ON i.id = a.incident_id WHERE a.status = 'ASSERTED' ORDER BY 1, 2`),
    ]);
    expect(actual).toEqual(expected);
  }

  /** The actor's claimed incidents (and, with `sub`, those of every actor below it), earliest start first, undated last, ties by id. */
  async function expectedList(actor: string, sub: boolean): Promise<string[]> {
    const rows: { id: string; started_from: string | null; started_to: string | null }[] = await t.dataSource.query(
      `SELECT DISTINCT i.id::text AS id, i.started_from::text AS started_from, i.started_to::text AS started_to
         FROM attribution a JOIN incident i ON i.id = a.incident_id
        WHERE a.status = 'ASSERTED' AND a.actor_id IN (
          WITH RECURSIVE below(id) AS (SELECT $1::uuid UNION SELECT t.id FROM threat_actor t JOIN below ON t.parent_id = below.id WHERE $2)
          SELECT id FROM below)`,
      [actor, sub],
    );
    const key = (r: (typeof rows)[number]) => r.started_from ?? r.started_to ?? '9999-12-31';
    return rows.sort((a, b) => key(a).localeCompare(key(b)) || a.id.localeCompare(b.id)).map((r) => r.id);
  }

  async function expectLists(): Promise<void> {
    await expectSummaryExact();
    for (const actor of [gru, apt28, russia]) {
      for (const sub of [false, true]) {
        const want = await expectedList(actor, sub);
        const ids: string[] = [];
        let after: string | null = null;
        do {
          const { threatActor }: any = await t.data(INCIDENTS, { id: actor, sub, first: 2, after });
          const list: any = threatActor.incidents;
          // A page of 2 is not the whole list: the count is the summary's, and exact.
          expect(list.totalCount).toBe(want.length);
          ids.push(...list.nodes.map((n: { id: string }) => n.id));
          after = list.pageInfo.hasNextPage ? list.pageInfo.endCursor : null;
        } while (after);
        // Only the incidents of this test: the seed's own claims are there too, in their place.
        expect(ids).toEqual(want);
      }
    }
  }

  it('lists the claimed incidents in start order, each once, with exact counts', async () => {
    const sub = await expectedList(gru, true);
    expect(sub).toEqual(expect.arrayContaining([0, 1, 2, 3, 5, 6].map((i) => incidents[i])));
    expect(sub).not.toContain(incidents[4]);
    expect(sub).not.toContain(incidents[7]);
    await expectLists();
  });

  it('follows a claim retracted, re-asserted, moved to another actor, and deleted', async () => {
    await t.dataSource.query(`UPDATE attribution SET status = 'RETRACTED' WHERE incident_id = $1`, [incidents[0]]);
    await expectLists();
    await t.dataSource.query(`UPDATE attribution SET status = 'ASSERTED' WHERE incident_id = $1`, [incidents[7]]);
    await expectLists();
    await t.dataSource.query(`UPDATE attribution SET actor_id = $2 WHERE incident_id = $1`, [incidents[1], russia]);
    await expectLists();
    // One of the two claims of a pair goes: the pair stays; the other goes: the pair goes.
    const claims: { id: string }[] = await t.dataSource.query(`SELECT id::text FROM attribution WHERE incident_id = $1 ORDER BY id`, [incidents[3]]);
    expect(claims).toHaveLength(2);
    await t.dataSource.query(`DELETE FROM attribution WHERE id = $1`, [claims[0].id]);
    await expectLists();
    await t.dataSource.query(`DELETE FROM attribution WHERE id = $1`, [claims[1].id]);
    await expectLists();
  });

  it('follows an incident\'s start when it changes', async () => {
    await t.dataSource.query(`UPDATE incident SET started_from = '2016-01-01', started_to = '2016-01-31' WHERE id = $1`, [incidents[2]]);
    await expectLists();
    await t.dataSource.query(`UPDATE incident SET started_from = NULL, started_to = NULL WHERE id = $1`, [incidents[5]]);
    await expectLists();
    // Through the API as an editor changes it.
    await t.data(`mutation ($id: ID!) { updateIncident(input: { id: $id, started: { from: "2015-07" } }) { id } }`, { id: incidents[6] });
    await expectLists();
  });

  it('is emptied with the claims', async () => {
    await t.dataSource.query(`TRUNCATE attribution CASCADE`);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM actor_incident_start`);
    expect(count).toBe(0);
    await expectLists();
  });
});
