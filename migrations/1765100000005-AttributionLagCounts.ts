import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The unfiltered attribution lag from counts (issue 11 §4): `attribution_lag_count` holds how
 * many lags of each length in days there are, per start span class, start month and kind of
 * attributing party, so that the dashboard reads a few thousand count rows instead of grouping
 * the 190,000 rows of incident_claim_lag per incident and sorting them at each request. Its
 * percentiles are computed from the counts exactly (DashboardService.attributionLag).
 *
 * Rows, from incident_claim_lag (migration 1764800000000-DashboardSummaries):
 * - `overall` true: one per incident with an ASSERTED claim and both ends of its start, its
 *   first claim (of any kind): days from its start to the earliest claim, or -1 when one of
 *   its claims is undated (that one may have come first); `kind` is ''.
 * - `overall` false: one per incident and kind of attributing party ('' for none): days from
 *   the start to that kind's first claim, -1 when one of that kind's claims is undated.
 * - `span`: how wide the start is, as the START_SPAN facet: DAY (at most 1 day), MONTH (31),
 *   YEAR (366), WIDER. `start_month`: the month of the start's first day, for the lag over
 *   time; -infinity on the kinds' rows, which are never bucketed by time (by month they were
 *   78,000 rows at full scale, nearly one per claim lag; without, a few thousand).
 *
 * Exactness: statement triggers on incident_claim_lag apply each statement's change. A kind's
 * row is counted per incident_claim_lag row; an incident's overall row depends on all its rows,
 * so the triggers count the affected incidents' overall lag from the rows before the statement
 * (the table's rows without the new ones, with the old ones) and after it (the table's rows),
 * whatever the statement wrote. incident_facets_refresh locks the incidents it rewrites, so two
 * transactions never change one incident's rows at once. Counts derived from facts: not audited.
 */

/** The span class of a row's span_days, as the START_SPAN facet classes the incident's start. */
const SPAN = (days: string) =>
  `CASE WHEN ${days} <= 1 THEN 'DAY' WHEN ${days} <= 31 THEN 'MONTH' WHEN ${days} <= 366 THEN 'YEAR' ELSE 'WIDER' END`;

const MONTH = (date: string) => `date_trunc('month', ${date}::timestamp)::date`;

/** Per incident, over rows of incident_claim_lag: the key of its overall row (as the dashboard's first_claims). */
const overallRows = (rows: string, sign: number) => `
    SELECT true AS overall, '' AS kind, ${SPAN('min(span_days)')} AS span, ${MONTH('min(started_from)')} AS start_month,
           CASE WHEN bool_and(all_dated) THEN greatest(min(first_day) - min(started_from), 0) ELSE -1 END AS days, ${sign} AS n
      FROM ${rows} GROUP BY incident_id`;

/** Per row of incident_claim_lag: the key of its kind's row (not bucketed by time: start_month -infinity). */
const kindRows = (rows: string, sign: number) => `
    SELECT false AS overall, coalesce(kind, '') AS kind, ${SPAN('span_days')} AS span, '-infinity'::date AS start_month,
           CASE WHEN all_dated THEN greatest(first_day - started_from, 0) ELSE -1 END AS days, ${sign} AS n
      FROM ${rows}`;

const KEY = ['overall', 'span', 'kind', 'start_month', 'days'];
const sameKey = (a: string, b: string) => KEY.map((c) => `${a}.${c} = ${b}.${c}`).join(' AND ');

/** The trigger function for one operation; `newRows`/`oldRows` are its transition tables, or null. */
function applyFunction(op: 'insert' | 'update' | 'delete'): string {
  const none = `(SELECT * FROM incident_claim_lag WHERE false)`;
  const newRows = op === 'delete' ? none : 'new_rows';
  const oldRows = op === 'insert' ? none : 'old_rows';
  return `CREATE FUNCTION attribution_lag_count_${op}() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE deltas attribution_lag_count[];
    BEGIN
      WITH added AS (SELECT * FROM ${newRows} x), removed AS (SELECT * FROM ${oldRows} x),
      affected AS (SELECT incident_id FROM added UNION SELECT incident_id FROM removed),
      after_rows AS (SELECT c.* FROM incident_claim_lag c WHERE c.incident_id IN (SELECT incident_id FROM affected)),
      before_rows AS (
        SELECT * FROM after_rows r
         WHERE NOT EXISTS (SELECT 1 FROM added a WHERE a.incident_id = r.incident_id AND a.kind IS NOT DISTINCT FROM r.kind)
        UNION ALL SELECT * FROM removed),
      changes AS (${overallRows('after_rows', 1)} UNION ALL ${overallRows('before_rows', -1)}
                  UNION ALL ${kindRows('added', 1)} UNION ALL ${kindRows('removed', -1)}),
      summed AS (SELECT ${KEY.join(', ')}, sum(n)::int AS n FROM changes GROUP BY ${KEY.join(', ')} HAVING sum(n) <> 0)
      SELECT array_agg(ROW(${KEY.join(', ')}, n)::attribution_lag_count ORDER BY ${KEY.join(', ')}) INTO deltas FROM summed;
      IF deltas IS NULL THEN RETURN NULL; END IF;
      INSERT INTO attribution_lag_count AS c (${KEY.join(', ')}, n)
      SELECT ${KEY.join(', ')}, n FROM unnest(deltas) d WHERE d.n > 0 ORDER BY ${KEY.join(', ')}
      ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET n = c.n + EXCLUDED.n;
      UPDATE attribution_lag_count c SET n = c.n + d.n FROM unnest(deltas) d WHERE d.n < 0 AND ${sameKey('c', 'd')};
      -- A separate statement: one statement cannot see the rows it updated itself.
      DELETE FROM attribution_lag_count c USING unnest(deltas) d WHERE d.n < 0 AND c.n = 0 AND ${sameKey('c', 'd')};
      RETURN NULL;
    END $fn$`;
}

export class AttributionLagCounts1765100000005 implements MigrationInterface {
  name = 'AttributionLagCounts1765100000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE attribution_lag_count (
      overall boolean NOT NULL,
      span text NOT NULL,
      kind text NOT NULL,
      start_month date NOT NULL,
      days int NOT NULL,
      n int NOT NULL CHECK (n >= 0),
      PRIMARY KEY (overall, span, kind, start_month, days)
    )`);
    for (const op of ['insert', 'update', 'delete'] as const) {
      await q.query(applyFunction(op));
      const transitions = { insert: 'NEW TABLE AS new_rows', update: 'OLD TABLE AS old_rows NEW TABLE AS new_rows', delete: 'OLD TABLE AS old_rows' }[op];
      await q.query(`CREATE TRIGGER incident_claim_lag_counted_${op} AFTER ${op.toUpperCase()} ON incident_claim_lag
        REFERENCING ${transitions} FOR EACH STATEMENT EXECUTE FUNCTION attribution_lag_count_${op}()`);
    }
    // TRUNCATE fires no row or statement trigger: emptying the lags (TRUNCATE incident CASCADE) empties the counts.
    await q.query(`CREATE FUNCTION attribution_lag_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        TRUNCATE attribution_lag_count;
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE TRIGGER incident_claim_lag_counted_truncate AFTER TRUNCATE ON incident_claim_lag
      FOR EACH STATEMENT EXECUTE FUNCTION attribution_lag_count_truncate()`);
    // Backfill: the counts of the rows there are.
    await q.query(`INSERT INTO attribution_lag_count (${KEY.join(', ')}, n)
      SELECT ${KEY.join(', ')}, sum(n)::int FROM (${overallRows('incident_claim_lag', 1)} UNION ALL ${kindRows('incident_claim_lag', 1)}) x
       GROUP BY ${KEY.join(', ')}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const op of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER incident_claim_lag_counted_${op} ON incident_claim_lag`);
      await q.query(`DROP FUNCTION attribution_lag_count_${op}()`);
    }
    await q.query(`DROP TABLE attribution_lag_count`);
  }
}

/** Counts derived from incident_claim_lag, kept by its triggers; not facts (no change log). */
export const LAG_SUMMARY_TABLES = ['attribution_lag_count'];
