import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the actor catalogue import (src/catalogue/) needs: external ids (G0007),
 * references, targeted sectors and suspected victims as the catalogues give them, one
 * row per imported catalogue record (so a re-import finds its actor and sees what
 * changed), and the MITRE ATT&CK techniques as a reference table for incidents.
 * Every row keeps `source`: the catalogue that gave it.
 */
export class ActorCatalogue1764100000000 implements MigrationInterface {
  name = 'ActorCatalogue1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // One actor per external id of a scheme; an actor may have several (merged ATT&CK groups).
    await q.query(`CREATE TABLE actor_external_id (
      actor_id uuid NOT NULL REFERENCES threat_actor(id) ON DELETE CASCADE,
      source text NOT NULL CHECK (btrim(source) <> ''),
      external_id text NOT NULL CHECK (btrim(external_id) <> ''),
      CONSTRAINT actor_external_id_pkey PRIMARY KEY (source, external_id)
    )`);
    await q.query(`CREATE INDEX actor_external_id_actor_idx ON actor_external_id (actor_id)`);

    await q.query(`CREATE TABLE actor_reference (
      actor_id uuid NOT NULL REFERENCES threat_actor(id) ON DELETE CASCADE,
      url text NOT NULL CHECK (btrim(url) <> ''),
      source text,
      PRIMARY KEY (actor_id, url)
    )`);

    // The catalogue's own words ("Government, Administration"), not mapped to a closed list.
    await q.query(`CREATE TABLE actor_targeted_sector (
      actor_id uuid NOT NULL REFERENCES threat_actor(id) ON DELETE CASCADE,
      sector text NOT NULL CHECK (btrim(sector) <> ''),
      source text,
      PRIMARY KEY (actor_id, sector)
    )`);
    await q.query(`CREATE INDEX actor_targeted_sector_sector_idx ON actor_targeted_sector (lower(sector))`);

    // `name` as the catalogue wrote it ("NATO", "Iran"); country_code only when it is a country.
    await q.query(`CREATE TABLE actor_suspected_victim (
      actor_id uuid NOT NULL REFERENCES threat_actor(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (btrim(name) <> ''),
      country_code char(2) REFERENCES country(code),
      source text,
      PRIMARY KEY (actor_id, name)
    )`);
    await q.query(`CREATE INDEX actor_suspected_victim_country_idx ON actor_suspected_victim (country_code)`);

    // One row per catalogue entry imported: binds the entry to its actor for good, and keeps
    // what the entry said last time (content) so a changed entry updates only what changed.
    await q.query(`CREATE TABLE actor_catalogue_record (
      source text NOT NULL CHECK (btrim(source) <> ''),
      record_uuid uuid NOT NULL,
      actor_id uuid NOT NULL REFERENCES threat_actor(id) ON DELETE CASCADE,
      content_hash text NOT NULL,
      content jsonb NOT NULL,
      attribution_confidence smallint CHECK (attribution_confidence BETWEEN 0 AND 100),
      imported_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT actor_catalogue_record_pkey PRIMARY KEY (source, record_uuid)
    )`);
    await q.query(`CREATE INDEX actor_catalogue_record_actor_idx ON actor_catalogue_record (actor_id)`);

    await q.query(`CREATE TABLE attack_technique (
      id text PRIMARY KEY CHECK (id ~ '^T[0-9]{4}(\\.[0-9]{3})?$'),
      name text NOT NULL CHECK (btrim(name) <> ''),
      description text,
      tactics text[] NOT NULL DEFAULT '{}',
      platforms text[] NOT NULL DEFAULT '{}',
      url text,
      parent_id text CONSTRAINT attack_technique_parent_fk REFERENCES attack_technique(id) ON DELETE RESTRICT,
      revoked boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT attack_technique_parent_is_prefix CHECK (parent_id IS NULL OR id LIKE parent_id || '.%')
    )`);
    await q.query(`CREATE INDEX attack_technique_parent_idx ON attack_technique (parent_id)`);
    // attackTechniques(search): id prefix ("T1110") and part of the name ("brute").
    await q.query(`CREATE INDEX attack_technique_id_pattern_idx ON attack_technique (id text_pattern_ops)`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX attack_technique_name_trgm_idx ON attack_technique USING gin (name gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // pg_trgm stays: other migrations may use it.
    for (const table of [
      'attack_technique', 'actor_catalogue_record', 'actor_suspected_victim', 'actor_targeted_sector',
      'actor_reference', 'actor_external_id',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
