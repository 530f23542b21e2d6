import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * incident_claim_lag's unique key carries the columns the attribution lag reads (issue 11 §4),
 * so that a filtered lag reads the scope's claims from the index alone. The rows of one actor's
 * incidents lie on nearly every page of the table (8,607 of 100,000 incidents, in id order), so
 * reading them through the index then the table visited both in full: 1,698 index and 1,782
 * table pages for Fancy Bear; from the index alone, 2,100 pages (about 15 % less CPU for the whole
 * lag statement, A/B on the benchmark data). Same key, same rows: nothing to
 * carry over.
 */
export class ClaimLagCovering1765200000011 implements MigrationInterface {
  name = 'ClaimLagCovering1765200000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`DROP INDEX incident_claim_lag_key`);
    await q.query(`CREATE UNIQUE INDEX incident_claim_lag_key ON incident_claim_lag (incident_id, coalesce(kind, ''))
      INCLUDE (kind, started_from, span_days, first_day, all_dated)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`DROP INDEX incident_claim_lag_key`);
    await q.query(`CREATE UNIQUE INDEX incident_claim_lag_key ON incident_claim_lag (incident_id, coalesce(kind, ''))`);
  }
}
