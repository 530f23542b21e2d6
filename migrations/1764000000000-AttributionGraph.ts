// created_at uses clock_timestamp() so rows written in one transaction keep their order.
import { MigrationInterface, QueryRunner } from 'typeorm';
import countries from 'i18n-iso-countries';

/**
 * The attribution graph: countries, organizations, people, threat actors and their
 * aliases, campaigns, incidents and their targets, attributions, statements and
 * the source articles that report them. Every foreign key has an index; names of
 * constraints are referred to by src/common/errors.ts to give readable messages.
 */
export class AttributionGraph1764000000000 implements MigrationInterface {
  name = 'AttributionGraph1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const span = (p: string) => `${p}_from date, ${p}_to date, ${p}_text text,
      CONSTRAINT ${'%TABLE%'}_${p}_order CHECK (${p}_from IS NULL OR ${p}_to IS NULL OR ${p}_from <= ${p}_to)`;
    const withSpan = (table: string, ...prefixes: string[]) =>
      prefixes.map((p) => span(p).replace('%TABLE%', table)).join(',\n');

    await q.query(`CREATE TABLE country (
      code char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
      name text NOT NULL
    )`);
    const names = countries.getNames('en', { select: 'official' });
    const codes = Object.keys(names).sort();
    await q.query(
      `INSERT INTO country (code, name) SELECT * FROM unnest($1::text[], $2::text[])`,
      [codes, codes.map((c) => names[c])],
    );

    await q.query(`CREATE TABLE organization (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (btrim(name) <> ''),
      kind text NOT NULL,
      country_code char(2) REFERENCES country(code),
      sector text,
      description text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE UNIQUE INDEX organization_name_country_key ON organization (lower(name), coalesce(country_code, ''))`);
    await q.query(`CREATE INDEX organization_country_idx ON organization (country_code)`);
    await q.query(`CREATE INDEX organization_kind_idx ON organization (kind)`);

    await q.query(`CREATE TABLE person (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (btrim(name) <> ''),
      role text,
      organization_id uuid CONSTRAINT person_organization_fk REFERENCES organization(id) ON DELETE RESTRICT,
      country_code char(2) REFERENCES country(code),
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX person_organization_idx ON person (organization_id)`);
    await q.query(`CREATE INDEX person_country_idx ON person (country_code)`);

    await q.query(`CREATE TABLE threat_actor (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (btrim(name) <> ''),
      kind text NOT NULL,
      country_code char(2) REFERENCES country(code),
      sponsor_country_code char(2) REFERENCES country(code),
      description text,
      parent_id uuid CONSTRAINT threat_actor_parent_fk REFERENCES threat_actor(id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT threat_actor_not_own_parent CHECK (parent_id <> id)
    )`);
    await q.query(`CREATE INDEX threat_actor_parent_idx ON threat_actor (parent_id)`);
    await q.query(`CREATE INDEX threat_actor_country_idx ON threat_actor (country_code)`);
    await q.query(`CREATE INDEX threat_actor_sponsor_country_idx ON threat_actor (sponsor_country_code)`);

    // Every name of an actor, its primary name included, so one lookup finds it by any name.
    await q.query(`CREATE TABLE actor_alias (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      actor_id uuid NOT NULL REFERENCES threat_actor(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (btrim(name) <> ''),
      normalized text NOT NULL CHECK (normalized <> ''),
      source text,
      CONSTRAINT actor_alias_normalized_key UNIQUE (normalized)
    )`);
    await q.query(`CREATE INDEX actor_alias_actor_idx ON actor_alias (actor_id)`);

    await q.query(`CREATE TABLE campaign (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (btrim(name) <> ''),
      description text,
      ${withSpan('campaign', 'started')},
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE UNIQUE INDEX campaign_name_key ON campaign (lower(name))`);

    await q.query(`CREATE TABLE incident (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      title text NOT NULL CHECK (btrim(title) <> ''),
      summary text,
      ${withSpan('incident', 'started', 'ended', 'disclosed')},
      types text[] NOT NULL DEFAULT '{}',
      technique_ids text[] NOT NULL DEFAULT '{}',
      campaign_id uuid REFERENCES campaign(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT incident_ends_after_start CHECK (ended_to IS NULL OR started_from IS NULL OR ended_to >= started_from),
      CONSTRAINT incident_technique_ids_format CHECK (array_to_string(technique_ids, ',') ~ '^(T[0-9]{4}(\\.[0-9]{3})?(,|$))*$')
    )`);
    await q.query(`CREATE INDEX incident_campaign_idx ON incident (campaign_id)`);
    await q.query(`CREATE INDEX incident_started_idx ON incident (started_from, id)`);
    await q.query(`CREATE INDEX incident_types_idx ON incident USING gin (types)`);
    await q.query(`CREATE INDEX incident_technique_ids_idx ON incident USING gin (technique_ids)`);

    // A target is one of: an organization, a person, a country, or a sector.
    await q.query(`CREATE TABLE incident_target (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      incident_id uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
      role text NOT NULL DEFAULT 'VICTIM',
      organization_id uuid CONSTRAINT incident_target_organization_fk REFERENCES organization(id) ON DELETE RESTRICT,
      person_id uuid CONSTRAINT incident_target_person_fk REFERENCES person(id) ON DELETE RESTRICT,
      country_code char(2) REFERENCES country(code),
      sector text,
      CONSTRAINT incident_target_exactly_one CHECK (
        num_nonnulls(organization_id, person_id, country_code, sector) = 1)
    )`);
    await q.query(`CREATE UNIQUE INDEX incident_target_unique ON incident_target
      (incident_id, role, coalesce(organization_id::text, person_id::text, country_code, lower(sector)))`);
    await q.query(`CREATE INDEX incident_target_incident_idx ON incident_target (incident_id)`);
    await q.query(`CREATE INDEX incident_target_organization_idx ON incident_target (organization_id)`);
    await q.query(`CREATE INDEX incident_target_person_idx ON incident_target (person_id)`);
    await q.query(`CREATE INDEX incident_target_country_idx ON incident_target (country_code)`);

    await q.query(`CREATE TABLE source_article (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      url text CONSTRAINT source_article_url_key UNIQUE,
      title text NOT NULL CHECK (btrim(title) <> ''),
      publisher text,
      section text,
      ${withSpan('source_article', 'published')},
      authors text[] NOT NULL DEFAULT '{}',
      language text,
      body text,
      retrieved_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);

    await q.query(`CREATE TABLE incident_source (
      incident_id uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
      source_article_id uuid NOT NULL CONSTRAINT incident_source_article_fk REFERENCES source_article(id) ON DELETE RESTRICT,
      PRIMARY KEY (incident_id, source_article_id)
    )`);
    await q.query(`CREATE INDEX incident_source_article_idx ON incident_source (source_article_id)`);

    await q.query(`CREATE TABLE attribution (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      incident_id uuid CONSTRAINT attribution_incident_fk REFERENCES incident(id) ON DELETE RESTRICT,
      campaign_id uuid CONSTRAINT attribution_campaign_fk REFERENCES campaign(id) ON DELETE RESTRICT,
      actor_id uuid NOT NULL CONSTRAINT attribution_actor_fk REFERENCES threat_actor(id) ON DELETE RESTRICT,
      attributed_by_organization_id uuid CONSTRAINT attribution_by_organization_fk REFERENCES organization(id) ON DELETE RESTRICT,
      attributed_by_person_id uuid CONSTRAINT attribution_by_person_fk REFERENCES person(id) ON DELETE RESTRICT,
      ${withSpan('attribution', 'attributed')},
      confidence smallint CHECK (confidence BETWEEN 0 AND 100),
      confidence_words text,
      bases text[] NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'ASSERTED',
      notes text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT attribution_subject CHECK (num_nonnulls(incident_id, campaign_id) = 1),
      CONSTRAINT attribution_party CHECK (num_nonnulls(attributed_by_organization_id, attributed_by_person_id) >= 1)
    )`);
    await q.query(`CREATE INDEX attribution_incident_idx ON attribution (incident_id)`);
    await q.query(`CREATE INDEX attribution_campaign_idx ON attribution (campaign_id)`);
    await q.query(`CREATE INDEX attribution_actor_idx ON attribution (actor_id)`);
    await q.query(`CREATE INDEX attribution_by_organization_idx ON attribution (attributed_by_organization_id)`);
    await q.query(`CREATE INDEX attribution_by_person_idx ON attribution (attributed_by_person_id)`);

    await q.query(`CREATE TABLE statement (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      speaker_person_id uuid CONSTRAINT statement_speaker_person_fk REFERENCES person(id) ON DELETE RESTRICT,
      speaker_organization_id uuid CONSTRAINT statement_speaker_organization_fk REFERENCES organization(id) ON DELETE RESTRICT,
      speaker_role text,
      ${withSpan('statement', 'said')},
      quote text,
      summary text,
      language text,
      stance text NOT NULL,
      -- recording order: breaks ties between statements whose dates are equally vague
      seq bigint GENERATED ALWAYS AS IDENTITY,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      CONSTRAINT statement_speaker CHECK (num_nonnulls(speaker_person_id, speaker_organization_id) >= 1),
      CONSTRAINT statement_content CHECK (coalesce(btrim(quote), '') <> '' OR coalesce(btrim(summary), '') <> '')
    )`);
    await q.query(`CREATE INDEX statement_speaker_person_idx ON statement (speaker_person_id)`);
    await q.query(`CREATE INDEX statement_speaker_organization_idx ON statement (speaker_organization_id)`);
    await q.query(`CREATE INDEX statement_said_idx ON statement (said_from, id)`);

    await q.query(`CREATE TABLE statement_incident (
      statement_id uuid NOT NULL REFERENCES statement(id) ON DELETE CASCADE,
      incident_id uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
      PRIMARY KEY (statement_id, incident_id)
    )`);
    await q.query(`CREATE INDEX statement_incident_incident_idx ON statement_incident (incident_id)`);
    await q.query(`CREATE TABLE statement_actor (
      statement_id uuid NOT NULL REFERENCES statement(id) ON DELETE CASCADE,
      actor_id uuid NOT NULL REFERENCES threat_actor(id) ON DELETE CASCADE,
      PRIMARY KEY (statement_id, actor_id)
    )`);
    await q.query(`CREATE INDEX statement_actor_actor_idx ON statement_actor (actor_id)`);
    await q.query(`CREATE TABLE statement_country (
      statement_id uuid NOT NULL REFERENCES statement(id) ON DELETE CASCADE,
      country_code char(2) NOT NULL REFERENCES country(code),
      PRIMARY KEY (statement_id, country_code)
    )`);
    await q.query(`CREATE INDEX statement_country_country_idx ON statement_country (country_code)`);
    await q.query(`CREATE TABLE statement_source (
      statement_id uuid NOT NULL REFERENCES statement(id) ON DELETE CASCADE,
      source_article_id uuid NOT NULL CONSTRAINT statement_source_article_fk REFERENCES source_article(id) ON DELETE RESTRICT,
      excerpt text,
      PRIMARY KEY (statement_id, source_article_id)
    )`);
    await q.query(`CREATE INDEX statement_source_article_idx ON statement_source (source_article_id)`);

    // The statements in which an attribution was made (or denied).
    await q.query(`CREATE TABLE attribution_statement (
      attribution_id uuid NOT NULL REFERENCES attribution(id) ON DELETE CASCADE,
      statement_id uuid NOT NULL REFERENCES statement(id) ON DELETE CASCADE,
      PRIMARY KEY (attribution_id, statement_id)
    )`);
    await q.query(`CREATE INDEX attribution_statement_statement_idx ON attribution_statement (statement_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'attribution_statement', 'statement_source', 'statement_country', 'statement_actor', 'statement_incident',
      'statement', 'attribution', 'incident_source', 'source_article', 'incident_target', 'incident', 'campaign',
      'actor_alias', 'threat_actor', 'person', 'organization', 'country',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
