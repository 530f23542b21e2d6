import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the incident list's filters (issue 11), from the benchmark's plans at 100,000
 * incidents and 200,000 targets:
 * - a target condition (country, organization, person) is a set of incident ids read from
 *   incident_target; with the incident id in the index, each branch of it is an index-only scan,
 *   where the single-column indexes needed a heap visit per target (2,000 pages for the US). They
 *   replace those indexes: a lookup by the first column alone (the foreign keys' checks) uses them
 *   as before;
 * - the date-range filter bounds the latest-first page by the latest start of the matches whose
 *   earliest start is unknown (IncidentService.list): this partial index holds just those
 *   incidents, so that the bound costs one index probe.
 * CREATE INDEX builds from the rows already there: nothing to carry over.
 */
export class IncidentFilterIndexes1765100000003 implements MigrationInterface {
  name = 'IncidentFilterIndexes1765100000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX incident_target_country_incident_idx ON incident_target (country_code, incident_id)`);
    await q.query(`CREATE INDEX incident_target_organization_incident_idx ON incident_target (organization_id, incident_id)`);
    await q.query(`CREATE INDEX incident_target_person_incident_idx ON incident_target (person_id, incident_id)`);
    await q.query(`DROP INDEX incident_target_country_idx`);
    await q.query(`DROP INDEX incident_target_organization_idx`);
    await q.query(`DROP INDEX incident_target_person_idx`);
    await q.query(`CREATE INDEX incident_start_unknown_idx ON incident (started_to)
      WHERE started_from IS NULL AND started_to IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX incident_start_unknown_idx`);
    await q.query(`CREATE INDEX incident_target_person_idx ON incident_target (person_id)`);
    await q.query(`CREATE INDEX incident_target_organization_idx ON incident_target (organization_id)`);
    await q.query(`CREATE INDEX incident_target_country_idx ON incident_target (country_code)`);
    await q.query(`DROP INDEX incident_target_person_incident_idx`);
    await q.query(`DROP INDEX incident_target_organization_incident_idx`);
    await q.query(`DROP INDEX incident_target_country_incident_idx`);
  }
}
