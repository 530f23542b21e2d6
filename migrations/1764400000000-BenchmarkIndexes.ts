import { MigrationInterface, QueryRunner } from 'typeorm';

/** The interval an incident may have been going on, exactly as incident_occurred_idx and IncidentService write it. */
const OCCURRED_RANGE = `daterange(
  coalesce(started_from, '-infinity'::date),
  CASE WHEN ended_to IS NOT NULL THEN ended_to WHEN ended_from IS NOT NULL THEN 'infinity'::date
       ELSE coalesce(started_to, 'infinity'::date) END,
  '[]')`;

/**
 * What the benchmark (npm run bench, 100,000 incidents and 1,000,000 statements) showed
 * missing:
 * - statements(filter: { speakerRole }) matched the role anywhere in the text by a
 *   sequential scan of every statement: trigram indexes on the statement's and the
 *   person's role let ILIKE '%foreign minister%' use an index;
 * - the statement list (date order, undated last, then recording order) sorted every
 *   matching statement to show a page: an index in that order lets it stop after a page;
 * - the planner had no statistics for the incident's possible time interval (the
 *   expression index on it is partial, and the planner ignores partial indexes'
 *   statistics), so it guessed 1 % of incidents for any date range and drove combined
 *   filters from the date index; statistics on the expressions give it real numbers.
 */
export class BenchmarkIndexes1764400000000 implements MigrationInterface {
  name = 'BenchmarkIndexes1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX statement_speaker_role_trgm_idx ON statement USING gin (speaker_role gin_trgm_ops)`);
    await q.query(`CREATE INDEX person_role_trgm_idx ON person USING gin (role gin_trgm_ops)`);
    // The order of StatementService.list (its ListOrder expressions, then the key).
    await q.query(`CREATE INDEX statement_said_order_idx ON statement ((coalesce(said_from, said_to, 'infinity'::date)), seq, id)`);
    await q.query(`CREATE STATISTICS incident_occurred_range_stats ON (${OCCURRED_RANGE}) FROM incident`);
    await q.query(`CREATE STATISTICS incident_dated_stats ON (num_nonnulls(started_from, started_to, ended_from, ended_to)) FROM incident`);
    await q.query(`ANALYZE incident`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP STATISTICS incident_dated_stats`);
    await q.query(`DROP STATISTICS incident_occurred_range_stats`);
    await q.query(`DROP INDEX statement_said_order_idx`);
    await q.query(`DROP INDEX person_role_trgm_idx`);
    await q.query(`DROP INDEX statement_speaker_role_trgm_idx`);
  }
}
