import { MigrationInterface, QueryRunner } from 'typeorm';

/** The facts a citation can support: one column each, exactly one set per citation row. */
export const CITATION_FACT_COLUMNS = [
  'incident_id', 'attribution_id', 'statement_id', 'response_id', 'actor_alias_id', 'actor_tie_actor_id',
  'incident_target_id', 'threat_actor_id', 'campaign_id', 'actor_member_id',
] as const;

/**
 * Sources beyond article bodies (issue 9):
 * - an article may be a reference only (URL, maybe title/publisher/date, no body: not retrieved);
 * - a dataset (EuRepoC Global Dataset 1.1) and its records, each with the fields the source coded, verbatim,
 *   and the article references a record lists;
 * - `citation`: one row = one fact cited by one source (an article, with an optional excerpt checked against its
 *   body, or a dataset record with the fields the fact came from);
 * - responses (political and legal) to incidents, attributions or actors;
 * - the kind of tie between an actor and its parent (the source says "has ties to", not "is a unit of");
 * - people serving in an actor (indicted officers of a GRU unit);
 * - targets that are regions ("Global (region)") with the receiver's name and kind as coded.
 */
export class PublicRecord1764500000000 implements MigrationInterface {
  name = 'PublicRecord1764500000000';

  async up(q: QueryRunner): Promise<void> {
    // An article reference may give only a URL.
    await q.query(`ALTER TABLE source_article ALTER COLUMN title DROP NOT NULL`);

    await q.query(`CREATE TABLE dataset (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (btrim(name) <> ''),
      version text NOT NULL CHECK (btrim(version) <> ''),
      publisher text,
      url text,
      citation text,
      licence text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT dataset_name_version_key UNIQUE (name, version)
    )`);

    await q.query(`CREATE TABLE dataset_record (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      dataset_id uuid NOT NULL CONSTRAINT dataset_record_dataset_fk REFERENCES dataset(id) ON DELETE CASCADE,
      record_type text NOT NULL CHECK (btrim(record_type) <> ''),
      record_key text NOT NULL CHECK (btrim(record_key) <> ''),
      fields jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT dataset_record_key UNIQUE (dataset_id, record_type, record_key)
    )`);

    // The URLs a record lists (sources_url, sources_attribution), as article references.
    await q.query(`CREATE TABLE dataset_record_article (
      dataset_record_id uuid NOT NULL REFERENCES dataset_record(id) ON DELETE CASCADE,
      source_article_id uuid NOT NULL CONSTRAINT dataset_record_article_article_fk REFERENCES source_article(id) ON DELETE RESTRICT,
      field text,
      PRIMARY KEY (dataset_record_id, source_article_id)
    )`);
    await q.query(`CREATE INDEX dataset_record_article_article_idx ON dataset_record_article (source_article_id)`);

    await q.query(`ALTER TABLE threat_actor ADD COLUMN parent_tie text
      CONSTRAINT threat_actor_parent_tie_kind CHECK (parent_tie IN ('UNIT_OF', 'OPERATED_BY', 'HAS_TIES_TO', 'SPONSORED_BY')),
      ADD CONSTRAINT threat_actor_parent_tie_needs_parent CHECK (parent_tie IS NULL OR parent_id IS NOT NULL)`);

    // A person serving in an actor: an officer of a military unit named in an indictment.
    await q.query(`CREATE TABLE actor_member (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      actor_id uuid NOT NULL REFERENCES threat_actor(id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES person(id) ON DELETE CASCADE,
      CONSTRAINT actor_member_key UNIQUE (actor_id, person_id)
    )`);
    await q.query(`CREATE INDEX actor_member_person_idx ON actor_member (person_id)`);

    // Targets as EuRepoC codes receivers: a country or a region, with category (sector), subcode (kind) and name.
    await q.query(`ALTER TABLE incident_target ADD COLUMN region text CHECK (btrim(region) <> ''),
      ADD COLUMN kind text CHECK (btrim(kind) <> ''),
      ADD COLUMN name text CHECK (btrim(name) <> '')`);
    await q.query(`ALTER TABLE incident_target DROP CONSTRAINT incident_target_exactly_one`);
    await q.query(`ALTER TABLE incident_target ADD CONSTRAINT incident_target_exactly_one CHECK (
      num_nonnulls(organization_id, person_id, country_code, region) <= 1
      AND num_nonnulls(organization_id, person_id, country_code, region, sector, name) >= 1)`);
    await q.query(`DROP INDEX incident_target_unique`);
    await q.query(`CREATE UNIQUE INDEX incident_target_unique ON incident_target (incident_id, role,
      coalesce(organization_id::text, person_id::text, country_code, lower(region), ''),
      lower(coalesce(sector, '')), lower(coalesce(kind, '')), lower(coalesce(name, '')))`);

    // A dataset codes claims by their kind and country even when it names no attributing party
    // ("Attribution by receiver government / state entity"); the coding is kept verbatim beside the enums.
    await q.query(`ALTER TABLE attribution
      ADD COLUMN attributing_country_code char(2) CONSTRAINT attribution_attributing_country_fk REFERENCES country(code),
      ADD COLUMN coded_type text,
      ADD COLUMN coded_basis text`);
    await q.query(`CREATE INDEX attribution_attributing_country_idx ON attribution (attributing_country_code)`);
    await q.query(`ALTER TABLE attribution DROP CONSTRAINT attribution_party`);
    await q.query(`ALTER TABLE attribution ADD CONSTRAINT attribution_party CHECK (
      num_nonnulls(attributed_by_organization_id, attributed_by_person_id) >= 1 OR coded_basis IS NOT NULL)`);

    await q.query(`CREATE TABLE response (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      responder_organization_id uuid CONSTRAINT response_responder_organization_fk REFERENCES organization(id) ON DELETE RESTRICT,
      responder_person_id uuid CONSTRAINT response_responder_person_fk REFERENCES person(id) ON DELETE RESTRICT,
      responder_country_code char(2) REFERENCES country(code),
      responder_region text CHECK (btrim(responder_region) <> ''),
      responder_text text,
      responded_from date, responded_to date, responded_text text,
      CONSTRAINT response_responded_order CHECK (responded_from IS NULL OR responded_to IS NULL OR responded_from <= responded_to),
      kind text NOT NULL,
      coded_type text,
      coded_subtype text,
      description text,
      incident_id uuid CONSTRAINT response_incident_fk REFERENCES incident(id) ON DELETE CASCADE,
      attribution_id uuid CONSTRAINT response_attribution_fk REFERENCES attribution(id) ON DELETE CASCADE,
      actor_id uuid CONSTRAINT response_actor_fk REFERENCES threat_actor(id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT response_responder CHECK (
        num_nonnulls(responder_organization_id, responder_person_id, responder_country_code, responder_region) >= 1),
      CONSTRAINT response_subject CHECK (num_nonnulls(incident_id, attribution_id, actor_id) >= 1)
    )`);
    for (const column of ['responder_organization_id', 'responder_person_id', 'responder_country_code', 'incident_id', 'attribution_id', 'actor_id']) {
      await q.query(`CREATE INDEX response_${column.replace(/_id$|_code$/, '')}_idx ON response (${column})`);
    }
    await q.query(`CREATE INDEX response_responded_idx ON response (responded_from, id)`);
    await q.query(`CREATE INDEX response_kind_idx ON response (kind)`);

    const fact = (column: string, table: string) =>
      `${column} uuid CONSTRAINT citation_${column.replace(/_id$/, '')}_fk REFERENCES ${table}(id) ON DELETE CASCADE`;
    await q.query(`CREATE TABLE citation (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      source_article_id uuid CONSTRAINT citation_article_fk REFERENCES source_article(id) ON DELETE RESTRICT,
      dataset_record_id uuid CONSTRAINT citation_dataset_record_fk REFERENCES dataset_record(id) ON DELETE RESTRICT,
      excerpt text CONSTRAINT citation_excerpt_given CHECK (btrim(excerpt) <> ''),
      fields text[] NOT NULL DEFAULT '{}',
      ${fact('incident_id', 'incident')},
      ${fact('attribution_id', 'attribution')},
      ${fact('statement_id', 'statement')},
      ${fact('response_id', 'response')},
      ${fact('actor_alias_id', 'actor_alias')},
      ${fact('actor_tie_actor_id', 'threat_actor')},
      ${fact('incident_target_id', 'incident_target')},
      ${fact('threat_actor_id', 'threat_actor')},
      ${fact('campaign_id', 'campaign')},
      ${fact('actor_member_id', 'actor_member')},
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT citation_one_source CHECK (num_nonnulls(source_article_id, dataset_record_id) = 1),
      CONSTRAINT citation_one_fact CHECK (num_nonnulls(${CITATION_FACT_COLUMNS.join(', ')}) = 1)
    )`);
    // One citation per fact and source; these also serve lookups by fact and the cascades.
    for (const column of CITATION_FACT_COLUMNS) {
      await q.query(`CREATE UNIQUE INDEX citation_${column.replace(/_id$/, '')}_key ON citation
        (${column}, coalesce(source_article_id, dataset_record_id)) WHERE ${column} IS NOT NULL`);
    }
    await q.query(`CREATE INDEX citation_article_idx ON citation (source_article_id)`);
    await q.query(`CREATE INDEX citation_dataset_record_idx ON citation (dataset_record_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE citation`);
    await q.query(`DROP TABLE response`);
    await q.query(`DELETE FROM attribution WHERE num_nonnulls(attributed_by_organization_id, attributed_by_person_id) = 0`);
    await q.query(`ALTER TABLE attribution DROP CONSTRAINT attribution_party`);
    await q.query(`ALTER TABLE attribution ADD CONSTRAINT attribution_party CHECK (
      num_nonnulls(attributed_by_organization_id, attributed_by_person_id) >= 1)`);
    await q.query(`ALTER TABLE attribution DROP COLUMN attributing_country_code, DROP COLUMN coded_type, DROP COLUMN coded_basis`);
    await q.query(`DELETE FROM incident_target WHERE num_nonnulls(organization_id, person_id, country_code, sector) <> 1`);
    await q.query(`DROP INDEX incident_target_unique`);
    await q.query(`ALTER TABLE incident_target DROP CONSTRAINT incident_target_exactly_one`);
    await q.query(`ALTER TABLE incident_target DROP COLUMN region, DROP COLUMN kind, DROP COLUMN name`);
    await q.query(`ALTER TABLE incident_target ADD CONSTRAINT incident_target_exactly_one CHECK (
      num_nonnulls(organization_id, person_id, country_code, sector) = 1)`);
    await q.query(`CREATE UNIQUE INDEX incident_target_unique ON incident_target
      (incident_id, role, coalesce(organization_id::text, person_id::text, country_code, lower(sector)))`);
    await q.query(`DROP TABLE actor_member`);
    await q.query(`ALTER TABLE threat_actor DROP CONSTRAINT threat_actor_parent_tie_needs_parent, DROP COLUMN parent_tie`);
    await q.query(`DROP TABLE dataset_record_article`);
    await q.query(`DROP TABLE dataset_record`);
    await q.query(`DROP TABLE dataset`);
    await q.query(`UPDATE source_article SET title = coalesce(url, 'untitled') WHERE title IS NULL`);
    await q.query(`ALTER TABLE source_article ALTER COLUMN title SET NOT NULL`);
  }
}
