import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * incident_facet's primary key ordered for a filtered dashboard (issue 11 §4): (dimension,
 * qualifier, incident_id, key) instead of (dimension, qualifier, key, incident_id), the same
 * columns, so the same rows are unique. A filtered aggregate asks one (dimension, qualifier)
 * for the scope's incidents, `incident_id = ANY(ids)`; in this order their rows are one range
 * of the index, sorted by incident, which PostgreSQL walks once, advancing through the sorted
 * ids, instead of one descent of the 3.2 M-row incident_facet_incident_idx per incident
 * (34,000 buffers for the 8,607 incidents of one actor; 3,600 in this order) or a hash of every
 * row of the dimension. `label` is included so the spellings are still read from the index alone.
 * The rows are unchanged: nothing to carry over. Rebuilding the key takes about 20 s at full
 * scale, longer than the API pool's statement_timeout (docs/limits.md), so the migration's own
 * transaction lifts it.
 */
/** For this transaction only: no statement timeout, and memory to sort the 3.2 M keys. */
async function rebuildSettings(q: QueryRunner): Promise<void> {
  await q.query(`SET LOCAL statement_timeout = 0`);
  await q.query(`SET LOCAL maintenance_work_mem = '256MB'`);
}

export class FacetScopeOrder1765200000010 implements MigrationInterface {
  name = 'FacetScopeOrder1765200000010';

  async up(q: QueryRunner): Promise<void> {
    await rebuildSettings(q);
    await q.query(`ALTER TABLE incident_facet DROP CONSTRAINT incident_facet_pkey,
      ADD CONSTRAINT incident_facet_pkey PRIMARY KEY (dimension, qualifier, incident_id, key) INCLUDE (label)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await rebuildSettings(q);
    await q.query(`ALTER TABLE incident_facet DROP CONSTRAINT incident_facet_pkey,
      ADD CONSTRAINT incident_facet_pkey PRIMARY KEY (dimension, qualifier, key, incident_id)`);
  }
}
