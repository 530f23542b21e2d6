import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Summary tables for the dashboard's aggregates (issue 11 §4), kept exact on every write.
 *
 * - `incident_facet`: for each incident, each dimension the dashboard counts by, and each key
 *   the incident has in it (its accused actors, their agencies and top-most ancestors and the
 *   sponsor country, the attributing parties and their kinds, target countries, sectors and
 *   organization kinds, types, techniques, the bucket of its start per month, quarter and
 *   year, and how wide its start is). `qualifier` is the attribution status for the claim dimensions, how well the start
 *   is known for the START_* ones, '' otherwise. A row with key '' marks an incident that has
 *   some key in that (dimension, qualifier): the "none" of a breakdown. These are exactly the
 *   (incident, key) pairs DashboardService counted from the base tables at each request.
 * - `incident_claim_lag`: per incident with a start span and kind of attributing party, the
 *   first day a claim was made, for the attribution lag (no join of 300,000 claims per request).
 * - `incident_facet_count`: those rows counted per (dimension, qualifier, key), for the
 *   unfiltered dashboard, which then reads a few hundred rows instead of 300,000 claims.
 *
 * Exactness: `incident_facets_refresh(ids)` recomputes the facets of whole incidents from the
 * base tables; statement-level triggers call it with the incidents a statement touched
 * (incident, incident_target, attribution) or whose facets depend on the changed row
 * (an organization's kind, sector or country; a person's organization or country; an actor's
 * parent, kind or countries, for every incident attributed to it or to an actor below it).
 * The refresh locks the incident rows first, so two transactions refreshing one incident run
 * one after the other and the second one sees the first one's rows. The counts follow the
 * facet rows through their own statement triggers.
 */
/** Each accused actor of the refreshed claims (depth 0) and its ancestors, with kind and sponsor (a STATE sponsors itself). */
const CHAIN = `chain(actor_id, ancestor_id, parent_id, kind, sponsor, depth) AS (
    SELECT t.id, t.id, t.parent_id, t.kind, coalesce(t.sponsor_country_code, CASE WHEN t.kind = 'STATE' THEN t.country_code END), 0
      FROM threat_actor t WHERE t.id IN (SELECT actor_id FROM claims)
    UNION ALL
    SELECT chain.actor_id, p.id, p.parent_id, p.kind, coalesce(p.sponsor_country_code, CASE WHEN p.kind = 'STATE' THEN p.country_code END), chain.depth + 1
      FROM chain JOIN threat_actor p ON p.id = chain.parent_id WHERE chain.depth < 100
  )`;

/** The start of an incident per bucket width: EXACT (its whole span in one bucket), EARLIEST (a first day only), IMPRECISE, UNDATED. */
const startFacets = (unit: string) => `
    SELECT 'START_${unit.toUpperCase()}',
           CASE WHEN s.started_from IS NULL AND s.started_to IS NULL THEN 'UNDATED'
                WHEN s.started_from IS NOT NULL AND s.started_to IS NOT NULL
                 AND date_trunc('${unit}', s.started_from::timestamp) = date_trunc('${unit}', s.started_to::timestamp) THEN 'EXACT'
                WHEN s.started_from IS NOT NULL THEN 'EARLIEST'
                ELSE 'IMPRECISE' END,
           coalesce(to_char(date_trunc('${unit}', s.started_from::timestamp), 'YYYY-MM-DD'), ''),
           s.id, NULL::text
      FROM scope s`;

const REFRESH = `
CREATE FUNCTION incident_facets_refresh(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  PERFORM 1 FROM incident WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
  DELETE FROM incident_facet WHERE incident_id = ANY(ids);
  INSERT INTO incident_facet (dimension, qualifier, key, incident_id, label)
  WITH RECURSIVE scope AS (SELECT id, started_from, started_to, types, technique_ids FROM incident WHERE id = ANY(ids)),
  claims AS (
    SELECT a.incident_id, a.status, a.actor_id, a.attributed_by_organization_id, a.attributed_by_person_id
      FROM attribution a JOIN scope ON scope.id = a.incident_id),
  ${CHAIN},
  agency AS (
    -- The nearest intelligence agency; else the top-most ancestor that is not a state; else (a state) itself.
    SELECT DISTINCT ON (actor_id) actor_id, ancestor_id AS group_id FROM chain
     ORDER BY actor_id,
              CASE WHEN kind = 'INTELLIGENCE_AGENCY' THEN 0 WHEN kind <> 'STATE' THEN 1 ELSE 2 END,
              CASE WHEN kind = 'INTELLIGENCE_AGENCY' OR kind = 'STATE' THEN depth ELSE -depth END),
  top_most AS (SELECT DISTINCT ON (actor_id) actor_id, ancestor_id AS group_id FROM chain ORDER BY actor_id, depth DESC),
  sponsors AS (SELECT DISTINCT ON (actor_id) actor_id, sponsor FROM chain WHERE sponsor IS NOT NULL ORDER BY actor_id, depth),
  targets AS (
    SELECT t.incident_id,
           coalesce(t.country_code, target_org.country_code, target_person.country_code) AS country,
           nullif(btrim(coalesce(t.sector, target_org.sector, target_person_org.sector)), '') AS sector,
           coalesce(target_org.kind, target_person_org.kind) AS organization_kind
      FROM incident_target t JOIN scope ON scope.id = t.incident_id
      LEFT JOIN organization target_org ON target_org.id = t.organization_id
      LEFT JOIN person target_person ON target_person.id = t.person_id
      LEFT JOIN organization target_person_org ON target_person_org.id = target_person.organization_id),
  pairs(dimension, qualifier, key, incident_id, label) AS (
    SELECT 'ACCUSED_ACTOR', status, actor_id::text, incident_id, NULL::text FROM claims
    UNION ALL
    SELECT 'ACCUSED_AGENCY', c.status, g.group_id::text, c.incident_id, NULL FROM claims c JOIN agency g ON g.actor_id = c.actor_id
    UNION ALL
    SELECT 'ACCUSED_TOP', c.status, g.group_id::text, c.incident_id, NULL FROM claims c JOIN top_most g ON g.actor_id = c.actor_id
    UNION ALL
    SELECT 'SPONSOR_COUNTRY', c.status, s.sponsor, c.incident_id, NULL FROM claims c JOIN sponsors s ON s.actor_id = c.actor_id
    UNION ALL
    -- The organization credited; for a person alone, their organization, or else the person.
    SELECT 'ATTRIBUTING_PARTY', c.status, coalesce(c.attributed_by_organization_id, party_person.organization_id, party_person.id)::text,
           c.incident_id, NULL
      FROM claims c
      LEFT JOIN person party_person ON party_person.id = c.attributed_by_person_id AND c.attributed_by_organization_id IS NULL
    UNION ALL
    SELECT 'ATTRIBUTING_KIND', c.status, coalesce(party_org.kind, party_person_org.kind), c.incident_id, NULL
      FROM claims c
      LEFT JOIN organization party_org ON party_org.id = c.attributed_by_organization_id
      LEFT JOIN person party_person ON party_person.id = c.attributed_by_person_id
      LEFT JOIN organization party_person_org ON party_person_org.id = party_person.organization_id
    UNION ALL
    SELECT 'TARGET_COUNTRY', '', country, incident_id, NULL FROM targets
    UNION ALL
    -- Grouped ignoring case; the spelling kept as the label.
    SELECT 'TARGET_SECTOR', '', lower(sector), incident_id, sector FROM targets
    UNION ALL
    SELECT 'TARGET_ORGANIZATION_KIND', '', organization_kind, incident_id, NULL FROM targets
    UNION ALL
    SELECT 'TYPE', '', type, s.id, NULL FROM scope s CROSS JOIN LATERAL unnest(s.types) AS type
    UNION ALL
    SELECT 'TECHNIQUE', '', technique, s.id, NULL FROM scope s CROSS JOIN LATERAL unnest(s.technique_ids) AS technique
  ),
  grouped AS (
    SELECT dimension, qualifier, key, incident_id, min(label) AS label FROM pairs WHERE key IS NOT NULL
     GROUP BY dimension, qualifier, key, incident_id)
  SELECT dimension, qualifier, key, incident_id, label FROM grouped
  UNION ALL
  SELECT dimension, qualifier, '', incident_id, NULL FROM grouped GROUP BY dimension, qualifier, incident_id
  UNION ALL ${startFacets('month')}
  UNION ALL ${startFacets('quarter')}
  UNION ALL ${startFacets('year')}
  UNION ALL
  -- How wide the start is, in days: DAY (1), MONTH (up to 31), YEAR (up to 366), WIDER; OPEN with one end only.
  SELECT 'START_SPAN', '',
         CASE WHEN s.started_from IS NULL AND s.started_to IS NULL THEN 'UNDATED'
              WHEN s.started_from IS NULL OR s.started_to IS NULL THEN 'OPEN'
              WHEN s.started_to - s.started_from + 1 <= 1 THEN 'DAY'
              WHEN s.started_to - s.started_from + 1 <= 31 THEN 'MONTH'
              WHEN s.started_to - s.started_from + 1 <= 366 THEN 'YEAR'
              ELSE 'WIDER' END,
         s.id, NULL::text
    FROM scope s;

  DELETE FROM incident_claim_lag WHERE incident_id = ANY(ids);
  INSERT INTO incident_claim_lag (incident_id, kind, started_from, span_days, first_day, all_dated)
  SELECT i.id, coalesce(party_org.kind, party_person_org.kind), min(i.started_from), min(i.started_to - i.started_from + 1),
         min(a.attributed_from), bool_and(a.attributed_from IS NOT NULL)
    FROM incident i JOIN attribution a ON a.incident_id = i.id AND a.status = 'ASSERTED'
    LEFT JOIN organization party_org ON party_org.id = a.attributed_by_organization_id
    LEFT JOIN person party_person ON party_person.id = a.attributed_by_person_id
    LEFT JOIN organization party_person_org ON party_person_org.id = party_person.organization_id
   WHERE i.id = ANY(ids) AND i.started_from IS NOT NULL AND i.started_to IS NOT NULL
   GROUP BY i.id, coalesce(party_org.kind, party_person_org.kind);
END
$fn$`;

/** Statement-level triggers of a table whose rows carry an incident id (`column`): refresh those incidents. */
function incidentRowTriggers(table: string, column: string): string[] {
  const fn = `${table}_refresh_incident_facets`;
  const ids = (rows: string) => `SELECT ${column} FROM ${rows} WHERE ${column} IS NOT NULL`;
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
     BEGIN
       IF TG_OP = 'INSERT' THEN
         PERFORM incident_facets_refresh(ARRAY(SELECT DISTINCT x FROM (${ids('new_rows')}) r(x)));
       ELSIF TG_OP = 'DELETE' THEN
         PERFORM incident_facets_refresh(ARRAY(SELECT DISTINCT x FROM (${ids('old_rows')}) r(x)));
       ELSE
         PERFORM incident_facets_refresh(ARRAY(SELECT DISTINCT x FROM (${ids('new_rows')} UNION ${ids('old_rows')}) r(x)));
       END IF;
       RETURN NULL;
     END $fn$`,
    `CREATE TRIGGER ${table}_facets_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER ${table}_facets_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER ${table}_facets_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
  ];
}

/** Updates of a table the facets read through a join: refresh the incidents that reach a changed row. */
function lookupTriggers(table: string, columns: string[], incidents: string): string[] {
  const fn = `${table}_refresh_incident_facets`;
  const changed = columns.map((c) => `o.${c} IS DISTINCT FROM n.${c}`).join(' OR ');
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
     BEGIN
       PERFORM incident_facets_refresh(ARRAY(
         WITH RECURSIVE changed AS (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE ${changed})
         ${incidents}));
       RETURN NULL;
     END $fn$`,
    `CREATE TRIGGER ${table}_facets_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
  ];
}

/**
 * The summary tables: counts derived from the graph and kept by its triggers, not facts of
 * their own, so the change log (migration 1764700000000) does not record them.
 */
export const SUMMARY_TABLES = ['incident_facet', 'incident_claim_lag', 'incident_facet_count'];

export class DashboardSummaries1764800000000 implements MigrationInterface {
  name = 'DashboardSummaries1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE incident_facet (
      dimension text NOT NULL,
      qualifier text NOT NULL,
      key text NOT NULL,
      incident_id uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
      label text,
      PRIMARY KEY (dimension, qualifier, key, incident_id)
    )`);
    // A filtered dashboard reads the facets of the scope's incidents from this index alone (index-only scan).
    await q.query(`CREATE INDEX incident_facet_incident_idx ON incident_facet (incident_id, dimension, qualifier, key) INCLUDE (label)`);
    // The spelling shown for a sector (min(label) of its key) without reading all its rows.
    await q.query(`CREATE INDEX incident_facet_label_idx ON incident_facet (dimension, qualifier, key, label) WHERE label IS NOT NULL`);
    // The claims (ASSERTED attributions) of each incident with a known start span, per kind of attributing party:
    // the first day one was made (null when one of them is undated), for the attribution lag.
    await q.query(`CREATE TABLE incident_claim_lag (
      incident_id uuid NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
      kind text,
      started_from date NOT NULL,
      span_days int NOT NULL,
      first_day date,
      all_dated boolean NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX incident_claim_lag_key ON incident_claim_lag (incident_id, coalesce(kind, ''))`);
    await q.query(`CREATE TABLE incident_facet_count (
      dimension text NOT NULL,
      qualifier text NOT NULL,
      key text NOT NULL,
      incidents int NOT NULL CHECK (incidents >= 0),
      PRIMARY KEY (dimension, qualifier, key)
    )`);
    await q.query(`CREATE FUNCTION incident_facet_count_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO incident_facet_count AS c (dimension, qualifier, key, incidents)
        SELECT dimension, qualifier, key, count(*) FROM new_rows GROUP BY dimension, qualifier, key
        ORDER BY dimension, qualifier, key
        ON CONFLICT (dimension, qualifier, key) DO UPDATE SET incidents = c.incidents + EXCLUDED.incidents;
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE FUNCTION incident_facet_count_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE incident_facet_count c SET incidents = c.incidents - gone.n
          FROM (SELECT dimension, qualifier, key, count(*)::int AS n FROM old_rows GROUP BY dimension, qualifier, key) gone
         WHERE c.dimension = gone.dimension AND c.qualifier = gone.qualifier AND c.key = gone.key;
        -- A separate statement: one statement cannot see the rows it updated itself.
        DELETE FROM incident_facet_count c USING (SELECT DISTINCT dimension, qualifier, key FROM old_rows) gone
         WHERE c.incidents = 0 AND c.dimension = gone.dimension AND c.qualifier = gone.qualifier AND c.key = gone.key;
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE TRIGGER incident_facet_counted_insert AFTER INSERT ON incident_facet REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION incident_facet_count_insert()`);
    await q.query(`CREATE TRIGGER incident_facet_counted_delete AFTER DELETE ON incident_facet REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION incident_facet_count_delete()`);
    // TRUNCATE fires no row or statement trigger: emptying the facets (TRUNCATE incident CASCADE) empties the counts.
    await q.query(`CREATE FUNCTION incident_facet_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        TRUNCATE incident_facet_count;
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE TRIGGER incident_facet_counted_truncate AFTER TRUNCATE ON incident_facet
      FOR EACH STATEMENT EXECUTE FUNCTION incident_facet_count_truncate()`);
    await q.query(REFRESH);

    // Deleting an incident cascades to its facets; inserting or updating one refreshes it.
    const incident = incidentRowTriggers('incident', 'id');
    for (const sql of [incident[0], incident[1], incident[2]]) await q.query(sql);
    for (const sql of incidentRowTriggers('incident_target', 'incident_id')) await q.query(sql);
    for (const sql of incidentRowTriggers('attribution', 'incident_id')) await q.query(sql);
    for (const sql of lookupTriggers('organization', ['kind', 'sector', 'country_code'], `
         SELECT t.incident_id FROM incident_target t
          WHERE t.organization_id IN (SELECT id FROM changed)
             OR t.person_id IN (SELECT p.id FROM person p WHERE p.organization_id IN (SELECT id FROM changed))
         UNION
         SELECT a.incident_id FROM attribution a
          WHERE a.incident_id IS NOT NULL
            AND (a.attributed_by_organization_id IN (SELECT id FROM changed)
                 OR a.attributed_by_person_id IN (SELECT p.id FROM person p WHERE p.organization_id IN (SELECT id FROM changed)))`)) {
      await q.query(sql);
    }
    for (const sql of lookupTriggers('person', ['organization_id', 'country_code'], `
         SELECT t.incident_id FROM incident_target t WHERE t.person_id IN (SELECT id FROM changed)
         UNION
         SELECT a.incident_id FROM attribution a WHERE a.incident_id IS NOT NULL AND a.attributed_by_person_id IN (SELECT id FROM changed)`)) {
      await q.query(sql);
    }
    // An actor's place in the hierarchy, kind or countries: every incident attributed to it or to an actor below it.
    for (const sql of lookupTriggers('threat_actor', ['parent_id', 'kind', 'country_code', 'sponsor_country_code'], `,
         below(id) AS (SELECT id FROM changed UNION SELECT t.id FROM threat_actor t JOIN below ON t.parent_id = below.id)
         SELECT DISTINCT a.incident_id FROM attribution a WHERE a.incident_id IS NOT NULL AND a.actor_id IN (SELECT id FROM below)`)) {
      await q.query(sql);
    }
    await q.query(`SELECT incident_facets_refresh(ARRAY(SELECT id FROM incident))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['incident', 'incident_target', 'attribution']) {
      for (const event of ['insert', 'update', 'delete']) await q.query(`DROP TRIGGER IF EXISTS ${table}_facets_${event} ON ${table}`);
      await q.query(`DROP FUNCTION ${table}_refresh_incident_facets()`);
    }
    for (const table of ['organization', 'person', 'threat_actor']) {
      await q.query(`DROP TRIGGER ${table}_facets_update ON ${table}`);
      await q.query(`DROP FUNCTION ${table}_refresh_incident_facets()`);
    }
    await q.query(`DROP FUNCTION incident_facets_refresh(uuid[])`);
    await q.query(`DROP TABLE incident_facet`);
    await q.query(`DROP TABLE incident_claim_lag`);
    await q.query(`DROP FUNCTION incident_facet_count_insert()`);
    await q.query(`DROP FUNCTION incident_facet_count_delete()`);
    await q.query(`DROP FUNCTION incident_facet_count_truncate()`);
    await q.query(`DROP TABLE incident_facet_count`);
  }
}
