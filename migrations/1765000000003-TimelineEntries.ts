import { MigrationInterface, QueryRunner } from 'typeorm';

/** An incident's own dates, each an entry of its own: kind, its columns' prefix and its same-day rank. */
const INCIDENT_DATES: [kind: string, prefix: string, rank: number][] = [
  ['INCIDENT_STARTED', 'started', 0],
  ['INCIDENT_DISCLOSED', 'disclosed', 1],
  ['INCIDENT_ENDED', 'ended', 2],
];

/**
 * `timeline_entry`: every entry any timeline can show, one row each (src/timeline/, the
 * TimelineEntry entity), so that the timelines are connections paged by the one helper
 * (paginateEach), which reads a page's rows back by primary key. A view, not a table: nothing
 * is copied, so nothing can drift. An entry's id is the id of its statement, attribution or
 * response; an incident's own date (started, disclosed, ended) has an id derived from the
 * incident's and the kind's (`timeline_date_entry_id`), with an index each, so that a page's
 * rows are found by index whatever branch of the view they come from. For that PostgreSQL must
 * flatten the UNION ALL (an "appendrel" whose branches it probes by index for a join on `id`),
 * which it does only for branches with exactly the view's column types and no WHERE of their
 * own; so each branch casts its constants and none filters: an incident's unknown date has a
 * row here too, and the timelines' queries leave it out (an unknown end is no event). The
 * timelines themselves
 * (which entries belong to which incident, actor or country, and their sort keys) are queries
 * of TimelineService.
 */
export class TimelineEntries1765000000003 implements MigrationInterface {
  name = 'TimelineEntries1765000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION timeline_date_entry_id(incident uuid, kind text) RETURNS uuid
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT md5(incident::text || '/' || kind)::uuid $$`);
    for (const [kind, prefix] of INCIDENT_DATES) {
      await q.query(`CREATE INDEX incident_timeline_${prefix}_idx ON incident (timeline_date_entry_id(id, '${kind}'))`);
    }
    // The planner knows an expression index's values only once the table is analysed: until then it takes each
    // lookup for 0.5% of the incidents and reads the whole view instead (3 s instead of 5 ms on the benchmark dataset).
    await q.query(`ANALYZE incident`);
    const dates = INCIDENT_DATES.map(
      ([kind, prefix, rank]) => `
      SELECT timeline_date_entry_id(i.id, '${kind}') AS id, '${kind}'::text AS kind, i.id AS incident_id,
             NULL::uuid AS statement_id, NULL::uuid AS attribution_id, NULL::uuid AS response_id,
             i.${prefix}_from AS date_from, i.${prefix}_to AS date_to, i.${prefix}_text AS date_text,
             ${rank} AS rank, i.created_at AS recorded_at, 0::bigint AS seq
        FROM incident i`,
    );
    await q.query(`
      CREATE VIEW timeline_entry AS ${dates.join('\n      UNION ALL')}
      UNION ALL
      SELECT s.id, 'STATEMENT'::text, NULL::uuid, s.id, NULL::uuid, NULL::uuid, s.said_from, s.said_to, s.said_text, 3, s.created_at, s.seq
        FROM statement s
      UNION ALL
      SELECT a.id, 'ATTRIBUTION'::text, a.incident_id, NULL::uuid, a.id, NULL::uuid, a.attributed_from, a.attributed_to, a.attributed_text,
             3, a.created_at, 0::bigint
        FROM attribution a
      UNION ALL
      SELECT r.id, 'RESPONSE'::text, r.incident_id, NULL::uuid, NULL::uuid, r.id, r.responded_from, r.responded_to, r.responded_text,
             3, r.created_at, 0::bigint
        FROM response r`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS timeline_entry`);
    for (const [, prefix] of INCIDENT_DATES) await q.query(`DROP INDEX IF EXISTS incident_timeline_${prefix}_idx`);
    await q.query(`DROP FUNCTION IF EXISTS timeline_date_entry_id(uuid, text)`);
  }
}
