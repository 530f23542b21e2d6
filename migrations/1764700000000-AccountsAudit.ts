import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who may write, and a record of every write (issue 12 §1–2):
 * - account: a named API token with a role; only the token's SHA-256 is kept.
 * - change_log: one row per created, updated or deleted row of the graph, written by statement-level
 *   AFTER triggers in the same transaction as the change, so no code path (API, import, cascade, raw SQL)
 *   changes the graph unlogged. Transition tables keep a bulk import of 10⁵ rows to one INSERT … SELECT.
 *   Who, what operation and which request come from transaction-local settings (src/common/caller.ts);
 *   writes with none set are logged as "sql:<database user>". A session that sets
 *   attribution_tracker.audit = 'off' writes unlogged: only bench/generate.ts does, for generated data.
 * - The log is append-only: a trigger refuses UPDATE, DELETE and TRUNCATE on it.
 * - audit_table(regclass) attaches the triggers; a later migration that creates a graph table calls it.
 */
export class AccountsAudit1764700000000 implements MigrationInterface {
  name = 'AccountsAudit1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE account (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CONSTRAINT account_name_given CHECK (btrim(name) <> '' AND length(name) <= 100),
      role text NOT NULL CONSTRAINT account_role_known CHECK (role IN ('reader', 'contributor', 'editor', 'admin')),
      token_hash bytea NOT NULL CONSTRAINT account_token_hash_key UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`);
    await q.query(`CREATE UNIQUE INDEX account_name_key ON account (lower(name))`);

    // No foreign keys: the log outlives what it describes.
    await q.query(`CREATE TABLE change_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      account_id uuid,
      recorded_by text NOT NULL,
      operation text NOT NULL,
      request_id text,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      action text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
      before jsonb,
      after jsonb
    )`);
    await q.query(`CREATE INDEX change_log_entity_idx ON change_log (entity_id text_pattern_ops, id)`);
    await q.query(`CREATE INDEX change_log_recorded_by_idx ON change_log (recorded_by, id)`);
    await q.query(`CREATE INDEX change_log_operation_idx ON change_log (operation, id)`);
    await q.query(`CREATE INDEX change_log_recorded_at_idx ON change_log (recorded_at)`);

    await q.query(`CREATE FUNCTION refuse_change_log_edit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the change log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log
      FOR EACH ROW EXECUTE FUNCTION refuse_change_log_edit()`);
    await q.query(`CREATE TRIGGER change_log_no_truncate BEFORE TRUNCATE ON change_log
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_log_edit()`);

    // TG_ARGV: the table's primary-key columns; the entity id is their values joined by '/'.
    // token_hash never enters the log (the account table is audited too).
    await q.query(`CREATE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        who text := coalesce(nullif(current_setting('attribution_tracker.recorded_by', true), ''), 'sql:' || session_user);
        op text := coalesce(nullif(current_setting('attribution_tracker.operation', true), ''), who);
        account uuid := nullif(current_setting('attribution_tracker.account_id', true), '')::uuid;
        request text := nullif(current_setting('attribution_tracker.request_id', true), '');
        new_key text := 'md5(n::text)';
        old_key text := 'md5(o::text)';
        same_key text := 'o = n';
        columns text;
      BEGIN
        -- Only a direct database session can set this (the API never does): the benchmark generator,
        -- for its millions of made-up rows. Session-scoped, so it cannot outlive that session.
        IF current_setting('attribution_tracker.audit', true) = 'off' THEN RETURN NULL; END IF;
        IF TG_NARGS > 0 THEN
          SELECT string_agg(format('n.%I::text', c), ', '), string_agg(format('o.%I = n.%I', c, c), ' AND ')
            INTO columns, same_key FROM unnest(TG_ARGV) c;
          new_key := format('concat_ws(''/'', %s)', columns);
          old_key := replace(new_key, 'n.', 'o.');
        END IF;
        IF TG_OP = 'INSERT' THEN
          EXECUTE format('INSERT INTO change_log (account_id, recorded_by, operation, request_id, entity_type, entity_id, action, after)
            SELECT $1, $2, $3, $4, $5, %s, ''INSERT'', to_jsonb(n) - ''token_hash'' FROM new_rows n', new_key)
            USING account, who, op, request, TG_TABLE_NAME;
        ELSIF TG_OP = 'DELETE' THEN
          EXECUTE format('INSERT INTO change_log (account_id, recorded_by, operation, request_id, entity_type, entity_id, action, before)
            SELECT $1, $2, $3, $4, $5, %s, ''DELETE'', to_jsonb(o) - ''token_hash'' FROM old_rows o', old_key)
            USING account, who, op, request, TG_TABLE_NAME;
        ELSE
          -- Pairs each row's old and new values by key (concat_ws of a missing side is ''); an update
          -- that changed nothing is not a change.
          EXECUTE format('INSERT INTO change_log (account_id, recorded_by, operation, request_id, entity_type, entity_id, action, before, after)
            SELECT $1, $2, $3, $4, $5, coalesce(nullif(%s, ''''), %s), ''UPDATE'', to_jsonb(o) - ''token_hash'', to_jsonb(n) - ''token_hash''
              FROM old_rows o FULL JOIN new_rows n ON %s
             WHERE to_jsonb(o) IS DISTINCT FROM to_jsonb(n)', new_key, old_key, same_key)
            USING account, who, op, request, TG_TABLE_NAME;
        END IF;
        RETURN NULL;
      END $$`);

    // Transition tables allow one event per trigger, hence three.
    await q.query(`CREATE FUNCTION audit_table(target regclass) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        key_columns text;
      BEGIN
        SELECT string_agg(quote_literal(a.attname), ', ' ORDER BY k.ord) INTO key_columns
          FROM pg_index i
          CROSS JOIN unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE i.indrelid = target AND i.indisprimary;
        key_columns := coalesce(key_columns, '');
        EXECUTE format('CREATE TRIGGER record_change_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION record_change(%s)', target, key_columns);
        EXECUTE format('CREATE TRIGGER record_change_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION record_change(%s)', target, key_columns);
        EXECUTE format('CREATE TRIGGER record_change_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows
          FOR EACH STATEMENT EXECUTE FUNCTION record_change(%s)', target, key_columns);
      END $$`);

    // Every table there is now, except the logs themselves (attribution_revision and statement_link_event
    // are histories written in the same transactions) and TypeORM's bookkeeping.
    await q.query(`SELECT audit_table(c.oid)
      FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
     WHERE ns.nspname = current_schema() AND c.relkind = 'r'
       AND c.relname NOT IN (${UNAUDITED_TABLES.map((t) => `'${t}'`).join(', ')})
     ORDER BY c.relname`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DO $$
      DECLARE t record;
      BEGIN
        FOR t IN SELECT DISTINCT tgrelid::regclass AS rel FROM pg_trigger WHERE tgname LIKE 'record_change_%' LOOP
          EXECUTE format('DROP TRIGGER record_change_insert ON %s', t.rel);
          EXECUTE format('DROP TRIGGER record_change_update ON %s', t.rel);
          EXECUTE format('DROP TRIGGER record_change_delete ON %s', t.rel);
        END LOOP;
      END $$`);
    await q.query(`DROP FUNCTION audit_table(regclass)`);
    await q.query(`DROP FUNCTION record_change()`);
    await q.query(`DROP TABLE change_log`);
    await q.query(`DROP FUNCTION refuse_change_log_edit()`);
    await q.query(`DROP TABLE account`);
  }
}

/** Tables without change triggers: the logs themselves and TypeORM's migration list. */
export const UNAUDITED_TABLES = ['change_log', 'attribution_revision', 'statement_link_event', 'migrations', 'typeorm_metadata'];
