import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * STIX 2.1 import and export (issue 10): which tracker row each imported STIX object became,
 * so that a re-import updates that row when the object's `modified` is newer instead of
 * adding a duplicate, and so that an export gives the imported object back under its own id
 * and timestamps (the round trip). `row_table`/`row_id` name the row: a table ("threat_actor",
 * "attribution", "attack_technique" …) or a derived fact ("threat_actor_parent": the tie of
 * that actor to its parent), and the row's key as text (uuid, ATT&CK id or country code).
 * Several objects may map to one row (two bundles' intrusion-sets merged into one actor).
 */
export class StixObjects1764600000000 implements MigrationInterface {
  name = 'StixObjects1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE stix_object (
      stix_id text PRIMARY KEY CHECK (stix_id ~ '^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F-]{36}$'),
      stix_type text NOT NULL CHECK (btrim(stix_type) <> ''),
      row_table text NOT NULL CHECK (btrim(row_table) <> ''),
      row_id text NOT NULL CHECK (btrim(row_id) <> ''),
      -- As the bundle wrote them (text keeps their exact precision for the round trip).
      created text NOT NULL,
      modified text NOT NULL,
      modified_at timestamptz NOT NULL,
      dataset_record_id uuid CONSTRAINT stix_object_dataset_record_fk REFERENCES dataset_record(id) ON DELETE SET NULL,
      imported_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX stix_object_row_idx ON stix_object (row_table, row_id)`);
    await q.query(`CREATE INDEX stix_object_dataset_record_idx ON stix_object (dataset_record_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stix_object`);
  }
}
