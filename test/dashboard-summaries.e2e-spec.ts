import { SCOPE_FACET_RECOUNT, SCOPE_LAG_RECOUNT } from '../migrations/1765300000010-ScopeCounts';
import { generateIncidentGraph, insertIncidentGraph } from './support/incident-generator';
import { randomTools, seededRandom } from './support/random';
import { TestApp, startTestApp } from './support/test-app';

/**
 * The dashboard's summary tables (incident_facet, incident_facet_count, migration
 * 1764800000000-DashboardSummaries) stay exact under random writes: creates, updates and
 * deletes of incidents, targets and attributions, one row or many at a time, and changes to
 * the organizations, people and actors the facets read through. After the writes, the
 * aggregates equal counts taken directly from the base tables, the facets equal a full
 * recomputation, and the counts equal the facets.
 */
describe('dashboard summary tables under random writes', () => {
  const graph = generateIncidentGraph({ seed: 1764800, incidents: 150 });
  let t: TestApp;
  const q = (sql: string, params: unknown[] = []) => t.dataSource.query(sql, params);

  beforeAll(async () => {
    t = await startTestApp();
    await insertIncidentGraph(t.dataSource, graph);
    const random = seededRandom(42);
    const pick = randomTools(random);
    const one = async (sql: string) => (await q(sql))[0]?.id as string | undefined;
    const incident = () => one(`SELECT id FROM incident ORDER BY random() LIMIT 1`);
    const organization = () => one(`SELECT id FROM organization ORDER BY random() LIMIT 1`);
    const actor = () => one(`SELECT id FROM threat_actor ORDER BY random() LIMIT 1`);
    await q(`SELECT setseed(0.42)`);
    const writes: (() => Promise<unknown>)[] = [
      async () => q(`INSERT INTO incident (title, started_from, started_to, types, technique_ids) VALUES ($1, $2, $3, $4, $5)`, [
        `written ${pick.int(1, 1e6)}`, ...(pick.chance(0.3) ? [null, null] : pick.chance(0.5) ? ['2021-03-01', '2021-03-31'] : ['2019-05-02', '2022-01-01']),
        pick.some(['ESPIONAGE', 'RANSOMWARE', 'DDOS'], 2), pick.some(['T1566', 'T1190', 'T1486'], 2),
      ]),
      async () => q(`UPDATE incident SET started_from = '2018-01-01', started_to = '2018-01-31', types = $2 WHERE id = $1`,
        [await incident(), pick.some(['ESPIONAGE', 'WIPER'], 2)]),
      async () => q(`UPDATE incident SET started_from = NULL, started_to = '2020-06-30' WHERE id = $1`, [await incident()]),
      async () => {
        const id = await incident();
        await t.dataSource.transaction(async (m) => {
          await m.query(`DELETE FROM attribution_revision WHERE incident_id = $1`, [id]).catch(() => undefined);
          await m.query(`DELETE FROM attribution WHERE incident_id = $1`, [id]);
          await m.query(`DELETE FROM statement_incident WHERE incident_id = $1`, [id]);
          await m.query(`DELETE FROM incident WHERE id = $1`, [id]);
        });
      },
      async () => q(`INSERT INTO incident_target (incident_id, organization_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [await incident(), await organization()]),
      async () => q(`INSERT INTO incident_target (incident_id, country_code) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [await incident(), pick.zipf(['UA', 'NO', 'DE', 'US', 'EE'])]),
      async () => q(`INSERT INTO incident_target (incident_id, sector) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [await incident(), pick.zipf(['Energy', 'energy', 'Health', 'Government'])]),
      async () => q(`DELETE FROM incident_target WHERE id IN (SELECT id FROM incident_target ORDER BY random() LIMIT $1)`, [pick.int(1, 5)]),
      async () => q(`UPDATE incident_target SET organization_id = $1 WHERE id IN (SELECT id FROM incident_target WHERE organization_id IS NOT NULL ORDER BY random() LIMIT 3)`,
        [await organization()]).catch(() => undefined),
      async () => q(`INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id, status, confidence) VALUES ($1, $2, $3, $4, 60)`,
        [await incident(), await actor(), await organization(), pick.chance(0.8) ? 'ASSERTED' : 'DENIED']),
      async () => q(`UPDATE attribution SET status = CASE status WHEN 'ASSERTED' THEN 'DENIED' ELSE 'ASSERTED' END
                      WHERE id IN (SELECT id FROM attribution WHERE incident_id IS NOT NULL ORDER BY random() LIMIT $1)`, [pick.int(1, 20)]),
      async () => q(`UPDATE attribution SET actor_id = $1 WHERE id IN (SELECT id FROM attribution WHERE incident_id IS NOT NULL ORDER BY random() LIMIT 4)`, [await actor()]),
      async () => q(`DELETE FROM attribution WHERE id IN (SELECT id FROM attribution WHERE incident_id IS NOT NULL ORDER BY random() LIMIT $1)`, [pick.int(1, 6)]),
      async () => q(`UPDATE organization SET kind = $2, sector = $3, country_code = $4 WHERE id = $1`,
        [await organization(), pick.zipf(['GOVERNMENT', 'SECURITY_COMPANY', 'MEDIA']), pick.zipf(['Energy', 'Finance', null]), pick.zipf(['FR', 'NO', null])]),
      async () => q(`UPDATE person SET organization_id = $1, country_code = $2 WHERE id IN (SELECT id FROM person ORDER BY random() LIMIT 3)`,
        [await organization(), pick.zipf(['DE', 'US', null])]),
      // An actor moved under a state, or made top-level: its incidents' agencies, tops and sponsors change.
      async () => q(`UPDATE threat_actor SET parent_id = (SELECT id FROM threat_actor WHERE kind = 'STATE' AND parent_id IS NULL ORDER BY random() LIMIT 1)
                      WHERE id = (SELECT id FROM threat_actor WHERE kind <> 'STATE' ORDER BY random() LIMIT 1)`),
      async () => q(`UPDATE threat_actor SET parent_id = NULL, sponsor_country_code = $1
                      WHERE id = (SELECT id FROM threat_actor WHERE parent_id IS NOT NULL ORDER BY random() LIMIT 1)`, [pick.zipf(['CN', 'IR', null])]),
    ];
    for (let i = 0; i < 120; i++) await writes[pick.int(0, writes.length - 1)]();
  });
  afterAll(() => t.close());

  const stats = async (fields: string) => (await t.data(`{ incidentStats { ${fields} } }`)).incidentStats;
  const asMap = (groups: { key: string; count: number }[]) => Object.fromEntries(groups.map((g) => [g.key, g.count]));
  const direct = async (sql: string) => Object.fromEntries((await q(sql)).map((r: { key: string; n: number }) => [r.key, r.n]));
  const ALL = 'total groups { key count } other otherGroups none';

  it('the facets equal a recomputation from scratch, and the counts equal the facets', async () => {
    const differences = await t.dataSource.transaction(async (m) => {
      await m.query(`CREATE TEMP TABLE kept ON COMMIT DROP AS SELECT * FROM incident_facet`);
      await m.query(`CREATE TEMP TABLE kept_lags ON COMMIT DROP AS SELECT * FROM incident_claim_lag`);
      await m.query(`SELECT incident_facets_refresh(ARRAY(SELECT id FROM incident))`);
      const [row] = await m.query(`SELECT
          (SELECT count(*) FROM (SELECT * FROM kept EXCEPT ALL SELECT * FROM incident_facet) x)::int AS missing,
          (SELECT count(*) FROM (SELECT * FROM incident_facet EXCEPT ALL SELECT * FROM kept) x)::int AS extra,
          (SELECT count(*) FROM (SELECT * FROM kept_lags EXCEPT ALL SELECT * FROM incident_claim_lag) x)::int AS lags_differ,
          (SELECT count(*) FROM (SELECT * FROM incident_claim_lag EXCEPT ALL SELECT * FROM kept_lags) x)::int AS lags_extra,
          (SELECT count(*) FROM kept)::int AS kept,
          (SELECT count(*) FROM kept_lags)::int AS kept_lags`);
      return row;
    });
    expect(differences.kept).toBeGreaterThan(1000);
    expect(differences.kept_lags).toBeGreaterThan(20);
    expect(differences).toMatchObject({ missing: 0, extra: 0, lags_differ: 0, lags_extra: 0 });
    const [counts] = await q(`SELECT
        (SELECT count(*) FROM (SELECT dimension, qualifier, key, count(*)::int FROM incident_facet GROUP BY 1, 2, 3
                               EXCEPT SELECT dimension, qualifier, key, incidents FROM incident_facet_count) x)::int AS missing,
        (SELECT count(*) FROM (SELECT dimension, qualifier, key, incidents FROM incident_facet_count
                               EXCEPT SELECT dimension, qualifier, key, count(*)::int FROM incident_facet GROUP BY 1, 2, 3) x)::int AS extra`);
    expect(counts).toEqual({ missing: 0, extra: 0 });
  });

  it('the per-scope counts equal a recount of the facets and claim lags', async () => {
    // incident_scope_facet_count and incident_scope_lag_count (migration 1765300000010) against the same
    // counts taken at once from incident_facet and incident_claim_lag (themselves checked above).
    const [row] = await q(`
      WITH facets AS (${SCOPE_FACET_RECOUNT}), lags AS (${SCOPE_LAG_RECOUNT})
      SELECT (SELECT count(*) FROM (SELECT * FROM facets EXCEPT SELECT * FROM incident_scope_facet_count) x)::int AS facets_missing,
             (SELECT count(*) FROM (SELECT * FROM incident_scope_facet_count EXCEPT SELECT * FROM facets) x)::int AS facets_extra,
             (SELECT count(*) FROM (SELECT * FROM lags EXCEPT SELECT * FROM incident_scope_lag_count) x)::int AS lags_missing,
             (SELECT count(*) FROM (SELECT * FROM incident_scope_lag_count EXCEPT SELECT * FROM lags) x)::int AS lags_extra,
             (SELECT count(DISTINCT (scope, scope_key)) FROM incident_scope_facet_count)::int AS scopes,
             (SELECT count(*) FROM incident_scope_lag_count WHERE overall AND days >= 0)::int AS measured`);
    expect(row.scopes).toBeGreaterThan(10);
    expect(row.measured).toBeGreaterThan(5);
    expect(row).toMatchObject({ facets_missing: 0, facets_extra: 0, lags_missing: 0, lags_extra: 0 });
  });

  it('unfiltered breakdowns equal counts taken directly from the base tables', async () => {
    const s = await stats(`total byAccusedActor(top: 100) { ${ALL} } denied: byAccusedActor(top: 100, statuses: [DENIED]) { ${ALL} }
      byTop: byAccusedActor(top: 100, rollUp: TOP) { ${ALL} } byType(top: 100) { ${ALL} } byTargetCountry(top: 100) { ${ALL} }
      byTargetSector(top: 100) { total groups { label count } } byAttributingKind(top: 100) { ${ALL} }`);
    const [{ n: total }] = await q(`SELECT count(*)::int AS n FROM incident`);
    expect(s.total).toBe(total);
    expect(asMap(s.byAccusedActor.groups)).toEqual(await direct(
      `SELECT actor_id::text AS key, count(DISTINCT incident_id)::int AS n FROM attribution WHERE status = 'ASSERTED' AND incident_id IS NOT NULL GROUP BY 1`));
    expect(asMap(s.denied.groups)).toEqual(await direct(
      `SELECT actor_id::text AS key, count(DISTINCT incident_id)::int AS n FROM attribution WHERE status = 'DENIED' AND incident_id IS NOT NULL GROUP BY 1`));
    const [{ n: unclaimed }] = await q(
      `SELECT count(*)::int AS n FROM incident i WHERE NOT EXISTS (SELECT 1 FROM attribution a WHERE a.incident_id = i.id AND a.status = 'ASSERTED')`);
    expect(s.byAccusedActor.none).toBe(unclaimed);
    expect(asMap(s.byTop.groups)).toEqual(await direct(`
      WITH RECURSIVE up(actor_id, id, parent_id) AS (
        SELECT id, id, parent_id FROM threat_actor UNION ALL SELECT up.actor_id, p.id, p.parent_id FROM up JOIN threat_actor p ON p.id = up.parent_id)
      SELECT up.id::text AS key, count(DISTINCT a.incident_id)::int AS n FROM attribution a JOIN up ON up.actor_id = a.actor_id AND up.parent_id IS NULL
       WHERE a.status = 'ASSERTED' AND a.incident_id IS NOT NULL GROUP BY 1`));
    expect(asMap(s.byType.groups)).toEqual(await direct(`SELECT type AS key, count(DISTINCT id)::int AS n FROM incident, unnest(types) type GROUP BY 1`));
    expect(asMap(s.byTargetCountry.groups)).toEqual(await direct(`
      SELECT key, count(DISTINCT incident_id)::int AS n FROM (
        SELECT t.incident_id, t.country_code::text AS key FROM incident_target t WHERE t.country_code IS NOT NULL
        UNION ALL SELECT t.incident_id, o.country_code FROM incident_target t JOIN organization o ON o.id = t.organization_id WHERE o.country_code IS NOT NULL
        UNION ALL SELECT t.incident_id, p.country_code FROM incident_target t JOIN person p ON p.id = t.person_id WHERE p.country_code IS NOT NULL) x
      GROUP BY key`));
    expect(Object.fromEntries(s.byTargetSector.groups.map((g: { label: string; count: number }) => [g.label.toLowerCase(), g.count]))).toEqual(await direct(`
      SELECT lower(sector) AS key, count(DISTINCT incident_id)::int AS n FROM (
        SELECT t.incident_id, btrim(t.sector) AS sector FROM incident_target t WHERE btrim(t.sector) <> ''
        UNION ALL SELECT t.incident_id, btrim(o.sector) FROM incident_target t JOIN organization o ON o.id = t.organization_id WHERE btrim(o.sector) <> ''
        UNION ALL SELECT t.incident_id, btrim(o.sector) FROM incident_target t JOIN person p ON p.id = t.person_id
                    JOIN organization o ON o.id = p.organization_id WHERE btrim(o.sector) <> '') x
      GROUP BY 1`));
    expect(asMap(s.byAttributingKind.groups)).toEqual(await direct(`
      SELECT coalesce(o.kind, po.kind) AS key, count(DISTINCT a.incident_id)::int AS n FROM attribution a
        LEFT JOIN organization o ON o.id = a.attributed_by_organization_id
        LEFT JOIN person p ON p.id = a.attributed_by_person_id LEFT JOIN organization po ON po.id = p.organization_id
       WHERE a.status = 'ASSERTED' AND a.incident_id IS NOT NULL AND coalesce(o.kind, po.kind) IS NOT NULL GROUP BY 1`));
  });

  it('filtered breakdowns (one status or several) equal counts taken directly from the base tables', async () => {
    // The scope: the incidents attributed, in any status, to the actor with the most of them after the writes.
    const [{ id: actorId }] = await q(`SELECT actor_id AS id FROM attribution WHERE incident_id IS NOT NULL
                                        GROUP BY actor_id ORDER BY count(DISTINCT incident_id) DESC, actor_id LIMIT 1`);
    const scope = `SELECT DISTINCT incident_id FROM attribution WHERE actor_id = '${actorId}' AND incident_id IS NOT NULL`;
    const { incidentStats: s } = await t.data(`query ($actor: String!) { incidentStats(filter: { actor: $actor }) {
        total byAccusedActor(top: 100) { ${ALL} } claimed: byAccusedActor(top: 100, statuses: [ASSERTED, DENIED]) { ${ALL} }
        byTargetCountry(top: 100) { ${ALL} } byType(top: 100) { ${ALL} } } }`, { actor: actorId });
    const [{ n: total }] = await q(`SELECT count(*)::int AS n FROM (${scope}) x`);
    expect(total).toBeGreaterThan(3);
    expect(s.total).toBe(total);
    const accused = (statuses: string[]) => `SELECT actor_id::text AS key, count(DISTINCT incident_id)::int AS n FROM attribution
       WHERE status = ANY('{${statuses.join(',')}}') AND incident_id IN (${scope}) GROUP BY 1`;
    const unclaimed = async (statuses: string[]) => (await q(`SELECT count(*)::int AS n FROM (${scope}) x(id)
       WHERE NOT EXISTS (SELECT 1 FROM attribution a WHERE a.incident_id = x.id AND a.status = ANY('{${statuses.join(',')}}'))`))[0].n;
    expect(asMap(s.byAccusedActor.groups)).toEqual(await direct(accused(['ASSERTED'])));
    expect(s.byAccusedActor.none).toBe(await unclaimed(['ASSERTED']));
    expect(asMap(s.claimed.groups)).toEqual(await direct(accused(['ASSERTED', 'DENIED'])));
    expect(s.claimed.none).toBe(await unclaimed(['ASSERTED', 'DENIED']));
    const countries = await direct(`
      SELECT key, count(DISTINCT incident_id)::int AS n FROM (
        SELECT t.incident_id, t.country_code::text AS key FROM incident_target t WHERE t.country_code IS NOT NULL
        UNION ALL SELECT t.incident_id, o.country_code FROM incident_target t JOIN organization o ON o.id = t.organization_id WHERE o.country_code IS NOT NULL
        UNION ALL SELECT t.incident_id, p.country_code FROM incident_target t JOIN person p ON p.id = t.person_id WHERE p.country_code IS NOT NULL) x
       WHERE incident_id IN (${scope}) GROUP BY key`);
    expect(asMap(s.byTargetCountry.groups)).toEqual(countries);
    const [{ n: untargeted }] = await q(`SELECT count(*)::int AS n FROM (${scope}) x(id) WHERE NOT EXISTS (
        SELECT 1 FROM incident_target t LEFT JOIN organization o ON o.id = t.organization_id LEFT JOIN person p ON p.id = t.person_id
         WHERE t.incident_id = x.id AND coalesce(t.country_code, o.country_code, p.country_code) IS NOT NULL)`);
    expect(s.byTargetCountry.none).toBe(untargeted);
    expect(asMap(s.byType.groups)).toEqual(await direct(
      `SELECT type AS key, count(DISTINCT id)::int AS n FROM incident, unnest(types) type WHERE id IN (${scope}) GROUP BY 1`));
    const [{ n: untyped }] = await q(`SELECT count(*)::int AS n FROM incident WHERE id IN (${scope}) AND cardinality(types) = 0`);
    expect(s.byType.none).toBe(untyped);
  });

  it('filtered by one target country, the breakdowns and timeline equal counts taken directly from the base tables', async () => {
    const [{ country }] = await q(`SELECT country_code AS country FROM incident_target WHERE country_code IS NOT NULL
                                    GROUP BY 1 ORDER BY count(DISTINCT incident_id) DESC, 1 LIMIT 1`);
    const scope = `SELECT t.incident_id FROM incident_target t LEFT JOIN organization o ON o.id = t.organization_id
        LEFT JOIN person p ON p.id = t.person_id WHERE coalesce(t.country_code, o.country_code, p.country_code) = '${country}'`;
    const { incidentStats: s } = await t.data(`query ($country: String!) { incidentStats(filter: { targetCountry: $country }) {
        total byAccusedActor(top: 100) { ${ALL} } byTargetSector(top: 100) { total groups { label count } none }
        byAttributingKind(top: 100) { ${ALL} } timeline(interval: YEAR) { buckets { start count } undated imprecise } } }`, { country });
    const [{ n: total }] = await q(`SELECT count(DISTINCT incident_id)::int AS n FROM (${scope}) x`);
    expect(total).toBeGreaterThan(3);
    expect(s.total).toBe(total);
    expect(asMap(s.byAccusedActor.groups)).toEqual(await direct(`SELECT actor_id::text AS key, count(DISTINCT incident_id)::int AS n FROM attribution
       WHERE status = 'ASSERTED' AND incident_id IN (${scope}) GROUP BY 1`));
    const [{ n: unclaimed }] = await q(`SELECT count(*)::int AS n FROM incident i WHERE i.id IN (${scope})
       AND NOT EXISTS (SELECT 1 FROM attribution a WHERE a.incident_id = i.id AND a.status = 'ASSERTED')`);
    expect(s.byAccusedActor.none).toBe(unclaimed);
    // Each sector shown in the least spelling used among the scope's incidents.
    const sectors = await q(`
      SELECT min(sector) AS label, count(DISTINCT incident_id)::int AS count FROM (
        SELECT t.incident_id, btrim(t.sector) AS sector FROM incident_target t WHERE btrim(t.sector) <> ''
        UNION ALL SELECT t.incident_id, btrim(o.sector) FROM incident_target t JOIN organization o ON o.id = t.organization_id WHERE btrim(o.sector) <> ''
        UNION ALL SELECT t.incident_id, btrim(o.sector) FROM incident_target t JOIN person p ON p.id = t.person_id
                    JOIN organization o ON o.id = p.organization_id WHERE btrim(o.sector) <> '') x
       WHERE incident_id IN (${scope}) GROUP BY lower(sector)`);
    const byLabel = (groups: { label: string; count: number }[]) => [...groups].sort((a, b) => a.label.localeCompare(b.label));
    expect(byLabel(s.byTargetSector.groups)).toEqual(byLabel(sectors));
    expect(asMap(s.byAttributingKind.groups)).toEqual(await direct(`
      SELECT coalesce(o.kind, po.kind) AS key, count(DISTINCT a.incident_id)::int AS n FROM attribution a
        LEFT JOIN organization o ON o.id = a.attributed_by_organization_id
        LEFT JOIN person p ON p.id = a.attributed_by_person_id LEFT JOIN organization po ON po.id = p.organization_id
       WHERE a.status = 'ASSERTED' AND a.incident_id IN (${scope}) AND coalesce(o.kind, po.kind) IS NOT NULL GROUP BY 1`));
    const placed = await direct(`SELECT to_char(started_from, 'YYYY') || '-01-01' AS key, count(*)::int AS n FROM incident
                                  WHERE id IN (${scope}) AND extract(year FROM started_from) = extract(year FROM started_to) GROUP BY 1`);
    expect(Object.fromEntries(s.timeline.buckets.filter((b: { count: number }) => b.count > 0).map((b: { start: string; count: number }) => [b.start, b.count]))).toEqual(placed);
    const [row] = await q(`SELECT count(*) FILTER (WHERE started_from IS NULL AND started_to IS NULL)::int AS undated,
      count(*) FILTER (WHERE NOT (started_from IS NULL AND started_to IS NULL) AND extract(year FROM started_from) IS DISTINCT FROM extract(year FROM started_to))::int AS imprecise
      FROM incident WHERE id IN (${scope})`);
    expect({ undated: s.timeline.undated, imprecise: s.timeline.imprecise }).toEqual(row);
  });

  it('unfiltered and filtered timelines equal counts taken directly from the incidents', async () => {
    const { timeline } = await stats(`timeline(interval: YEAR) { buckets { start count } undated imprecise }`);
    const placed = await direct(`SELECT to_char(started_from, 'YYYY') || '-01-01' AS key, count(*)::int AS n FROM incident
                                  WHERE extract(year FROM started_from) = extract(year FROM started_to) GROUP BY 1`);
    expect(Object.fromEntries(timeline.buckets.filter((b: { count: number }) => b.count > 0).map((b: { start: string; count: number }) => [b.start, b.count]))).toEqual(placed);
    const [row] = await q(`SELECT count(*) FILTER (WHERE started_from IS NULL AND started_to IS NULL)::int AS undated,
      count(*) FILTER (WHERE NOT (started_from IS NULL AND started_to IS NULL) AND extract(year FROM started_from) IS DISTINCT FROM extract(year FROM started_to))::int AS imprecise
      FROM incident`);
    expect({ undated: timeline.undated, imprecise: timeline.imprecise }).toEqual(row);
    // Filtered: the scope's facets are counted, and the unfiltered counts are the sum over a partition of the incidents.
    const asserted = (await t.data(`{ incidentStats(filter: { attributionStatus: ASSERTED }) { total timeline(interval: YEAR) { undated } } }`)).incidentStats;
    const [{ n: claimed, undated }] = await q(`SELECT count(*)::int AS n, count(*) FILTER (WHERE started_from IS NULL AND started_to IS NULL)::int AS undated
      FROM incident i WHERE EXISTS (SELECT 1 FROM attribution a WHERE a.incident_id = i.id AND a.status = 'ASSERTED')`);
    expect(asserted).toEqual({ total: claimed, timeline: { undated } });
  });

  it('the lag counts equal a recount of the claim lags', async () => {
    // attribution_lag_count (migration 1765100000005) against the same counts taken from incident_claim_lag at once.
    const [row] = await q(`
      WITH recount AS (
        SELECT overall, span, kind, start_month, days, count(*)::int AS n FROM (
          SELECT true AS overall, '' AS kind,
                 CASE WHEN min(span_days) <= 1 THEN 'DAY' WHEN min(span_days) <= 31 THEN 'MONTH' WHEN min(span_days) <= 366 THEN 'YEAR' ELSE 'WIDER' END AS span,
                 date_trunc('month', min(started_from))::date AS start_month,
                 CASE WHEN bool_and(all_dated) THEN greatest(min(first_day) - min(started_from), 0) ELSE -1 END AS days
            FROM incident_claim_lag GROUP BY incident_id
          UNION ALL
          SELECT false, coalesce(kind, ''),
                 CASE WHEN span_days <= 1 THEN 'DAY' WHEN span_days <= 31 THEN 'MONTH' WHEN span_days <= 366 THEN 'YEAR' ELSE 'WIDER' END,
                 '-infinity'::date, CASE WHEN all_dated THEN greatest(first_day - started_from, 0) ELSE -1 END
            FROM incident_claim_lag) x
        GROUP BY 1, 2, 3, 4, 5)
      SELECT (SELECT count(*) FROM (SELECT * FROM recount EXCEPT SELECT * FROM attribution_lag_count) x)::int AS missing,
             (SELECT count(*) FROM (SELECT * FROM attribution_lag_count EXCEPT SELECT * FROM recount) x)::int AS extra,
             (SELECT count(*) FROM attribution_lag_count)::int AS rows,
             (SELECT count(*) FROM attribution_lag_count WHERE overall AND days >= 0)::int AS measured`);
    expect(row.rows).toBeGreaterThan(20);
    expect(row.measured).toBeGreaterThan(5);
    expect(row).toMatchObject({ missing: 0, extra: 0 });
  });

  it.each(['DAY', 'MONTH', 'YEAR'])('the attribution lag at %s precision, unfiltered and filtered, equals percentile_cont over the base tables', async (precision) => {
    const widest = { DAY: 1, MONTH: 31, YEAR: 366 }[precision];
    const { attributionLag: lag } = await stats(`attributionLag(startPrecision: ${precision}, interval: QUARTER) {
      overall { count median lowerQuartile upperQuartile min max } byAttributingKind { kind count median lowerQuartile upperQuartile min max }
      distribution { minDays count } overTime { start count median lowerQuartile upperQuartile min max } unattributed undatedAttribution }`);
    // From attribution, incident, organization and person directly: each claim's day, per incident and kind of party.
    const statistics = `'count', count(days), 'median', percentile_cont(0.5) WITHIN GROUP (ORDER BY days),
      'lowerQuartile', percentile_cont(0.25) WITHIN GROUP (ORDER BY days), 'upperQuartile', percentile_cont(0.75) WITHIN GROUP (ORDER BY days),
      'min', min(days), 'max', max(days)`;
    // `scope`: a condition on incident i (the filtered lags below), true for all.
    const directLag = async (scope: string) => (await q(`
      WITH claims AS (
        SELECT i.id AS incident_id, i.started_from, coalesce(o.kind, po.kind)::text AS kind, a.attributed_from
          FROM incident i JOIN attribution a ON a.incident_id = i.id AND a.status = 'ASSERTED'
          LEFT JOIN organization o ON o.id = a.attributed_by_organization_id
          LEFT JOIN person p ON p.id = a.attributed_by_person_id LEFT JOIN organization po ON po.id = p.organization_id
         WHERE i.started_to - i.started_from + 1 <= $1 AND ${scope}),
      firsts AS (
        SELECT incident_id, min(started_from) AS started_from,
               CASE WHEN bool_and(attributed_from IS NOT NULL) THEN greatest(min(attributed_from) - min(started_from), 0) END AS days
          FROM claims GROUP BY incident_id),
      kinds AS (
        SELECT kind, CASE WHEN bool_and(attributed_from IS NOT NULL) THEN greatest(min(attributed_from) - min(started_from), 0) END AS days
          FROM claims GROUP BY incident_id, kind),
      by_kind AS (SELECT kind, count(*) AS n, json_build_object('kind', kind, ${statistics}) AS row FROM kinds WHERE days IS NOT NULL GROUP BY kind),
      quarters AS (
        SELECT date_trunc('quarter', started_from)::date AS start, json_build_object('start', to_char(date_trunc('quarter', started_from)::date, 'YYYY-MM-DD'), ${statistics}) AS row
          FROM firsts WHERE days IS NOT NULL GROUP BY 1)
      SELECT (SELECT json_build_object(${statistics}) FROM firsts WHERE days IS NOT NULL) AS overall,
             (SELECT coalesce(json_agg(row ORDER BY n DESC, kind NULLS LAST), '[]') FROM by_kind) AS by_kind,
             (SELECT coalesce(json_agg(row ORDER BY start), '[]') FROM quarters) AS quarters,
             (SELECT json_agg(json_build_object('minDays', m, 'count', (SELECT count(*) FROM firsts WHERE days >= m AND days <= coalesce(x, days))) ORDER BY m)
                FROM unnest('{0,1,8,31,91,181,366,731}'::int[], '{0,7,30,90,180,365,730,null}'::int[]) AS bins(m, x)) AS distribution,
             (SELECT count(*) FROM firsts WHERE days IS NULL)::int AS undated,
             (SELECT count(*) FROM incident i WHERE i.started_to - i.started_from + 1 <= $1 AND ${scope}
                 AND NOT EXISTS (SELECT 1 FROM attribution a WHERE a.incident_id = i.id AND a.status = 'ASSERTED'))::int AS unattributed,
             (SELECT count(*) FROM incident i WHERE i.started_from IS NULL AND i.started_to IS NULL AND ${scope})::int AS undated_start,
             (SELECT count(*) FROM incident i WHERE ${scope} AND (i.started_from IS NULL) <> (i.started_to IS NULL)
                 OR i.started_to - i.started_from + 1 > $1 AND ${scope})::int AS imprecise_start`, [widest]))[0];
    const direct = await directLag('true');
    expect(direct.overall.count).toBeGreaterThan(5);
    expect(lag.overall).toEqual(direct.overall);
    expect(lag.byAttributingKind).toEqual(direct.by_kind);
    expect(lag.distribution).toEqual(direct.distribution);
    // overTime lists every quarter from the first to the last; the ones with lags are the direct ones.
    expect(lag.overTime.filter((b: { count: number }) => b.count > 0)).toEqual(direct.quarters);
    expect(lag.overTime.filter((b: { count: number }) => b.count === 0).every((b: { median: null }) => b.median === null)).toBe(true);
    expect({ undatedAttribution: lag.undatedAttribution, unattributed: lag.unattributed }).toEqual({ undatedAttribution: direct.undated, unattributed: direct.unattributed });
    // Filtered (from the scope's claim lags, not the counts): the incidents with a claim have every lag there is.
    const { attributionLag: claimed } = (await t.data(`{ incidentStats(filter: { attributionStatus: ASSERTED }) {
      attributionLag(startPrecision: ${precision}, interval: QUARTER) {
        overall { count median lowerQuartile upperQuartile min max } byAttributingKind { kind count median lowerQuartile upperQuartile min max }
        distribution { minDays count } overTime { start count median lowerQuartile upperQuartile min max } unattributed undatedAttribution } } }`)).incidentStats;
    expect(claimed).toEqual({ ...lag, unattributed: 0 });
    // Filtered by one actor, or one target country (from the per-scope counts, migration 1765300000010).
    const [{ actor, country }] = await q(`SELECT
        (SELECT actor_id FROM attribution a JOIN incident i ON i.id = a.incident_id WHERE a.status = 'ASSERTED' AND i.started_to - i.started_from + 1 <= $1
          GROUP BY actor_id ORDER BY count(DISTINCT incident_id) DESC, actor_id LIMIT 1) AS actor,
        (SELECT country_code FROM incident_target WHERE country_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS country`, [widest]);
    const scopes: [Record<string, string>, string][] = [
      [{ actor }, `EXISTS (SELECT 1 FROM attribution x WHERE x.incident_id = i.id AND x.actor_id = '${actor}')`],
      [{ targetCountry: country }, `EXISTS (SELECT 1 FROM incident_target t LEFT JOIN organization o ON o.id = t.organization_id
          LEFT JOIN person p ON p.id = t.person_id WHERE t.incident_id = i.id AND coalesce(t.country_code, o.country_code, p.country_code) = '${country}')`],
    ];
    for (const [filter, scope] of scopes) {
      const { attributionLag: scoped } = (await t.data(`query ($filter: IncidentFilter) { incidentStats(filter: $filter) {
        attributionLag(startPrecision: ${precision}, interval: QUARTER) {
          overall { count median lowerQuartile upperQuartile min max } byAttributingKind { kind count median lowerQuartile upperQuartile min max }
          distribution { minDays count } overTime { start count median lowerQuartile upperQuartile min max }
          unattributed undatedAttribution undatedStart impreciseStart } } }`, { filter })).incidentStats;
      const expected = await directLag(scope);
      if (filter.actor) expect(expected.overall.count).toBeGreaterThan(0);
      expect(scoped.overall).toEqual(expected.overall);
      expect(scoped.byAttributingKind).toEqual(expected.by_kind);
      expect(scoped.distribution).toEqual(expected.distribution);
      expect(scoped.overTime.filter((b: { count: number }) => b.count > 0)).toEqual(expected.quarters);
      expect({ undatedAttribution: scoped.undatedAttribution, unattributed: scoped.unattributed, undatedStart: scoped.undatedStart, impreciseStart: scoped.impreciseStart })
        .toEqual({ undatedAttribution: expected.undated, unattributed: expected.unattributed, undatedStart: expected.undated_start, impreciseStart: expected.imprecise_start });
    }
  });

  it('two transactions writing claims on one incident at once leave its facets exact', async () => {
    const [{ id: incidentId }] = await q(`SELECT id FROM incident ORDER BY id LIMIT 1`);
    const actors = (await q(`SELECT id FROM threat_actor ORDER BY id LIMIT 2`)).map((r: { id: string }) => r.id);
    const [{ id: organizationId }] = await q(`SELECT id FROM organization ORDER BY id LIMIT 1`);
    await Promise.all(actors.map((actorId: string) => t.dataSource.transaction(async (m) => {
      await m.query(`INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id, status) VALUES ($1, $2, $3, 'ASSERTED')`,
        [incidentId, actorId, organizationId]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    })));
    const facets = (await q(`SELECT key FROM incident_facet WHERE incident_id = $1 AND dimension = 'ACCUSED_ACTOR' AND qualifier = 'ASSERTED' AND key <> ''`,
      [incidentId])).map((r: { key: string }) => r.key).sort();
    const claimed = (await q(`SELECT DISTINCT actor_id::text AS key FROM attribution WHERE incident_id = $1 AND status = 'ASSERTED'`, [incidentId]))
      .map((r: { key: string }) => r.key).sort();
    expect(facets).toEqual(claimed);
    expect(claimed).toEqual(expect.arrayContaining(actors));
  });
});
