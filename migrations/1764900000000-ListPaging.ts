import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the relation connections (src/common/pagination.ts, paginateEach): each
 * parent's page is read in its list's order with a LIMIT, so an index on (parent, first
 * sort key) lets a busy parent (an actor with thousands of claims) cost its page, not a
 * sort of all its rows. The expressions are those of the lists' orders: keep them identical
 * (DATE_RECORDED_ORDER in attribution.service.ts, DATE_SAID_ORDER in statement.service.ts,
 * STARTED_ORDER in incidents/incident-order.ts).
 */
const INDEXES: [name: string, definition: string][] = [
  ['attribution_actor_date_idx', `attribution (actor_id, (coalesce(attributed_from, attributed_to, 'infinity'::date)))`],
  ['attribution_incident_date_idx', `attribution (incident_id, (coalesce(attributed_from, attributed_to, 'infinity'::date)))`],
  ['attribution_by_organization_date_idx',
    `attribution (attributed_by_organization_id, (coalesce(attributed_from, attributed_to, 'infinity'::date)))`],
  ['statement_speaker_person_date_idx', `statement (speaker_person_id, (coalesce(said_from, said_to, 'infinity'::date)), seq)`],
  ['statement_speaker_organization_date_idx',
    `statement (speaker_organization_id, (coalesce(said_from, said_to, 'infinity'::date)), seq)`],
  ['incident_campaign_start_idx', `incident (campaign_id, (coalesce(started_from, started_to, 'infinity'::date)))`],
];

export class ListPaging1764900000000 implements MigrationInterface {
  name = 'ListPaging1764900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, definition] of INDEXES) await q.query(`CREATE INDEX ${name} ON ${definition}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name] of [...INDEXES].reverse()) await q.query(`DROP INDEX IF EXISTS ${name}`);
  }
}
