import { MigrationInterface, QueryRunner } from 'typeorm';

/** Derived from attributions, like the dashboard's summaries: not facts, so not in the change log. */
export const CLAIM_CONFIDENCE_TABLES = ['incident_claim_confidence'];

/**
 * The rows of `incident_claim_confidence` for the incidents `ids`, as they must be: per incident and
 * status of its claims, and once more under the status '' (any status), the highest confidence of
 * those claims, -1 when none of them has a confidence.
 */
const bestOf = (ids: string) => `
  SELECT a.incident_id, s.status, max(coalesce(a.confidence, -1))::smallint AS confidence
    FROM attribution a CROSS JOIN LATERAL (VALUES (a.status), ('')) AS s(status)
   WHERE a.incident_id = ANY(${ids})
   GROUP BY a.incident_id, s.status`;

/**
 * `incident_claim_confidence (incident_id, status, confidence)`: for each incident, per status of
 * its claims (and under status '' for claims of any status), the highest confidence of those claims
 * (-1 when none has one), indexed by (status, confidence, incident_id).
 *
 * Why (issue 11, "incidents: minimum confidence"): the count of `incidents(filter: { minConfidence,
 * attributionStatus })` was the distinct incidents of every matching claim: 116,061 ASSERTED claims
 * of confidence ≥ 70 read and sorted to find their 66,823 incidents (57 ms). A claim of status S with
 * confidence ≥ c exists exactly when the incident's best confidence under S is ≥ c, and this table
 * has one row per incident and status, so that count is an index-only range count of distinct rows.
 *
 * Exactness: statement-level triggers on attribution recompute the incidents a statement touched
 * (insert; update of incident, status or confidence; delete; TRUNCATE empties the table), in the
 * statement's transaction. The incidents are locked first, in id order (as incident_facets_refresh
 * and actor_incident_start do), so that two transactions changing claims of one incident refresh it
 * one after the other, the second seeing the first's claims. Only rows whose value changes are
 * written. No foreign key: a row exists only while a claim (whose key restricts deleting its
 * incident) has that incident and status. Backfill: every incident with claims.
 */
export class IncidentClaimConfidence1765300000020 implements MigrationInterface {
  name = 'IncidentClaimConfidence1765300000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE incident_claim_confidence (
      incident_id uuid NOT NULL,
      status text NOT NULL,
      confidence smallint NOT NULL,
      PRIMARY KEY (incident_id, status)
    )`);
    await q.query(`CREATE FUNCTION incident_claim_confidence_refresh(changed uuid[]) RETURNS void LANGUAGE plpgsql AS $fn$
      BEGIN
        IF changed IS NULL OR cardinality(changed) = 0 THEN RETURN; END IF;
        PERFORM 1 FROM incident WHERE id = ANY(changed) ORDER BY id FOR NO KEY UPDATE;
        DELETE FROM incident_claim_confidence c
         WHERE c.incident_id = ANY(changed)
           AND NOT EXISTS (SELECT 1 FROM attribution a
                            WHERE a.incident_id = c.incident_id AND (c.status = '' OR a.status = c.status));
        INSERT INTO incident_claim_confidence AS c (incident_id, status, confidence)
        SELECT fresh.incident_id, fresh.status, fresh.confidence FROM (${bestOf('changed')}) fresh
         ORDER BY fresh.incident_id, fresh.status
        ON CONFLICT (incident_id, status) DO UPDATE SET confidence = excluded.confidence
         WHERE c.confidence <> excluded.confidence;
      END $fn$`);
    const changed = {
      insert: `SELECT incident_id FROM new_rows`,
      update: `SELECT o.incident_id FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE (o.incident_id, o.status, o.confidence) IS DISTINCT FROM (n.incident_id, n.status, n.confidence)
               UNION
               SELECT n.incident_id FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE (o.incident_id, o.status, o.confidence) IS DISTINCT FROM (n.incident_id, n.status, n.confidence)`,
      delete: `SELECT incident_id FROM old_rows`,
    };
    for (const op of ['insert', 'update', 'delete'] as const) {
      await q.query(`CREATE FUNCTION incident_claim_confidence_${op}() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          PERFORM incident_claim_confidence_refresh(
            ARRAY(SELECT DISTINCT t.incident_id FROM (${changed[op]}) t WHERE t.incident_id IS NOT NULL ORDER BY 1));
          RETURN NULL;
        END $fn$`);
      const transitions = { insert: 'NEW TABLE AS new_rows', update: 'OLD TABLE AS old_rows NEW TABLE AS new_rows', delete: 'OLD TABLE AS old_rows' }[op];
      await q.query(`CREATE TRIGGER attribution_claim_confidence_${op} AFTER ${op.toUpperCase()} ON attribution
        REFERENCING ${transitions} FOR EACH STATEMENT EXECUTE FUNCTION incident_claim_confidence_${op}()`);
    }
    await q.query(`CREATE FUNCTION incident_claim_confidence_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        TRUNCATE incident_claim_confidence;
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE TRIGGER attribution_claim_confidence_truncate AFTER TRUNCATE ON attribution
      FOR EACH STATEMENT EXECUTE FUNCTION incident_claim_confidence_truncate()`);

    await q.query(`INSERT INTO incident_claim_confidence (incident_id, status, confidence)
      SELECT a.incident_id, s.status, max(coalesce(a.confidence, -1))::smallint
        FROM attribution a CROSS JOIN LATERAL (VALUES (a.status), ('')) AS s(status)
       WHERE a.incident_id IS NOT NULL
       GROUP BY a.incident_id, s.status`);
    await q.query(`CREATE INDEX incident_claim_confidence_best_idx ON incident_claim_confidence (status, confidence, incident_id)`);
    await q.query(`ANALYZE incident_claim_confidence`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER attribution_claim_confidence_truncate ON attribution`);
    await q.query(`DROP FUNCTION incident_claim_confidence_truncate()`);
    for (const op of ['insert', 'update', 'delete']) {
      await q.query(`DROP TRIGGER attribution_claim_confidence_${op} ON attribution`);
      await q.query(`DROP FUNCTION incident_claim_confidence_${op}()`);
    }
    await q.query(`DROP FUNCTION incident_claim_confidence_refresh(uuid[])`);
    await q.query(`DROP TABLE incident_claim_confidence`);
  }
}
