import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  PROJECT_ROOT, catalogueImport, dataSourceOptions, estimativeLanguage, galaxySchema, seed as seedModule,
} from './app-modules';
import { DatasetMarker } from './database';
import * as V from './vocabulary';

/** Row counts at scale 1, as issue 4 asks. */
export const FULL_SCALE = { incidents: 100_000, sourceArticles: 250_000, statements: 1_000_000, attributions: 300_000 };
/** Bump when the generated data changes, so that old datasets are regenerated. */
export const GENERATOR_VERSION = 1;

export const CATALOGUE_FILES = ['threat-actor.json', 'mitre-intrusion-set.json', 'mitre-attack-pattern.json'];
// BENCH_CATALOGUE_DIR: for a checkout whose ../shared is elsewhere (a git worktree).
export const CATALOGUE_DIR = process.env.BENCH_CATALOGUE_DIR || join(PROJECT_ROOT, '..', 'shared', 'data', 'misp-galaxy');

/** The tables the generator fills in bulk; their secondary indexes are rebuilt after the load. */
export const LOADED_TABLES = [
  'organization', 'person', 'incident', 'incident_target', 'source_article', 'incident_source', 'statement',
  'statement_source', 'statement_incident', 'statement_actor', 'statement_country', 'attribution', 'attribution_revision',
  'attribution_source', 'attribution_statement',
];

export interface GenerateOptions {
  url: string;
  scale: number;
  seed: number;
  log: (line: string) => void;
}

interface Sizes {
  incidents: number;
  sourceArticles: number;
  statements: number;
  attributions: number;
  /** Incidents with at least one attribution (the rest stay unattributed, as many do). */
  attributedIncidents: number;
  organizations: number;
  parties: number;
  people: number;
}

export function sizesFor(scale: number): Sizes {
  const n = (full: number, min = 1) => Math.max(min, Math.round(full * scale));
  const incidents = n(FULL_SCALE.incidents);
  const organizations = n(5_000, 100);
  return {
    incidents,
    sourceArticles: Math.max(incidents, n(FULL_SCALE.sourceArticles)),
    statements: n(FULL_SCALE.statements),
    attributions: n(FULL_SCALE.attributions),
    attributedIncidents: Math.max(1, Math.round(incidents * 0.8)),
    organizations,
    parties: Math.max(10, Math.round(organizations * 0.1)),
    people: n(20_000, 200),
  };
}

/**
 * Generates the benchmark dataset into an empty database, deterministically: the same
 * scale and seed give the same rows (ids included, except the actors', which the
 * catalogue import draws at random; actors are chosen by their rank, so the same actor
 * names get the same rows). Steps:
 * 1. migrations (the schema is the truth), the founding seed (the README's five questions,
 *    APT28 → GRU → Russian Federation) and the real actor catalogue through
 *    CatalogueImportService (MISP threat actors + ATT&CK groups + ATT&CK techniques);
 * 2. synthetic organizations, people, incidents, targets, articles, statements and
 *    attributions with every link row, built server-side by INSERT … SELECT over
 *    generate_series, every choice a hash of (seed, row number), skewed (Zipf-like:
 *    a few actors, countries, techniques and parties dominate);
 * 3. the secondary indexes of the loaded tables rebuilt, then VACUUM ANALYZE.
 * Excerpts cited by statements and attributions are sentences of the article's body.
 */
export async function generate(options: GenerateOptions): Promise<DatasetMarker> {
  const { log } = options;
  const sizes = sizesFor(options.scale);
  const timings: DatasetMarker['timings'] = [];
  const timed = async <T>(step: string, work: () => Promise<T>, rows?: (result: T) => number | null): Promise<T> => {
    const started = process.hrtime.bigint();
    const result = await work();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const count = rows ? rows(result) : null;
    timings.push({ step, rows: count, seconds: Number(seconds.toFixed(2)) });
    log(`  ${step.padEnd(34)} ${count === null ? ''.padStart(16) : `${count.toLocaleString('en-US').padStart(11)} rows`}  ${seconds.toFixed(1).padStart(7)} s`);
    return result;
  };

  log(`Generating the dataset (scale ${options.scale}, seed ${options.seed}) into ${redact(options.url)}`);
  const migrations = await timed('migrations, seed, catalogue', () => loadReferenceData(options.url, log));

  const client = new Client({ connectionString: options.url, application_name: 'attribution-tracker-bench-generator' });
  await client.connect();
  try {
    const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
    await sessionSetup(q, options.seed);
    await timed('reference tables', () => referenceTables(q), () => null);
    const dropped = await timed('drop secondary indexes', () => dropSecondaryIndexes(q), (d) => d.length);
    // The dashboard summaries (migrations/1764800000000-DashboardSummaries.ts) are rebuilt once after the
    // load, as after an import, instead of by their triggers at every bulk statement.
    const summaryTriggers: { table: string; trigger: string }[] = (
      await q(`SELECT c.relname AS table, t.tgname AS trigger FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND t.tgname LIKE '%\_facets\_%' AND c.relname = ANY($1)`, [LOADED_TABLES])
    ).rows;
    for (const { table, trigger } of summaryTriggers) await q(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
    const step = (table: string, sql: string, params: unknown[] = []) =>
      timed(table, () => q(sql, params), (r) => (Array.isArray(r) ? r[0] : r).rowCount ?? 0);

    await step('organization', organizationsSql(sizes));
    await step('person', peopleSql(sizes));
    await step('(staging) incidents', incidentStagingSql(sizes));
    await step('incident', incidentsSql());
    await step('incident_target', targetsSql(sizes));
    await step('(staging) statements', statementStagingSql(sizes));
    await step('(staging) attributions', attributionStagingSql(sizes));
    await step('source_article', articlesSql(sizes));
    await step('incident_source', `INSERT INTO incident_source (incident_id, source_article_id)
      SELECT inc.id, pg_temp.uid('article', a) FROM generate_series(1, ${sizes.sourceArticles}) a
        JOIN b_incident inc ON inc.i = 1 + (a - 1) % ${sizes.incidents} ORDER BY a`);
    await step('statement', statementsSql());
    await step('statement_source', `INSERT INTO statement_source (statement_id, source_article_id, excerpt)
      SELECT id, pg_temp.uid('article', article), sentence FROM b_statement ORDER BY j`);
    await step('statement_incident', `INSERT INTO statement_incident (statement_id, incident_id)
      SELECT s.id, inc.id FROM b_statement s JOIN b_incident inc ON inc.i = s.incident WHERE s.about_incident ORDER BY s.j`);
    await step('statement_actor', `INSERT INTO statement_actor (statement_id, actor_id)
      SELECT s.id, s.actor_id FROM b_statement s WHERE s.stance IN ('ACCUSES', 'DENIES') ORDER BY s.j`);
    await step('statement_country', `INSERT INTO statement_country (statement_id, country_code)
      SELECT s.id, s.country FROM b_statement s WHERE s.country IS NOT NULL ORDER BY s.j`);
    await step('attribution (+ revision trigger)', attributionsSql());
    await step('attribution_source', `INSERT INTO attribution_source (attribution_id, source_article_id, excerpt)
      SELECT id, pg_temp.uid('article', article), sentence FROM b_attribution ORDER BY k`);
    // The attribution is made in the first statement its article reports.
    await step('attribution_statement', `INSERT INTO attribution_statement (attribution_id, statement_id)
      SELECT b.id, pg_temp.uid('statement', b.article) FROM b_attribution b WHERE b.article <= ${sizes.statements} ORDER BY b.k`);

    for (const table of LOADED_TABLES) {
      const indexes = dropped.filter((d) => d.table === table);
      if (!indexes.length) continue;
      await timed(`index ${table} (${indexes.length})`, async () => {
        for (const index of indexes) await q(index.definition);
      }, () => null);
    }
    for (const { table, trigger } of summaryTriggers) await q(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
    if (summaryTriggers.length) {
      await timed('dashboard summaries', () => q(`SELECT incident_facets_refresh(ARRAY(SELECT id FROM incident))`), () => null);
    }
    await q('DISCARD TEMP');
    await timed('vacuum analyze', () => q('VACUUM (ANALYZE)'), () => null);
    const counts = await tableCounts(q);
    return {
      generator: 'attribution-tracker-bench',
      version: GENERATOR_VERSION,
      scale: options.scale,
      seed: options.seed,
      migrations,
      counts,
      timings,
      generatedAt: new Date().toISOString(),
    };
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  parsed.password = parsed.password ? '***' : '';
  return parsed.toString();
}

/** Migrations, the founding seed, and the real catalogue through the app's own importer. */
async function loadReferenceData(url: string, log: (line: string) => void): Promise<string[]> {
  const dataSource = await new DataSource(dataSourceOptions().dataSourceOptions(url)).initialize();
  try {
    await seedModule().loadSeed(dataSource);
    const files = CATALOGUE_FILES.map((file) => {
      const path = join(CATALOGUE_DIR, file);
      return { name: file, cluster: galaxySchema().parseGalaxyCluster(readFileSync(path, 'utf8'), path) };
    });
    const result = await new (catalogueImport().CatalogueImportService)(dataSource).import(files);
    const actors = result.actors;
    if (actors) {
      log(`  catalogue: ${JSON.stringify({ created: actors.created, merged: actors.merged, updated: actors.updated, conflicts: actors.conflicts.length, skipped: actors.skipped.length })}`);
    }
    const rows: { name: string }[] = await dataSource.query(`SELECT name FROM migrations ORDER BY id`);
    return rows.map((r) => r.name);
  } finally {
    await dataSource.destroy();
  }
}

type Query = (sql: string, params?: unknown[]) => Promise<{ rows: any[]; rowCount: number | null }>;

/**
 * Session settings for a bulk load, and the deterministic choice functions (temporary,
 * gone with the session): r(salt, i) a uniform number in [0, 1) hashed from (seed, salt, i);
 * pick(salt, i, n) uniform in 1..n; zipf(salt, i, n) in 1..n with P(rank ≤ k) = ln(k+1)/ln(n+1),
 * so rank 1 takes ~10 % of 1,000 and the top 10 a third.
 */
async function sessionSetup(q: Query, seed: number): Promise<void> {
  await q(`SET temp_buffers = '2GB'`);
  await q(`SET synchronous_commit = off`);
  await q(`SET work_mem = '512MB'`);
  await q(`SET maintenance_work_mem = '1GB'`);
  await q(`SET max_parallel_maintenance_workers = 2`);
  await q(`SET jit = off`);
  await q(`SELECT set_config('attribution_tracker.recorded_by', 'benchmark generator', false)`);
  // Made-up rows by the million are not changes anyone made: keep them out of the change log
  // (it would double the load time). The migrations, seed and catalogue import are still logged.
  await q(`SELECT set_config('attribution_tracker.audit', 'off', false)`);
  const salt = Math.trunc(seed) * 7919;
  await q(`CREATE FUNCTION pg_temp.r(salt int, i bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (hashint8extended(i, ${salt}::bigint + salt) & 2147483647)::float8 / 2147483648.0`);
  await q(`CREATE FUNCTION pg_temp.pick(salt int, i bigint, n int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN least(n, 1 + floor(pg_temp.r(salt, i) * n)::int)`);
  await q(`CREATE FUNCTION pg_temp.zipf(salt int, i bigint, n int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN least(n, greatest(1, floor(power(n + 1.0, pg_temp.r(salt, i)))::int))`);
  // A version-4-shaped UUID from md5(seed, kind, i): stable across runs, valid for every UUID check.
  await q(`CREATE FUNCTION pg_temp.uid(kind text, i bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN overlay(overlay(md5('${Math.trunc(seed)}:' || kind || ':' || i) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid`);
}

const textArray = (values: readonly (string | null)[]) =>
  `ARRAY[${values.map((v) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`)).join(', ')}]::text[]`;
const floatArray = (values: number[]) => `ARRAY[${values.join(', ')}]::float8[]`;
const intArray = (values: (number | null)[]) => `ARRAY[${values.map((v) => (v === null ? 'NULL' : v)).join(', ')}]::int[]`;

/** Small lookup tables: vocabulary, and the real actors, countries and techniques ranked by how often they are drawn. */
async function referenceTables(q: Query): Promise<void> {
  const vocab = (name: string, columns: Record<string, readonly (string | null)[]>) => {
    const names = Object.keys(columns);
    return q(`CREATE TEMP TABLE ${name} AS SELECT n::int, ${names.join(', ')}
      FROM unnest(${names.map((c) => textArray(columns[c])).join(', ')}) WITH ORDINALITY AS t(${names.join(', ')}, n)`);
  };
  await vocab('v_type', { type: V.INCIDENT_TYPES.map((t) => t.type), title: V.INCIDENT_TYPES.map((t) => t.title), noun: V.INCIDENT_TYPES.map((t) => t.noun) });
  await vocab('v_target', { noun: V.TARGET_NOUNS.map((t) => t.noun), sector: V.TARGET_NOUNS.map((t) => t.sector) });
  await vocab('v_party_kind', { kind: V.PARTY_KINDS.map((k) => k.kind), noun: V.PARTY_KINDS.map((k) => k.noun) });
  await vocab('v_target_kind', { kind: V.TARGET_KINDS.map((k) => k.kind), noun: V.TARGET_KINDS.map((k) => k.noun) });
  await vocab('v_word', { word: V.NAME_WORDS });
  await vocab('v_first', { word: V.FIRST_NAMES });
  await vocab('v_last', { word: V.LAST_NAMES });
  await vocab('v_role', { role: V.ROLES.map((r) => r.role) });
  await vocab('v_stance', { stance: V.STANCES.map((s) => s.stance) });
  await vocab('v_status', { status: V.STATUSES.map((s) => s.status) });
  await vocab('v_basis', { basis: V.BASES });
  await vocab('v_publisher', { publisher: V.PUBLISHERS });
  await vocab('v_section', { section: V.SECTIONS });
  const { confidenceFromWords } = estimativeLanguage();
  await q(`CREATE TEMP TABLE v_confidence AS SELECT n::int, words, confidence
    FROM unnest(${textArray(V.CONFIDENCE_WORDS.map((c) => c.words))}, ${intArray(V.CONFIDENCE_WORDS.map((c) => confidenceFromWords(c.words)))})
    WITH ORDINALITY AS t(words, confidence, n)`);

  // The most-named actors (most aliases across both catalogues: APT28, Lazarus, APT29 …) are drawn most often.
  await q(`CREATE TEMP TABLE b_actor AS
    SELECT (row_number() OVER (ORDER BY count(*) DESC, a.name, a.kind, coalesce(a.country_code, '')))::int AS rank, a.id, a.name
      FROM threat_actor a JOIN actor_alias alias ON alias.actor_id = a.id GROUP BY a.id, a.name, a.kind, a.country_code`);
  await q(`CREATE TEMP TABLE b_country AS
    SELECT (row_number() OVER (ORDER BY coalesce(array_position(${textArray(V.TOP_TARGET_COUNTRIES)}, code::text), 1000), code))::int AS rank,
           code, name FROM country`);
  await q(`CREATE TEMP TABLE b_technique AS
    SELECT (row_number() OVER (ORDER BY coalesce(array_position(${textArray(V.TOP_TECHNIQUES)}, id), 1000), id))::int AS rank, id, name
      FROM attack_technique WHERE NOT revoked`);
  for (const table of ['b_actor', 'b_country', 'b_technique']) await q(`ALTER TABLE ${table} ADD PRIMARY KEY (rank)`);
  const { rows } = await q(`SELECT (SELECT count(*) FROM b_actor)::int AS actors, (SELECT count(*) FROM b_country)::int AS countries,
    (SELECT count(*) FROM b_technique)::int AS techniques`);
  if (rows[0].actors < 10 || rows[0].techniques < 10) {
    throw new Error(`the catalogue import left ${rows[0].actors} actors and ${rows[0].techniques} techniques: is ${CATALOGUE_DIR} there?`);
  }
  await q(`CREATE TEMP TABLE b_n AS SELECT ${rows[0].actors} AS actors, ${rows[0].countries} AS countries, ${rows[0].techniques} AS techniques`);
}

interface DroppedIndex {
  table: string;
  name: string;
  definition: string;
}

/**
 * Secondary indexes of the loaded tables are dropped and rebuilt after the load (one sort
 * instead of a million random inserts). Primary keys, unique and foreign-key constraints
 * stay in force during the load; a unique index that is not a constraint is re-checked
 * when it is rebuilt.
 */
async function dropSecondaryIndexes(q: Query): Promise<DroppedIndex[]> {
  const { rows } = await q(
    `SELECT t.relname AS table, i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = t.oid AND c.contype IN ('p', 'u', 'x'))
      ORDER BY t.relname, i.relname`,
    [LOADED_TABLES],
  );
  for (const row of rows) await q(`DROP INDEX ${row.name}`);
  return rows;
}

const CREATED = (i: string, kind: string) => `timestamptz '2025-07-01 00:00:00+00' + ${i} * interval '${kind}'`;

function organizationsSql(s: Sizes): string {
  return `INSERT INTO organization (id, name, kind, country_code, sector, created_at, updated_at)
    SELECT pg_temp.uid('organization', x.i), w.word || ' ' || k.noun || ' ' || x.i, k.kind, c.code,
           CASE WHEN NOT x.party AND pg_temp.r(104, x.i) < 0.6 THEN tn.sector END,
           ${CREATED('x.i', '1 millisecond')}, ${CREATED('x.i', '1 millisecond')}
      FROM (SELECT i, i <= ${s.parties} AS party,
                   pg_temp.zipf(101, i, CASE WHEN i <= ${s.parties} THEN ${V.PARTY_KINDS.length} ELSE ${V.TARGET_KINDS.length} END) AS k,
                   pg_temp.pick(102, i, ${V.NAME_WORDS.length}) AS w, pg_temp.zipf(103, i, (SELECT countries FROM b_n)) AS c,
                   pg_temp.zipf(105, i, ${V.TARGET_NOUNS.length}) AS tn
              FROM generate_series(1, ${s.organizations}) i) x
      JOIN (SELECT n, kind, noun, true AS party FROM v_party_kind UNION ALL SELECT n, kind, noun, false FROM v_target_kind) k
        ON k.n = x.k AND k.party = x.party
      JOIN v_word w ON w.n = x.w JOIN b_country c ON c.rank = x.c JOIN v_target tn ON tn.n = x.tn
     ORDER BY x.i`;
}

function peopleSql(s: Sizes): string {
  return `INSERT INTO person (id, name, role, organization_id, country_code, created_at, updated_at)
    SELECT pg_temp.uid('person', x.i), f.word || ' ' || l.word, r.role,
           CASE WHEN pg_temp.r(204, x.i) < 0.7 THEN pg_temp.uid('organization', x.org) END, c.code,
           ${CREATED('x.i', '1 millisecond')}, ${CREATED('x.i', '1 millisecond')}
      FROM (SELECT i, pg_temp.pick(201, i, ${V.FIRST_NAMES.length}) AS f, pg_temp.pick(202, i, ${V.LAST_NAMES.length}) AS l,
                   width_bucket(pg_temp.r(203, i), ${floatArray(V.thresholds(V.ROLES.map((r) => r.weight)))}) AS ro,
                   pg_temp.zipf(205, i, ${s.parties}) AS org, pg_temp.zipf(206, i, (SELECT countries FROM b_n)) AS c
              FROM generate_series(1, ${s.people}) i) x
      JOIN v_first f ON f.n = x.f JOIN v_last l ON l.n = x.l JOIN v_role r ON r.n = x.ro JOIN b_country c ON c.rank = x.c
     ORDER BY x.i`;
}

/**
 * One row per incident with everything later steps need: its actor (the one most claims
 * will name), country, type, target, techniques and dates. Start dates skew to recent
 * years; precision: day 50 %, month 25 %, year 12 %, a range 7 %, unknown 6 %.
 */
function incidentStagingSql(s: Sizes): string {
  return `CREATE TEMP TABLE b_incident AS
    WITH x AS (
      SELECT i, pg_temp.uid('incident', i) AS id,
             pg_temp.zipf(301, i, (SELECT actors FROM b_n)) AS actor_rank,
             pg_temp.zipf(302, i, (SELECT countries FROM b_n)) AS country_rank,
             pg_temp.zipf(303, i, ${V.INCIDENT_TYPES.length}) AS t1,
             CASE WHEN pg_temp.r(304, i) < 0.3 THEN pg_temp.zipf(305, i, ${V.INCIDENT_TYPES.length}) END AS t2,
             pg_temp.zipf(306, i, ${V.TARGET_NOUNS.length}) AS tn,
             width_bucket(pg_temp.r(307, i), ARRAY[0, 0.5, 0.75, 0.87, 0.94]::float8[]) AS prec,
             date '2025-06-30' - floor(7300 * power(pg_temp.r(308, i), 1.6))::int AS d,
             pg_temp.zipf(309, i, (SELECT techniques FROM b_n)) AS k1,
             CASE WHEN pg_temp.r(310, i) < 0.5 THEN pg_temp.zipf(311, i, (SELECT techniques FROM b_n)) END AS k2,
             CASE WHEN pg_temp.r(312, i) < 0.2 THEN pg_temp.zipf(313, i, (SELECT techniques FROM b_n)) END AS k3
        FROM generate_series(1, ${s.incidents}) i
    )
    SELECT x.i, x.id, x.prec, x.d, a.id AS actor_id, a.name AS actor_name, c.code AS country, c.name AS country_name,
           t1.type AS type1, t1.title AS type_title, t1.noun AS type_noun, t2.type AS type2,
           tn.noun AS target_noun, tn.sector AS target_sector,
           k1.id AS tech1, k1.name AS tech1_name, k2.id AS tech2, k2.name AS tech2_name, k3.id AS tech3,
           CASE x.prec WHEN 1 THEN x.d WHEN 2 THEN date_trunc('month', x.d)::date WHEN 3 THEN date_trunc('year', x.d)::date
                       WHEN 4 THEN x.d END AS started_from,
           CASE x.prec WHEN 1 THEN x.d WHEN 2 THEN (date_trunc('month', x.d) + interval '1 month - 1 day')::date
                       WHEN 3 THEN (date_trunc('year', x.d) + interval '1 year - 1 day')::date
                       WHEN 4 THEN x.d + 30 + pg_temp.pick(314, x.i, 150) END AS started_to,
           CASE x.prec WHEN 1 THEN 'on ' || to_char(x.d, 'FMMonth FMDD, YYYY') WHEN 2 THEN 'in ' || to_char(x.d, 'FMMonth YYYY')
                       WHEN 3 THEN 'in ' || to_char(x.d, 'YYYY') WHEN 4 THEN 'from ' || to_char(x.d, 'FMMonth YYYY') || ' for several months'
                       END AS started_text
      FROM x
      JOIN b_actor a ON a.rank = x.actor_rank JOIN b_country c ON c.rank = x.country_rank
      JOIN v_type t1 ON t1.n = x.t1 LEFT JOIN v_type t2 ON t2.n = x.t2 JOIN v_target tn ON tn.n = x.tn
      JOIN b_technique k1 ON k1.rank = x.k1 LEFT JOIN b_technique k2 ON k2.rank = x.k2 LEFT JOIN b_technique k3 ON k3.rank = x.k3;
    ALTER TABLE b_incident ADD PRIMARY KEY (i)`;
}

function incidentsSql(): string {
  return `INSERT INTO incident (id, title, summary, started_from, started_to, started_text, ended_from, ended_to, ended_text,
                                disclosed_from, disclosed_to, disclosed_text, types, technique_ids, created_at, updated_at)
    SELECT id, type_title || ' ' || target_noun || ' in ' || country_name,
           'Attackers used ' || lower(tech1_name) || coalesce(' and ' || lower(tech2_name), '') || ' against ' || target_noun
             || ' in ' || country_name || '.'
             || CASE WHEN pg_temp.r(319, i) < 0.5 THEN ' Investigators later linked the ' || type_noun || ' to ' || actor_name || '.' ELSE '' END,
           started_from, started_to, started_text,
           ended, ended, CASE WHEN ended IS NOT NULL THEN 'on ' || to_char(ended, 'FMMonth FMDD, YYYY') END,
           disclosed, disclosed, CASE WHEN disclosed IS NOT NULL THEN 'on ' || to_char(disclosed, 'FMMonth FMDD, YYYY') END,
           ARRAY[type1] || CASE WHEN type2 IS NOT NULL AND type2 <> type1 THEN ARRAY[type2] ELSE '{}'::text[] END,
           ARRAY(SELECT DISTINCT t FROM unnest(ARRAY[tech1, tech2, tech3]) t WHERE t IS NOT NULL ORDER BY t),
           ${CREATED('i', '1 second')}, ${CREATED('i', '1 second')}
      FROM (SELECT b.*,
                   CASE WHEN b.prec < 5 AND pg_temp.r(315, b.i) < 0.3 THEN b.started_to + pg_temp.pick(316, b.i, 200) - 1 END AS ended,
                   CASE WHEN b.prec < 5 AND pg_temp.r(317, b.i) < 0.6 THEN b.started_to + pg_temp.pick(318, b.i, 400) END AS disclosed
              FROM b_incident b) x
     ORDER BY i`;
}

/** A country target for 92 % of incidents, an organization for 65 %, a sector for 40 %, a person for 3 %. */
function targetsSql(s: Sizes): string {
  const targetOrg = `pg_temp.uid('organization', ${s.parties} + pg_temp.pick(403, i, ${s.organizations - s.parties}))`;
  return `INSERT INTO incident_target (id, incident_id, role, organization_id, person_id, country_code, sector)
    SELECT pg_temp.uid('target', i * 4 + slot), id, role, organization_id, person_id, country_code, sector FROM (
      SELECT i, 1 AS slot, id, 'VICTIM' AS role, NULL::uuid AS organization_id, NULL::uuid AS person_id, country AS country_code, NULL AS sector
        FROM b_incident WHERE pg_temp.r(401, i) < 0.92
      UNION ALL
      SELECT i, 2, id, (ARRAY['VICTIM', 'INTENDED_TARGET', 'AFFECTED'])[width_bucket(pg_temp.r(404, i), ARRAY[0, 0.85, 0.93]::float8[])],
             ${targetOrg}, NULL, NULL, NULL
        FROM b_incident WHERE pg_temp.r(402, i) < 0.65
      UNION ALL
      SELECT i, 3, id, 'VICTIM', NULL, NULL, NULL, target_sector FROM b_incident WHERE pg_temp.r(405, i) < 0.4
      UNION ALL
      SELECT i, 4, id, 'INTENDED_TARGET', NULL, pg_temp.uid('person', pg_temp.pick(407, i, ${s.people})), NULL, NULL
        FROM b_incident WHERE pg_temp.r(406, i) < 0.03
    ) t ORDER BY i, slot`;
}

/**
 * Statement j is reported by article 1 + (j-1) mod articles, which reports incident
 * 1 + (article-1) mod incidents: about ten statements per incident. The sentence is both
 * the quote (or the summary) and the excerpt the article's body contains.
 */
function statementStagingSql(s: Sizes): string {
  return `CREATE TEMP TABLE b_statement AS
    WITH x AS (
      SELECT j, 1 + (j - 1) % ${s.sourceArticles} AS article,
             width_bucket(pg_temp.r(501, j), ${floatArray(V.thresholds(V.STANCES.map((st) => st.weight)))}) AS st,
             pg_temp.r(502, j) < 0.65 AS by_person, pg_temp.pick(503, j, ${s.people}) AS person_i,
             pg_temp.zipf(504, j, ${s.parties}) AS org_i, pg_temp.r(505, j) AS u_role,
             pg_temp.r(506, j) < 0.55 AS quoted, pg_temp.r(507, j) < 0.9 AS dated, pg_temp.pick(508, j, 500) - 1 AS said_days,
             pg_temp.r(509, j) < 0.95 AS about_incident,
             CASE WHEN pg_temp.r(510, j) < 0.3 THEN pg_temp.zipf(511, j, (SELECT countries FROM b_n)) END AS country_rank
        FROM generate_series(1, ${s.statements}) j
    ), y AS (
      SELECT x.*, 1 + (x.article - 1) % ${s.incidents} AS incident, st.stance,
             CASE WHEN x.by_person THEN p.id END AS person_id, CASE WHEN x.by_person THEN NULL ELSE o.id END AS organization_id,
             CASE WHEN x.by_person AND x.u_role < 0.8 THEN p.role WHEN NOT x.by_person AND x.u_role < 0.4 THEN 'spokesperson' END AS speaker_role,
             CASE WHEN x.by_person THEN coalesce(p.role || ' ', '') || p.name ELSE 'The ' || o.name END AS speaker,
             c.code AS country
        FROM x JOIN v_stance st ON st.n = x.st
        JOIN person p ON p.id = pg_temp.uid('person', x.person_i)
        JOIN organization o ON o.id = pg_temp.uid('organization', x.org_i)
        LEFT JOIN b_country c ON c.rank = x.country_rank
    )
    SELECT y.j, pg_temp.uid('statement', y.j) AS id, y.article, y.incident, y.stance, y.person_id, y.organization_id,
           y.speaker_role, y.quoted, y.about_incident, y.country, inc.actor_id,
           CASE WHEN y.dated THEN inc.d + y.said_days END AS said,
           CASE y.stance
             WHEN 'ACCUSES' THEN y.speaker || ' said that ' || inc.actor_name || ' was behind the ' || inc.type_noun || ' against '
                                 || inc.target_noun || ' in ' || inc.country_name || '.'
             WHEN 'COMMENTS' THEN y.speaker || ' declined to speculate on who was responsible for the ' || inc.type_noun
                                 || ' against ' || inc.target_noun || '.'
             WHEN 'CONDEMNS' THEN y.speaker || ' condemned the ' || inc.type_noun || ' against ' || inc.target_noun || ' in '
                                 || inc.country_name || ' as unacceptable.'
             WHEN 'CONFIRMS' THEN y.speaker || ' confirmed that ' || inc.target_noun || ' in ' || inc.country_name
                                 || ' had been hit by a ' || inc.type_noun || '.'
             WHEN 'WARNS' THEN y.speaker || ' warned that further attacks on ' || inc.target_noun || ' in ' || inc.country_name
                                 || ' were likely.'
             ELSE y.speaker || ' denied that ' || inc.actor_name || ' had any role in the ' || inc.type_noun || '.'
           END AS sentence
      FROM y JOIN b_incident inc ON inc.i = y.incident;
    ALTER TABLE b_statement ADD PRIMARY KEY (j)`;
}

/**
 * Attributions concern the first 80 % of incidents (about 3.75 each, the rest stay
 * unattributed) and are reported, round-robin, by the incident's articles. Three in four
 * name the incident's actor; the others an actor drawn on its own.
 */
function attributionStagingSql(s: Sizes): string {
  return `CREATE TEMP TABLE b_attribution AS
    WITH x AS (
      SELECT k, 1 + (k - 1) % ${s.attributedIncidents} AS incident, (k - 1) / ${s.attributedIncidents} AS round,
             pg_temp.r(601, k) < 0.75 AS main_actor, pg_temp.zipf(602, k, (SELECT actors FROM b_n)) AS other_actor,
             width_bucket(pg_temp.r(603, k), ${floatArray(V.thresholds(V.STATUSES.map((st) => st.weight)))}) AS st,
             pg_temp.r(604, k) < 0.88 AS by_org, pg_temp.zipf(605, k, ${s.parties}) AS org_i,
             pg_temp.r(606, k) < 0.25 AS with_person, pg_temp.pick(607, k, ${s.people}) AS person_i,
             floor(-ln(1 - pg_temp.r(608, k)) * 150)::int AS lag,
             width_bucket(pg_temp.r(609, k), ARRAY[0, 0.75, 0.9]::float8[]) AS prec,
             width_bucket(pg_temp.r(610, k), ${floatArray(V.thresholds(V.CONFIDENCE_WORDS.map((c) => c.weight)))}) AS cw,
             pg_temp.zipf(611, k, ${V.BASES.length}) AS b1,
             CASE WHEN pg_temp.r(612, k) < 0.3 THEN pg_temp.zipf(613, k, ${V.BASES.length}) END AS b2
        FROM generate_series(1, ${s.attributions}) k
    ), y AS (
      SELECT x.*, inc.id AS incident_id, inc.d, inc.type_noun, inc.target_noun,
             inc.i + ${s.incidents} * (x.round % ((${s.sourceArticles} - inc.i) / ${s.incidents} + 1)) AS article,
             CASE WHEN x.main_actor THEN inc.actor_id ELSE a.id END AS actor_id,
             CASE WHEN x.main_actor THEN inc.actor_name ELSE a.name END AS actor_name,
             st.status, CASE WHEN x.by_org THEN o.id END AS organization_id,
             CASE WHEN x.with_person OR NOT x.by_org THEN p.id END AS person_id,
             CASE WHEN x.by_org THEN 'The ' || o.name ELSE coalesce(p.role || ' ', '') || p.name END AS party,
             CASE WHEN st.status = 'ASSERTED' THEN cw.words END AS words,
             CASE WHEN st.status = 'ASSERTED' THEN cw.confidence END AS confidence
        FROM x JOIN b_incident inc ON inc.i = x.incident
        JOIN b_actor a ON a.rank = x.other_actor JOIN v_status st ON st.n = x.st
        JOIN organization o ON o.id = pg_temp.uid('organization', x.org_i)
        JOIN person p ON p.id = pg_temp.uid('person', x.person_i)
        JOIN v_confidence cw ON cw.n = x.cw
    )
    SELECT y.k, pg_temp.uid('attribution', y.k) AS id, y.article, y.incident_id, y.actor_id, y.organization_id, y.person_id,
           y.status, y.words, y.confidence,
           ARRAY(SELECT b.basis FROM v_basis b WHERE b.n IN (y.b1, y.b2) ORDER BY b.n) AS bases,
           CASE y.prec WHEN 1 THEN y.d + y.lag WHEN 2 THEN date_trunc('month', y.d + y.lag)::date END AS attributed_from,
           CASE y.prec WHEN 1 THEN y.d + y.lag WHEN 2 THEN (date_trunc('month', y.d + y.lag) + interval '1 month - 1 day')::date END AS attributed_to,
           CASE y.prec WHEN 1 THEN 'on ' || to_char(y.d + y.lag, 'FMMonth FMDD, YYYY') WHEN 2 THEN 'in ' || to_char(y.d + y.lag, 'FMMonth YYYY') END AS attributed_text,
           CASE
             WHEN y.status = 'ASSERTED' AND y.words = 'high confidence' THEN y.party || ' assessed with high confidence that '
                  || y.actor_name || ' carried out the ' || y.type_noun || ' against ' || y.target_noun || '.'
             WHEN y.status = 'ASSERTED' AND y.words IS NOT NULL THEN y.party || ' said it was ' || y.words || ' that '
                  || y.actor_name || ' carried out the ' || y.type_noun || ' against ' || y.target_noun || '.'
             WHEN y.status = 'ASSERTED' THEN y.party || ' attributed the ' || y.type_noun || ' against ' || y.target_noun
                  || ' to ' || y.actor_name || '.'
             WHEN y.status = 'DENIED' THEN y.party || ' rejected accusations that ' || y.actor_name || ' carried out the ' || y.type_noun || '.'
             WHEN y.status = 'DISPUTED' THEN y.party || ' disputed that ' || y.actor_name || ' was behind the ' || y.type_noun || '.'
             ELSE y.party || ' withdrew its claim that ' || y.actor_name || ' carried out the ' || y.type_noun || '.'
           END AS sentence
      FROM y;
    ALTER TABLE b_attribution ADD PRIMARY KEY (k)`;
}

/** Each article: a lead on its incident, the sentences its statements and attributions cite, and a closing line. */
function articlesSql(s: Sizes): string {
  return `INSERT INTO source_article (id, url, title, publisher, section, published_from, published_to, published_text, authors,
                                      language, body, retrieved_at, created_at, updated_at)
    SELECT pg_temp.uid('article', x.a),
           'https://news.example.org/' || lower(replace(replace(pub.publisher, ' ', '-'), '&', 'and')) || '/' || x.a,
           inc.type_title || ' ' || inc.target_noun || ' in ' || inc.country_name
             || (ARRAY[': what we know', ': officials respond', ': investigators point to ' || inc.actor_name, ''])[x.headline],
           pub.publisher, sec.section,
           CASE WHEN x.dated THEN inc.d + x.days END, CASE WHEN x.dated THEN inc.d + x.days END,
           CASE WHEN x.dated THEN to_char(inc.d + x.days, 'FMMonth FMDD, YYYY') END,
           ARRAY[f.word || ' ' || l.word], 'en',
           inc.type_title || ' ' || inc.target_noun || ' in ' || inc.country_name || '. Officials in ' || inc.country_name
             || ' said the ' || inc.type_noun || ' was detected ' || coalesce(inc.started_text, 'recently') || '.'
             || coalesce(' ' || st.sentences, '') || coalesce(' ' || att.sentences, '')
             || ' Investigators said the attackers relied on ' || lower(inc.tech1_name) || ' and that the inquiry is continuing.',
           ${CREATED('x.a', '1 second')}, ${CREATED('x.a', '1 second')}, ${CREATED('x.a', '1 second')}
      FROM (SELECT a, pg_temp.zipf(701, a, ${V.PUBLISHERS.length}) AS p, pg_temp.pick(702, a, ${V.SECTIONS.length}) AS sec,
                   pg_temp.pick(703, a, 4) AS headline, pg_temp.r(704, a) < 0.9 AS dated, pg_temp.pick(705, a, 90) - 1 AS days,
                   pg_temp.pick(706, a, ${V.FIRST_NAMES.length}) AS f, pg_temp.pick(707, a, ${V.LAST_NAMES.length}) AS l
              FROM generate_series(1, ${s.sourceArticles}) a) x
      JOIN b_incident inc ON inc.i = 1 + (x.a - 1) % ${s.incidents}
      JOIN v_publisher pub ON pub.n = x.p JOIN v_section sec ON sec.n = x.sec
      JOIN v_first f ON f.n = x.f JOIN v_last l ON l.n = x.l
      LEFT JOIN (SELECT article, string_agg(sentence, ' ' ORDER BY j) AS sentences FROM b_statement GROUP BY article) st ON st.article = x.a
      LEFT JOIN (SELECT article, string_agg(sentence, ' ' ORDER BY k) AS sentences FROM b_attribution GROUP BY article) att ON att.article = x.a
     ORDER BY x.a`;
}

function statementsSql(): string {
  return `INSERT INTO statement (id, speaker_person_id, speaker_organization_id, speaker_role, said_from, said_to, said_text,
                                 quote, summary, language, stance, created_at, updated_at)
    SELECT id, person_id, organization_id, speaker_role, said, said,
           CASE WHEN said IS NOT NULL THEN 'on ' || to_char(said, 'FMMonth FMDD, YYYY') END,
           CASE WHEN quoted THEN sentence END, CASE WHEN NOT quoted THEN sentence END, 'en', stance,
           ${CREATED('j', '1 millisecond')}, ${CREATED('j', '1 millisecond')}
      FROM b_statement ORDER BY j`;
}

function attributionsSql(): string {
  return `INSERT INTO attribution (id, incident_id, actor_id, attributed_by_organization_id, attributed_by_person_id,
                                   attributed_from, attributed_to, attributed_text, confidence, confidence_words, bases, status,
                                   created_at, updated_at)
    SELECT id, incident_id, actor_id, organization_id, person_id, attributed_from, attributed_to, attributed_text,
           confidence, words, bases, status, ${CREATED('k', '1 millisecond')}, ${CREATED('k', '1 millisecond')}
      FROM b_attribution ORDER BY k`;
}

async function tableCounts(q: Query): Promise<Record<string, number>> {
  const tables = ['threat_actor', 'actor_alias', 'attack_technique', ...LOADED_TABLES];
  const { rows } = await q(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`);
  return rows[0];
}
