import { MigrationInterface, QueryRunner } from 'typeorm';

/** The date interval an incident may have been going on; src/incidents/incident.service.ts uses the same expression. */
const OCCURRED_RANGE = `daterange(
  coalesce(started_from, '-infinity'::date),
  CASE WHEN ended_to IS NOT NULL THEN ended_to WHEN ended_from IS NOT NULL THEN 'infinity'::date
       ELSE coalesce(started_to, 'infinity'::date) END,
  '[]')`;

/**
 * What analysts search and filter by, backed by indexes:
 * - full-text search (PostgreSQL tsvector, English stemming, accents ignored) over
 *   incidents, statements and source articles, as stored generated columns so that
 *   ranking never re-parses long article bodies;
 * - trigram indexes (pg_trgm) for actor names (misspelling suggestions, name search)
 *   and for literal matches in incident titles and summaries;
 * - an index behind every incident filter (src/incidents/incident.service.ts `filtered`)
 *   and behind the incident sort orders.
 */
export class AnalystSearch1764200000000 implements MigrationInterface {
  name = 'AnalystSearch1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // Both ship with PostgreSQL (contrib) and are "trusted": a database owner may create them.
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);

    // English stemming with accents folded first ("Søreide" = "Soreide"); unaccent is
    // the filtering dictionary from the PostgreSQL manual (F.48).
    await q.query(`CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english)`);
    await q.query(`ALTER TEXT SEARCH CONFIGURATION english_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem`);

    // unaccent() is only STABLE (its dictionary could change), so it cannot be indexed;
    // this wrapper names the dictionary at creation time (SQL-standard body) and is
    // declared IMMUTABLE, the documented way to index unaccented text.
    await q.query(`CREATE FUNCTION search_fold(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      RETURN lower(unaccent('unaccent'::regdictionary, $1))`);

    // Weights: A for titles and quotes, B for summaries and bodies, C for the speaker's role.
    await q.query(`ALTER TABLE incident ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english_unaccent', title), 'A') ||
      setweight(to_tsvector('english_unaccent', coalesce(summary, '')), 'B')) STORED`);
    await q.query(`CREATE INDEX incident_search_idx ON incident USING gin (search_vector)`);
    await q.query(`CREATE INDEX incident_text_trgm_idx ON incident
      USING gin (search_fold(title || ' ' || coalesce(summary, '')) gin_trgm_ops)`);

    await q.query(`ALTER TABLE statement ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english_unaccent', coalesce(quote, '')), 'A') ||
      setweight(to_tsvector('english_unaccent', coalesce(summary, '')), 'B') ||
      setweight(to_tsvector('english_unaccent', coalesce(speaker_role, '')), 'C')) STORED`);
    await q.query(`CREATE INDEX statement_search_idx ON statement USING gin (search_vector)`);

    await q.query(`ALTER TABLE source_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english_unaccent', title), 'A') ||
      setweight(to_tsvector('english_unaccent', coalesce(body, '')), 'B')) STORED`);
    await q.query(`CREATE INDEX source_article_search_idx ON source_article USING gin (search_vector)`);

    // Names are stored normalized (src/common/names.ts), so trigrams compare them as written.
    // GiST rather than GIN: on a catalogue-sized alias table (5,000 names) the planner
    // costs a GIN trigram scan above a sequential scan (16 ms) and never uses it, while it
    // picks the GiST index (under 1 ms), which can also order by distance.
    await q.query(`CREATE INDEX actor_alias_normalized_trgm_idx ON actor_alias USING gist (normalized gist_trgm_ops)`);

    // Sort orders of the incident list (keyset pagination walks these).
    await q.query(`CREATE INDEX incident_started_order_idx ON incident ((coalesce(started_from, started_to, '-infinity'::date)), id)`);
    await q.query(`CREATE INDEX incident_title_order_idx ON incident (lower(title), id)`);
    // occurredFrom / occurredTo: overlap of the incident's possible time with the asked interval.
    await q.query(`CREATE INDEX incident_occurred_idx ON incident USING gist ((${OCCURRED_RANGE}))
      WHERE num_nonnulls(started_from, started_to, ended_from, ended_to) > 0`);

    // targetSector: sector targets, and organizations of the sector (whose targets are then
    // found by incident_target_organization_idx). targetOrganizationKind and targetCountry
    // use organization_kind_idx and the country indexes of the first migration the same way.
    await q.query(`CREATE INDEX incident_target_sector_idx ON incident_target (lower(sector), incident_id) WHERE sector IS NOT NULL`);
    await q.query(`CREATE INDEX organization_sector_idx ON organization (lower(sector)) WHERE sector IS NOT NULL`);

    // Attribution filters (actor, minConfidence, attributionStatus) apply to one claim,
    // found either from the actor, from the incident, or from status/confidence.
    await q.query(`DROP INDEX attribution_actor_idx`);
    await q.query(`CREATE INDEX attribution_actor_incident_idx ON attribution (actor_id, incident_id) INCLUDE (status, confidence)`);
    await q.query(`DROP INDEX attribution_incident_idx`);
    // The claims of one incident, all the filter needs included: checked without reading the table.
    await q.query(`CREATE INDEX attribution_incident_claim_idx ON attribution (incident_id, status, confidence)
      INCLUDE (actor_id, attributed_by_organization_id, attributed_by_person_id)`);
    await q.query(`CREATE INDEX attribution_status_confidence_idx ON attribution (status, confidence, incident_id)`);
    await q.query(`CREATE INDEX attribution_confidence_idx ON attribution (confidence, incident_id) WHERE confidence IS NOT NULL`);
    // sponsorCountry: an actor of kind STATE counts as sponsored by its own country.
    await q.query(`CREATE INDEX threat_actor_sponsor_or_state_idx ON threat_actor
      ((coalesce(sponsor_country_code, CASE WHEN kind = 'STATE' THEN country_code END)))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [
      'threat_actor_sponsor_or_state_idx', 'attribution_confidence_idx', 'attribution_status_confidence_idx',
      'attribution_incident_claim_idx', 'attribution_actor_incident_idx', 'organization_sector_idx',
      'incident_target_sector_idx', 'incident_occurred_idx', 'incident_title_order_idx', 'incident_started_order_idx',
      'actor_alias_normalized_trgm_idx', 'incident_text_trgm_idx',
    ]) {
      await q.query(`DROP INDEX ${index}`);
    }
    await q.query(`CREATE INDEX attribution_incident_idx ON attribution (incident_id)`);
    await q.query(`CREATE INDEX attribution_actor_idx ON attribution (actor_id)`);
    for (const table of ['source_article', 'statement', 'incident']) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN search_vector`);
    }
    await q.query(`DROP FUNCTION search_fold(text)`);
    await q.query(`DROP TEXT SEARCH CONFIGURATION english_unaccent`);
    // The extensions stay: other migrations or the database's owner may rely on them.
  }
}
