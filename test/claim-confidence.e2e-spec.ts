import { generateIncidentGraph, insertIncidentGraph } from './support/incident-generator';
import { randomTools, seededRandom } from './support/random';
import { TestApp, startTestApp } from './support/test-app';

/**
 * incident_claim_confidence (migrations/1765300000020-IncidentClaimConfidence.ts) holds each
 * incident's best claim confidence per status, kept by triggers on attribution; the incident list's
 * totalCount reads it when the filter is only minConfidence and/or attributionStatus. After random
 * writes of claims and incidents (one row or many per statement), the table must equal a computation
 * from the base table, and the counts (and the listed incidents) must equal the claims counted directly.
 */

const STATUSES = ['ASSERTED', 'DISPUTED', 'DENIED', 'RETRACTED'];

const LIST = `query ($filter: IncidentFilter, $first: Int, $after: String) {
  incidents(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } }
}`;

describe('incident_claim_confidence under random writes', () => {
  const graph = generateIncidentGraph({ seed: 1765300, incidents: 60 });
  let t: TestApp;
  const q = (sql: string, params: unknown[] = []) => t.dataSource.query(sql, params);
  const random = seededRandom(20);
  const pick = randomTools(random);
  /** A confidence as claims have them: often none, often round, sometimes the extremes. */
  const confidence = () => (pick.chance(0.3) ? null : pick.chance(0.2) ? pick.zipf([100, 0]) : pick.int(0, 20) * 5);

  beforeAll(async () => {
    t = await startTestApp();
    await insertIncidentGraph(t.dataSource, graph);
  });
  afterAll(() => t.close());

  async function expectTableExact(): Promise<void> {
    const [actual, expected] = await Promise.all([
      q(`SELECT incident_id::text, status, confidence FROM incident_claim_confidence ORDER BY 1, 2`),
      q(`SELECT a.incident_id::text, s.status, max(coalesce(a.confidence, -1))::int AS confidence
           FROM attribution a CROSS JOIN LATERAL (VALUES (a.status), ('')) AS s(status)
          WHERE a.incident_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`),
    ]);
    expect(actual).toEqual(expected);
  }

  /** The incidents with one claim meeting the filter, counted from attribution. */
  async function directIncidents(filter: { minConfidence?: number; attributionStatus?: string }): Promise<string[]> {
    const rows: { id: string }[] = await q(
      `SELECT DISTINCT incident_id::text AS id FROM attribution
        WHERE incident_id IS NOT NULL AND ($1::text IS NULL OR status = $1) AND ($2::int IS NULL OR confidence >= $2)`,
      [filter.attributionStatus ?? null, filter.minConfidence ?? null],
    );
    return rows.map((r) => r.id).sort();
  }

  async function expectCountsExact(): Promise<void> {
    await expectTableExact();
    const filters = [
      { minConfidence: 0 }, { minConfidence: 50 }, { minConfidence: 90 }, { minConfidence: 100 },
      ...STATUSES.flatMap((attributionStatus) => [{ attributionStatus }, { attributionStatus, minConfidence: 70 }, { attributionStatus, minConfidence: 0 }]),
    ];
    for (const filter of filters) {
      const want = await directIncidents(filter);
      // With first: 1 the page is not the whole list (unless the filter matches one incident or none), so totalCount is counted.
      const { incidents }: any = await t.data(LIST, { filter, first: 1 });
      expect({ filter, count: incidents.totalCount }).toEqual({ filter, count: want.length });
    }
    // And the pages hold exactly those incidents.
    for (const filter of [{ minConfidence: 70 }, { attributionStatus: 'DENIED' }, { attributionStatus: 'ASSERTED', minConfidence: 40 }]) {
      const ids: string[] = [];
      let after: string | null = null;
      do {
        const { incidents }: any = await t.data(LIST, { filter, first: 50, after });
        ids.push(...incidents.nodes.map((n: { id: string }) => n.id));
        after = incidents.pageInfo.hasNextPage ? incidents.pageInfo.endCursor : null;
      } while (after);
      expect(ids.sort()).toEqual(await directIncidents(filter));
    }
  }

  it('holds the best confidence per status after the claims are loaded and given confidences', async () => {
    await expectTableExact();
    // One statement setting many claims' confidences at once.
    const claims: { id: string }[] = await q(`SELECT id::text FROM attribution ORDER BY id`);
    await q(`UPDATE attribution SET confidence = c.confidence FROM unnest($1::uuid[], $2::int[]) AS c(id, confidence) WHERE attribution.id = c.id`,
      [claims.map((c) => c.id), claims.map(() => confidence())]);
    await expectCountsExact();
  });

  it('stays exact under random writes of claims and incidents', async () => {
    const one = async (sql: string) => (await q(sql))[0]?.id as string | undefined;
    const incident = () => one(`SELECT id FROM incident ORDER BY random() LIMIT 1`);
    const claimed = () => one(`SELECT incident_id AS id FROM attribution WHERE incident_id IS NOT NULL ORDER BY random() LIMIT 1`);
    const actor = () => one(`SELECT id FROM threat_actor ORDER BY random() LIMIT 1`);
    const organization = () => one(`SELECT id FROM organization ORDER BY random() LIMIT 1`);
    await q(`SELECT setseed(0.2)`);
    const [{ id: campaign }] = await q(`INSERT INTO campaign (name) VALUES ('Confidence campaign') RETURNING id`);
    const writes: (() => Promise<unknown>)[] = [
      async () => q(`INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id, status, confidence) VALUES ($1, $2, $3, $4, $5)`,
        [await incident(), await actor(), await organization(), pick.zipf(STATUSES), confidence()]),
      // Several claims in one statement, two on one incident.
      async () => {
        const [a, b] = [await incident(), await incident()];
        return q(`INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id, status, confidence)
                  SELECT i, $3, $4, s, c FROM unnest($1::uuid[], $2::text[], $5::int[]) AS x(i, s, c)`,
        [[a, a, b], [pick.zipf(STATUSES), pick.zipf(STATUSES), pick.zipf(STATUSES)], await actor(), await organization(), [confidence(), confidence(), confidence()]]);
      },
      async () => q(`UPDATE attribution SET confidence = $2 WHERE id IN (SELECT id FROM attribution ORDER BY random() LIMIT $1)`, [pick.int(1, 8), confidence()]),
      async () => q(`UPDATE attribution SET status = $2 WHERE id IN (SELECT id FROM attribution ORDER BY random() LIMIT $1)`, [pick.int(1, 8), pick.zipf(STATUSES)]),
      // The best claim lowered: the next best takes its place.
      async () => q(`UPDATE attribution SET confidence = confidence / 3 WHERE id = (SELECT id FROM attribution WHERE confidence IS NOT NULL ORDER BY confidence DESC, random() LIMIT 1)`),
      async () => q(`UPDATE attribution SET incident_id = $1 WHERE id IN (SELECT id FROM attribution WHERE incident_id IS NOT NULL ORDER BY random() LIMIT 2)`, [await incident()]),
      // A claim moved from its incident to a campaign, and back.
      async () => q(`UPDATE attribution SET incident_id = NULL, campaign_id = $1 WHERE id = (SELECT id FROM attribution WHERE incident_id IS NOT NULL ORDER BY random() LIMIT 1)`, [campaign]),
      async () => q(`UPDATE attribution SET incident_id = $1, campaign_id = NULL WHERE id = (SELECT id FROM attribution WHERE campaign_id IS NOT NULL ORDER BY random() LIMIT 1)`, [await incident()]),
      // Columns the table does not read: nothing to change.
      async () => q(`UPDATE attribution SET notes = 'noted' WHERE id IN (SELECT id FROM attribution ORDER BY random() LIMIT 5)`),
      async () => q(`DELETE FROM attribution WHERE id IN (SELECT id FROM attribution ORDER BY random() LIMIT $1)`, [pick.int(1, 4)]),
      // Every claim of an incident, then the incident.
      async () => {
        const id = await claimed();
        await t.dataSource.transaction(async (m) => {
          await m.query(`DELETE FROM attribution WHERE incident_id = $1`, [id]);
          await m.query(`DELETE FROM statement_incident WHERE incident_id = $1`, [id]);
          await m.query(`DELETE FROM incident WHERE id = $1`, [id]);
        });
      },
      async () => {
        const [{ id }] = await q(`INSERT INTO incident (title) VALUES ($1) RETURNING id`, [`written ${pick.int(1, 1e6)}`]);
        return q(`INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id, status, confidence) VALUES ($1, $2, $3, $4, $5)`,
          [id, await actor(), await organization(), pick.zipf(STATUSES), confidence()]);
      },
    ];
    for (let i = 0; i < 150; i++) {
      await writes[pick.int(0, writes.length - 1)]();
      if (i % 50 === 49) await expectCountsExact();
    }
    await expectCountsExact();
  });

  it('two transactions adding claims to one incident: the second sees the first', async () => {
    const [{ id }] = await q(`INSERT INTO incident (title) VALUES ('contested') RETURNING id`);
    const [accused] = await q(`SELECT id::text FROM threat_actor ORDER BY id LIMIT 1`);
    const [party] = await q(`SELECT id::text FROM organization ORDER BY id LIMIT 1`);
    const first = t.dataSource.createQueryRunner();
    const second = t.dataSource.createQueryRunner();
    const claim = `INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id, status, confidence) VALUES ($1, $2, $3, 'ASSERTED', $4)`;
    try {
      await first.startTransaction();
      await second.startTransaction();
      await first.query(claim, [id, accused.id, party.id, 80]);
      // Waits for the first transaction (the incident's lock), then sees its claim of 80.
      const waiting = second.query(claim, [id, accused.id, party.id, 40]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.commitTransaction();
      await waiting;
      await second.commitTransaction();
    } finally {
      await first.release();
      await second.release();
    }
    expect(await q(`SELECT status, confidence FROM incident_claim_confidence WHERE incident_id = $1 ORDER BY status`, [id]))
      .toEqual([{ status: '', confidence: 80 }, { status: 'ASSERTED', confidence: 80 }]);
    await expectTableExact();
  });

  it('is emptied with the claims', async () => {
    await q(`TRUNCATE attribution CASCADE`);
    expect(await q(`SELECT count(*)::int AS n FROM incident_claim_confidence`)).toEqual([{ n: 0 }]);
    await expectTableExact();
  });
});
