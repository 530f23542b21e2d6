import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What researchers need to trust and trace the record:
 * - attribution_source: the article and exact excerpt behind each attribution (statements had statement_source);
 * - attribution_revision: every state an attribution has been in, written by a trigger in the same
 *   transaction as the change, so no code path (API, seed, cascade, raw SQL) can change a claim unrecorded;
 * - statement_link_event: who linked or unlinked a statement to an incident, actor or attribution, and
 *   which suggested links were accepted or rejected (a rejected suggestion is not made again).
 */
export class ResearchProvenance1764300000000 implements MigrationInterface {
  name = 'ResearchProvenance1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE attribution_source (
      attribution_id uuid NOT NULL REFERENCES attribution(id) ON DELETE CASCADE,
      source_article_id uuid NOT NULL CONSTRAINT attribution_source_article_fk REFERENCES source_article(id) ON DELETE RESTRICT,
      excerpt text NOT NULL CONSTRAINT attribution_source_excerpt_given CHECK (btrim(excerpt) <> ''),
      PRIMARY KEY (attribution_id, source_article_id)
    )`);
    await q.query(`CREATE INDEX attribution_source_article_idx ON attribution_source (source_article_id)`);

    // New citations of statements must carry their excerpt; NOT VALID leaves rows recorded before the rule alone.
    await q.query(`ALTER TABLE statement_source ADD CONSTRAINT statement_source_excerpt_given
      CHECK (excerpt IS NOT NULL AND btrim(excerpt) <> '') NOT VALID`);

    // No foreign keys: the history of an attribution outlives the attribution, and names ids that may be gone.
    await q.query(`CREATE TABLE attribution_revision (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      attribution_id uuid NOT NULL,
      operation text NOT NULL CHECK (operation IN ('BASELINE', 'CREATED', 'UPDATED', 'DELETED')),
      changed_fields text[] NOT NULL DEFAULT '{}',
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      recorded_by text NOT NULL,
      incident_id uuid,
      campaign_id uuid,
      actor_id uuid NOT NULL,
      attributed_by_organization_id uuid,
      attributed_by_person_id uuid,
      attributed_from date,
      attributed_to date,
      attributed_text text,
      confidence smallint,
      confidence_words text,
      bases text[] NOT NULL,
      status text NOT NULL,
      notes text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX attribution_revision_attribution_idx ON attribution_revision (attribution_id, seq)`);
    await q.query(`CREATE INDEX attribution_revision_recorded_at_idx ON attribution_revision (recorded_at, seq)`);

    // The caller's name comes from the transaction-local setting attribution_tracker.recorded_by (set_config(..., true)).
    await q.query(`CREATE FUNCTION record_attribution_revision() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        fact attribution;
        op text;
        changed text[] := '{}';
      BEGIN
        IF TG_OP = 'DELETE' THEN
          fact := OLD; op := 'DELETED';
        ELSIF TG_OP = 'INSERT' THEN
          fact := NEW; op := 'CREATED';
        ELSE
          fact := NEW; op := 'UPDATED';
          SELECT coalesce(array_agg(n.key ORDER BY n.key), '{}') INTO changed
            FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
           WHERE n.value IS DISTINCT FROM o.value AND n.key <> 'updated_at';
          IF cardinality(changed) = 0 THEN RETURN NULL; END IF;
        END IF;
        INSERT INTO attribution_revision (
          attribution_id, operation, changed_fields, recorded_by, incident_id, campaign_id, actor_id,
          attributed_by_organization_id, attributed_by_person_id, attributed_from, attributed_to, attributed_text,
          confidence, confidence_words, bases, status, notes, created_at, updated_at)
        VALUES (
          fact.id, op, changed,
          coalesce(nullif(current_setting('attribution_tracker.recorded_by', true), ''), 'anonymous'),
          fact.incident_id, fact.campaign_id, fact.actor_id, fact.attributed_by_organization_id, fact.attributed_by_person_id,
          fact.attributed_from, fact.attributed_to, fact.attributed_text, fact.confidence, fact.confidence_words,
          fact.bases, fact.status, fact.notes, fact.created_at, fact.updated_at);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER attribution_revision_trigger AFTER INSERT OR UPDATE OR DELETE ON attribution
      FOR EACH ROW EXECUTE FUNCTION record_attribution_revision()`);
    // Attributions recorded before history was kept: their state now, on record since their last change.
    await q.query(`INSERT INTO attribution_revision (
        attribution_id, operation, recorded_at, recorded_by, incident_id, campaign_id, actor_id,
        attributed_by_organization_id, attributed_by_person_id, attributed_from, attributed_to, attributed_text,
        confidence, confidence_words, bases, status, notes, created_at, updated_at)
      SELECT id, 'BASELINE', updated_at, 'before history was kept', incident_id, campaign_id, actor_id,
        attributed_by_organization_id, attributed_by_person_id, attributed_from, attributed_to, attributed_text,
        confidence, confidence_words, bases, status, notes, created_at, updated_at
        FROM attribution`);

    await q.query(`CREATE TABLE statement_link_event (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      statement_id uuid NOT NULL REFERENCES statement(id) ON DELETE CASCADE,
      target_kind text NOT NULL CHECK (target_kind IN ('INCIDENT', 'ACTOR', 'ATTRIBUTION')),
      target_id uuid NOT NULL,
      action text NOT NULL CHECK (action IN ('LINKED', 'UNLINKED', 'SUGGESTION_ACCEPTED', 'SUGGESTION_REJECTED')),
      reasons text[] NOT NULL DEFAULT '{}',
      recorded_by text NOT NULL CHECK (btrim(recorded_by) <> ''),
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX statement_link_event_statement_idx ON statement_link_event (statement_id, id)`);
    await q.query(`CREATE INDEX statement_link_event_target_idx ON statement_link_event (target_kind, target_id)`);
    await q.query(`CREATE INDEX statement_link_event_recorded_by_idx ON statement_link_event (recorded_by, id)`);
    await q.query(`CREATE UNIQUE INDEX statement_link_event_rejected_once ON statement_link_event (statement_id, target_kind, target_id)
      WHERE action = 'SUGGESTION_REJECTED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE statement_link_event`);
    await q.query(`DROP TRIGGER attribution_revision_trigger ON attribution`);
    await q.query(`DROP FUNCTION record_attribution_revision()`);
    await q.query(`DROP TABLE attribution_revision`);
    await q.query(`ALTER TABLE statement_source DROP CONSTRAINT statement_source_excerpt_given`);
    await q.query(`DROP TABLE attribution_source`);
  }
}
