import { MigrationInterface, QueryRunner } from 'typeorm';

/** Derived from attributions and incidents, like the dashboard's summaries: not facts, so not in the change log. */
export const ACTOR_INCIDENT_TABLES = ['actor_incident_start'];

/** The key of the incident relation lists' order (src/incidents/incident-order.ts, STARTED_ORDER). */
const STARTED_KEY = (incident: string) => `coalesce(${incident}.started_from, ${incident}.started_to, 'infinity'::date)`;

/**
 * Recomputes the rows of the (actor, incident) pairs in `pairs` (a CTE over the transition
 * tables): a row for each pair with a current ASSERTED claim, none otherwise. The incidents are
 * locked first (as incident_facets_refresh does), so that two transactions changing claims of
 * one incident refresh its pairs one after the other, each seeing the other's claims.
 */
const refreshFunction = (op: 'insert' | 'update' | 'delete') => {
  const pairs = {
    insert: `SELECT actor_id, incident_id FROM new_rows`,
    update: `SELECT actor_id, incident_id FROM new_rows UNION SELECT actor_id, incident_id FROM old_rows`,
    delete: `SELECT actor_id, incident_id FROM old_rows`,
  }[op];
  return `CREATE FUNCTION actor_incident_start_${op}() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      changed_actors uuid[];
      changed_incidents uuid[];
    BEGIN
      SELECT array_agg(p.actor_id ORDER BY p.actor_id, p.incident_id), array_agg(p.incident_id ORDER BY p.actor_id, p.incident_id)
        INTO changed_actors, changed_incidents
        FROM (SELECT DISTINCT actor_id, incident_id FROM (${pairs}) t WHERE incident_id IS NOT NULL) p;
      IF changed_actors IS NULL THEN RETURN NULL; END IF;
      PERFORM 1 FROM incident WHERE id = ANY(changed_incidents) ORDER BY id FOR NO KEY UPDATE;
      DELETE FROM actor_incident_start s USING unnest(changed_actors, changed_incidents) AS p(actor_id, incident_id)
       WHERE s.actor_id = p.actor_id AND s.incident_id = p.incident_id;
      INSERT INTO actor_incident_start (actor_id, incident_id, started_key)
      SELECT p.actor_id, p.incident_id, ${STARTED_KEY('i')}
        FROM unnest(changed_actors, changed_incidents) AS p(actor_id, incident_id) JOIN incident i ON i.id = p.incident_id
       WHERE EXISTS (SELECT 1 FROM attribution a WHERE a.actor_id = p.actor_id AND a.incident_id = p.incident_id AND a.status = 'ASSERTED')
       ORDER BY p.actor_id, p.incident_id
      ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $fn$`;
};

/**
 * `actor_incident_start`: for each actor, the incidents someone currently asserts it carried
 * out (an ASSERTED attribution; a denial or a retracted claim does not count), each with the
 * incident's start key, indexed by (actor, key, incident): the order of ThreatActor.incidents.
 *
 * Why (issue 11, README question 4): that list is the actor's claimed incidents, earliest start
 * first. The start lives on incident, so a page of a busy actor's list (the GRU and APT28: 7,852
 * incidents) read every claimed incident's row to sort them, 31,000 buffers and most of the
 * request's time, and its count joined them all again. Here a page is one sort of index entries
 * (no incident row read but the page's) and the count an index-only scan.
 *
 * Exactness: statement-level triggers on attribution recompute the pairs a statement touched
 * (insert, update of actor, incident or status, delete; TRUNCATE empties the table), and a
 * trigger on incident carries a changed start into its rows, in the same transaction as the
 * change. No foreign keys: a row exists only while an attribution (whose own keys restrict
 * deleting its incident and actor) asserts the pair. Backfill: every current pair of the
 * existing claims.
 */
export class ActorIncidentStarts1765200000021 implements MigrationInterface {
  name = 'ActorIncidentStarts1765200000021';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE actor_incident_start (
      actor_id uuid NOT NULL,
      incident_id uuid NOT NULL,
      started_key date NOT NULL,
      PRIMARY KEY (actor_id, incident_id)
    )`);
    for (const op of ['insert', 'update', 'delete'] as const) {
      await q.query(refreshFunction(op));
      const transitions = { insert: 'NEW TABLE AS new_rows', update: 'OLD TABLE AS old_rows NEW TABLE AS new_rows', delete: 'OLD TABLE AS old_rows' }[op];
      await q.query(`CREATE TRIGGER attribution_incident_starts_${op} AFTER ${op.toUpperCase()} ON attribution
        REFERENCING ${transitions} FOR EACH STATEMENT EXECUTE FUNCTION actor_incident_start_${op}()`);
    }
    await q.query(`CREATE FUNCTION actor_incident_start_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        TRUNCATE actor_incident_start;
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE TRIGGER attribution_incident_starts_truncate AFTER TRUNCATE ON attribution
      FOR EACH STATEMENT EXECUTE FUNCTION actor_incident_start_truncate()`);
    await q.query(`CREATE FUNCTION actor_incident_start_restart() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE actor_incident_start s SET started_key = ${STARTED_KEY('n')}
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE s.incident_id = n.id AND s.started_key IS DISTINCT FROM ${STARTED_KEY('n')};
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE TRIGGER incident_starts_update AFTER UPDATE ON incident
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION actor_incident_start_restart()`);

    await q.query(`INSERT INTO actor_incident_start (actor_id, incident_id, started_key)
      SELECT DISTINCT a.actor_id, a.incident_id, ${STARTED_KEY('i')}
        FROM attribution a JOIN incident i ON i.id = a.incident_id
       WHERE a.status = 'ASSERTED'`);
    await q.query(`CREATE INDEX actor_incident_start_order_idx ON actor_incident_start (actor_id, started_key, incident_id)`);
    await q.query(`ANALYZE actor_incident_start`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER incident_starts_update ON incident`);
    await q.query(`DROP FUNCTION actor_incident_start_restart()`);
    await q.query(`DROP TRIGGER attribution_incident_starts_truncate ON attribution`);
    await q.query(`DROP FUNCTION actor_incident_start_truncate()`);
    for (const op of ['insert', 'update', 'delete']) {
      await q.query(`DROP TRIGGER attribution_incident_starts_${op} ON attribution`);
      await q.query(`DROP FUNCTION actor_incident_start_${op}()`);
    }
    await q.query(`DROP TABLE actor_incident_start`);
  }
}
