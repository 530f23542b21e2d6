import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dashboard counts per scope (issue 11 §4): the facets and attribution lags of the incidents of
 * one accused actor, or of one target country, counted ahead, so that a dashboard filtered by
 * that single condition (`filter: { actor }` or `filter: { targetCountry }`) reads a few hundred
 * count rows per aggregate instead of stepping through a whole dimension of incident_facet for
 * the scope's ids (100,000–255,000 index entries each at full scale).
 *
 * A scope is (scope, scope_key): ('ACTOR', actor id) holds the incidents with an attribution of
 * any status to that actor (filter.actor without includeSubordinateActors), the incident's
 * ACCUSED_ACTOR facets of any qualifier; ('TARGET_COUNTRY', code) the incidents with a target in
 * that country, its TARGET_COUNTRY facets (the countries filter.targetCountry matches). Both are
 * read from incident_facet (migration 1764800000000-DashboardSummaries), never from the base tables.
 *
 * - `incident_scope_facet_count`: per scope, the incident_facet rows of its incidents counted
 *   per (dimension, qualifier, key, label) ('' for no label): the label is kept in the key so the
 *   spelling a sector is shown in (the least one of the scope's rows) stays exact under deletes.
 * - `incident_scope_lag_count`: per scope, attribution_lag_count's rows (migration
 *   1765100000005-AttributionLagCounts) over the scope's incidents only.
 *
 * Exactness: at every statement's end the counts equal members(incident_facet) × incident_facet
 * (or × the lag rows of incident_claim_lag), incident by incident. A statement changes one of
 * the two tables; its statement trigger recomputes the affected incidents' contributions before
 * (the table's rows without the new ones, with the old ones) and after (the table's rows) and
 * applies the difference, whatever rows the statement wrote: on incident_facet, the facet counts
 * and, for incidents whose scopes changed, the lag counts; on incident_claim_lag, the lag counts
 * of the incidents' current scopes. incident_facets_refresh locks the incidents it rewrites, so two
 * transactions never change one incident's rows at once. TRUNCATE of either empties what depends on it.
 * Counts derived from facts: not audited, no change log.
 *
 * Size at full scale (100,000 incidents, 3.3 M facet rows): 1.5 M facet count rows (about 1.5
 * memberships per incident in each scope kind, ~33 facets each); a refresh of one incident writes
 * about 100 count rows (its scopes × its facets) twice, the old ones down, the new ones up.
 */

/** The scopes of incidents, from rows (dimension, qualifier, key, incident_id, label) of incident_facet. */
const members = (rows: string) => `
    SELECT DISTINCT CASE dimension WHEN 'ACCUSED_ACTOR' THEN 'ACTOR' ELSE 'TARGET_COUNTRY' END AS scope, key AS scope_key, incident_id
      FROM ${rows} WHERE dimension IN ('ACCUSED_ACTOR', 'TARGET_COUNTRY') AND key <> ''`;

const FACET_KEY = ['scope', 'scope_key', 'dimension', 'qualifier', 'key', 'label'];

/** Each scope's facet rows counted, signed: every facet row of an incident once per scope of that incident. */
const facetContributions = (rows: string, sign: number) => `
    SELECT m.scope, m.scope_key, f.dimension, f.qualifier, f.key, coalesce(f.label, '') AS label, ${sign} * count(*) AS n
      FROM (${members(rows)}) m JOIN ${rows} f ON f.incident_id = m.incident_id
     GROUP BY 1, 2, 3, 4, 5, 6`;

/** The span class of a row's span_days, as attribution_lag_count (and the START_SPAN facet). */
const SPAN = (days: string) =>
  `CASE WHEN ${days} <= 1 THEN 'DAY' WHEN ${days} <= 31 THEN 'MONTH' WHEN ${days} <= 366 THEN 'YEAR' ELSE 'WIDER' END`;

const MONTH = (date: string) => `date_trunc('month', ${date}::timestamp)::date`;

/**
 * attribution_lag_count's rows of each incident of incident_claim_lag rows `rows`, with its id:
 * its overall row (its first claim of any kind) and one row per kind ('' for none).
 */
const lagRows = (rows: string) => `
    SELECT incident_id, true AS overall, '' AS kind, ${SPAN('min(span_days)')} AS span, ${MONTH('min(started_from)')} AS start_month,
           CASE WHEN bool_and(all_dated) THEN greatest(min(first_day) - min(started_from), 0) ELSE -1 END AS days
      FROM ${rows} GROUP BY incident_id
    UNION ALL
    SELECT incident_id, false, coalesce(kind, ''), ${SPAN('span_days')}, '-infinity'::date,
           CASE WHEN all_dated THEN greatest(first_day - started_from, 0) ELSE -1 END
      FROM ${rows}`;

const LAG_KEY = ['scope', 'scope_key', 'overall', 'span', 'kind', 'start_month', 'days'];

/** The lag rows of scoped incidents `scoped(scope, scope_key, incident_id, n)` over lag rows `lags`, signed by n. */
const lagContributions = (scoped: string, lags: string) => `
    SELECT s.scope, s.scope_key, l.overall, l.span, l.kind, l.start_month, l.days, s.n
      FROM ${scoped} s JOIN (${lags}) l ON l.incident_id = s.incident_id`;

/** Statements applying `deltas` (an array of `table` rows, n the change) to the table's count column. */
function applyDeltas(table: string, key: string[], count: string, deltas: string): string {
  const same = key.map((c) => `c.${c} = d.${c}`).join(' AND ');
  return `
      IF ${deltas} IS NOT NULL THEN
        INSERT INTO ${table} AS c (${key.join(', ')}, ${count})
        SELECT ${key.join(', ')}, ${count} FROM unnest(${deltas}) d WHERE d.${count} > 0 ORDER BY ${key.join(', ')}
        ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${count} = c.${count} + EXCLUDED.${count};
        UPDATE ${table} c SET ${count} = c.${count} + d.${count} FROM unnest(${deltas}) d WHERE d.${count} < 0 AND ${same};
        -- A separate statement: one statement cannot see the rows it updated itself.
        DELETE FROM ${table} c USING unnest(${deltas}) d WHERE d.${count} < 0 AND c.${count} = 0 AND ${same};
      END IF;`;
}

/**
 * The planner cannot know how many rows a transition table's incidents have, and guesses 30 times
 * too many: enough for JIT compilation, which then took 8 of the 9 s a refresh of 150 incidents spent.
 */
const NO_JIT = 'SET jit = off';

type Op = 'insert' | 'update' | 'delete';
const TRANSITIONS: Record<Op, string> = {
  insert: 'NEW TABLE AS new_rows',
  update: 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
  delete: 'OLD TABLE AS old_rows',
};

/** The trigger function of a statement on incident_facet: facet counts, and lag counts of incidents whose scopes changed. */
function facetFunction(op: Op): string {
  const none = `(SELECT * FROM incident_facet WHERE false)`;
  return `CREATE FUNCTION incident_scope_counts_facet_${op}() RETURNS trigger LANGUAGE plpgsql ${NO_JIT} AS $fn$
    DECLARE facet_deltas incident_scope_facet_count[]; lag_deltas incident_scope_lag_count[];
    BEGIN
      WITH added AS (SELECT * FROM ${op === 'delete' ? none : 'new_rows'} x),
      removed AS (SELECT * FROM ${op === 'insert' ? none : 'old_rows'} x),
      affected AS (SELECT incident_id FROM added UNION SELECT incident_id FROM removed),
      after_rows AS MATERIALIZED (
        SELECT f.dimension, f.qualifier, f.key, f.incident_id, f.label FROM incident_facet f
         WHERE f.incident_id IN (SELECT incident_id FROM affected)),
      before_rows AS MATERIALIZED (
        SELECT * FROM after_rows r
         WHERE NOT EXISTS (SELECT 1 FROM added a WHERE a.incident_id = r.incident_id AND a.dimension = r.dimension
                                                  AND a.qualifier = r.qualifier AND a.key = r.key)
        UNION ALL SELECT dimension, qualifier, key, incident_id, label FROM removed),
      facet_changes AS (${facetContributions('after_rows', 1)} UNION ALL ${facetContributions('before_rows', -1)}),
      facet_summed AS (
        SELECT ${FACET_KEY.join(', ')}, sum(n)::int AS n FROM facet_changes GROUP BY ${FACET_KEY.join(', ')} HAVING sum(n) <> 0),
      members_after AS (${members('after_rows')}),
      members_before AS (${members('before_rows')}),
      moved AS MATERIALIZED (
        SELECT *, 1 AS n FROM (SELECT * FROM members_after EXCEPT SELECT * FROM members_before) gained
        UNION ALL
        SELECT *, -1 FROM (SELECT * FROM members_before EXCEPT SELECT * FROM members_after) lost),
      moved_lags AS (SELECT c.* FROM incident_claim_lag c WHERE c.incident_id IN (SELECT incident_id FROM moved)),
      lag_summed AS (
        SELECT ${LAG_KEY.join(', ')}, sum(n)::int AS n FROM (${lagContributions('moved', lagRows('moved_lags'))}) changes
         GROUP BY ${LAG_KEY.join(', ')} HAVING sum(n) <> 0)
      SELECT (SELECT array_agg(ROW(${FACET_KEY.join(', ')}, n)::incident_scope_facet_count ORDER BY ${FACET_KEY.join(', ')}) FROM facet_summed),
             (SELECT array_agg(ROW(${LAG_KEY.join(', ')}, n)::incident_scope_lag_count ORDER BY ${LAG_KEY.join(', ')}) FROM lag_summed)
        INTO facet_deltas, lag_deltas;
      ${applyDeltas('incident_scope_facet_count', FACET_KEY, 'incidents', 'facet_deltas')}
      ${applyDeltas('incident_scope_lag_count', LAG_KEY, 'n', 'lag_deltas')}
      RETURN NULL;
    END $fn$`;
}

/** The trigger function of a statement on incident_claim_lag: the lag counts of the incidents' current scopes. */
function lagFunction(op: Op): string {
  const none = `(SELECT * FROM incident_claim_lag WHERE false)`;
  return `CREATE FUNCTION incident_scope_counts_lag_${op}() RETURNS trigger LANGUAGE plpgsql ${NO_JIT} AS $fn$
    DECLARE lag_deltas incident_scope_lag_count[];
    BEGIN
      WITH added AS (SELECT * FROM ${op === 'delete' ? none : 'new_rows'} x),
      removed AS (SELECT * FROM ${op === 'insert' ? none : 'old_rows'} x),
      affected AS (SELECT incident_id FROM added UNION SELECT incident_id FROM removed),
      after_rows AS MATERIALIZED (SELECT c.* FROM incident_claim_lag c WHERE c.incident_id IN (SELECT incident_id FROM affected)),
      before_rows AS MATERIALIZED (
        SELECT * FROM after_rows r
         WHERE NOT EXISTS (SELECT 1 FROM added a WHERE a.incident_id = r.incident_id AND a.kind IS NOT DISTINCT FROM r.kind)
        UNION ALL SELECT * FROM removed),
      scoped AS MATERIALIZED (
        SELECT *, 1 AS n FROM (${members(`(SELECT f.* FROM incident_facet f WHERE f.incident_id IN (SELECT incident_id FROM affected)
                                             AND f.dimension IN ('ACCUSED_ACTOR', 'TARGET_COUNTRY')) scoped_facets`)}) m),
      unscoped AS (SELECT scope, scope_key, incident_id, -1 AS n FROM scoped),
      lag_summed AS (
        SELECT ${LAG_KEY.join(', ')}, sum(n)::int AS n FROM (
          ${lagContributions('scoped', lagRows('after_rows'))} UNION ALL ${lagContributions('unscoped', lagRows('before_rows'))}) changes
         GROUP BY ${LAG_KEY.join(', ')} HAVING sum(n) <> 0)
      SELECT array_agg(ROW(${LAG_KEY.join(', ')}, n)::incident_scope_lag_count ORDER BY ${LAG_KEY.join(', ')}) INTO lag_deltas FROM lag_summed;
      ${applyDeltas('incident_scope_lag_count', LAG_KEY, 'n', 'lag_deltas')}
      RETURN NULL;
    END $fn$`;
}

/** The counts from scratch, from incident_facet and incident_claim_lag (the backfill; the tests' recount). */
export const SCOPE_FACET_RECOUNT = facetContributions('incident_facet', 1);
export const SCOPE_LAG_RECOUNT = `
    SELECT ${LAG_KEY.join(', ')}, sum(n)::int AS n
      FROM (${lagContributions(`(SELECT *, 1 AS n FROM (${members('incident_facet')}) m)`, lagRows('incident_claim_lag'))}) x
     GROUP BY ${LAG_KEY.join(', ')}`;

export class ScopeCounts1765300000010 implements MigrationInterface {
  name = 'ScopeCounts1765300000010';

  async up(q: QueryRunner): Promise<void> {
    // The backfill reads all 3.3 M facets at full scale (1–2 minutes): no timeout, and no write in between.
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`SET LOCAL work_mem = '256MB'`);
    await q.query(`LOCK TABLE incident_facet, incident_claim_lag IN SHARE MODE`);
    await q.query(`CREATE TABLE incident_scope_facet_count (
      scope text NOT NULL,
      scope_key text NOT NULL,
      dimension text NOT NULL,
      qualifier text NOT NULL,
      key text NOT NULL,
      label text NOT NULL,
      incidents int NOT NULL CHECK (incidents >= 0),
      PRIMARY KEY (scope, scope_key, dimension, qualifier, key, label)
    )`);
    await q.query(`CREATE TABLE incident_scope_lag_count (
      scope text NOT NULL,
      scope_key text NOT NULL,
      overall boolean NOT NULL,
      span text NOT NULL,
      kind text NOT NULL,
      start_month date NOT NULL,
      days int NOT NULL,
      n int NOT NULL CHECK (n >= 0),
      PRIMARY KEY (scope, scope_key, overall, span, kind, start_month, days)
    )`);
    for (const op of ['insert', 'update', 'delete'] as const) {
      await q.query(facetFunction(op));
      await q.query(`CREATE TRIGGER incident_facet_scope_counted_${op} AFTER ${op.toUpperCase()} ON incident_facet
        REFERENCING ${TRANSITIONS[op]} FOR EACH STATEMENT EXECUTE FUNCTION incident_scope_counts_facet_${op}()`);
      await q.query(lagFunction(op));
      await q.query(`CREATE TRIGGER incident_claim_lag_scope_counted_${op} AFTER ${op.toUpperCase()} ON incident_claim_lag
        REFERENCING ${TRANSITIONS[op]} FOR EACH STATEMENT EXECUTE FUNCTION incident_scope_counts_lag_${op}()`);
    }
    // TRUNCATE fires no row or statement trigger: emptying the facets empties the scopes, emptying the lags the lag counts.
    await q.query(`CREATE FUNCTION incident_scope_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_TABLE_NAME = 'incident_facet' THEN TRUNCATE incident_scope_facet_count; END IF;
        TRUNCATE incident_scope_lag_count;
        RETURN NULL;
      END $fn$`);
    for (const table of ['incident_facet', 'incident_claim_lag']) {
      await q.query(`CREATE TRIGGER ${table}_scope_counted_truncate AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION incident_scope_counts_truncate()`);
    }
    await q.query(`INSERT INTO incident_scope_facet_count (${FACET_KEY.join(', ')}, incidents)
      SELECT ${FACET_KEY.join(', ')}, n FROM (${SCOPE_FACET_RECOUNT}) x ORDER BY ${FACET_KEY.join(', ')}`);
    await q.query(`INSERT INTO incident_scope_lag_count (${LAG_KEY.join(', ')}, n)
      SELECT ${LAG_KEY.join(', ')}, n FROM (${SCOPE_LAG_RECOUNT}) x ORDER BY ${LAG_KEY.join(', ')}`);
    await q.query(`ANALYZE incident_scope_facet_count`);
    await q.query(`ANALYZE incident_scope_lag_count`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['incident_facet', 'incident_claim_lag']) {
      await q.query(`DROP TRIGGER ${table}_scope_counted_truncate ON ${table}`);
    }
    await q.query(`DROP FUNCTION incident_scope_counts_truncate()`);
    for (const op of ['insert', 'update', 'delete']) {
      await q.query(`DROP TRIGGER incident_facet_scope_counted_${op} ON incident_facet`);
      await q.query(`DROP FUNCTION incident_scope_counts_facet_${op}()`);
      await q.query(`DROP TRIGGER incident_claim_lag_scope_counted_${op} ON incident_claim_lag`);
      await q.query(`DROP FUNCTION incident_scope_counts_lag_${op}()`);
    }
    await q.query(`DROP TABLE incident_scope_facet_count`);
    await q.query(`DROP TABLE incident_scope_lag_count`);
  }
}

/** Counts derived from incident_facet and incident_claim_lag, kept by their triggers; not facts (no change log). */
export const SCOPE_SUMMARY_TABLES = ['incident_scope_facet_count', 'incident_scope_lag_count'];
