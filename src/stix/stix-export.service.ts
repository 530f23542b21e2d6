import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { PoolClient, QueryConfig, types as pgTypes } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { subtreeCte } from '../actors/threat-actor.service';
import { NotFoundError } from '../common/errors';
import { IncidentFilter } from '../incidents/incident.inputs';
import { IncidentService } from '../incidents/incident.service';
import { extensionDefinition, producerIdentity } from './stix-extension';
import {
  Citation, StixObject, StoredStix, actorObjects, memberObject, articleJson, articleObject, attributionJson, attributionObject, campaignObject, countryObject, incidentObject, organizationObject,
  personObject, responseObject, statementJson, statementObject, targetObjects, techniqueObject,
} from './stix-export-mapping';
import { uuidv5 } from './stix-id';

/** What to export: one incident, one actor (with its descendants or not), the incidents of a filter, or everything. */
export interface StixExportRequest {
  incidentId?: string;
  actorId?: string;
  includeDescendants?: boolean;
  incidentFilter?: IncidentFilter;
}

/** Per kind of row, for the benchmark: rows and objects, time in SQL (reading and enriching its pages; overlaps the mapping) and mapping. */
export type ExportTrace = (stats: { kind: string; rows: number; objects: number; sqlMs: number; mapMs: number }) => void;

/** The rows in the export: an id list per table, or null for all of them (the whole graph). */
interface Scope {
  incidents: string[] | null; attributions: string[] | null; campaigns: string[] | null; actors: string[] | null;
  statements: string[] | null; organizations: string[] | null; people: string[] | null; articles: string[] | null;
  countries: string[] | null; techniques: string[] | null; targets: string[] | null; responses: string[] | null;
}

/** Rows read per query: enough to amortise the round trips, few enough to keep memory flat. */
const BATCH = 2000;
const NO_UUID = '00000000-0000-0000-0000-000000000000';
const inScope = (column: string, param: string) => `(${param}::text[] IS NULL OR ${column}::text = ANY(${param}::text[]))`;
const page = (alias: string, key = 'id') => `WHERE ${alias}.${key} > $1 AND ${inScope(`${alias}.${key}`, '$2')} ORDER BY ${alias}.${key} LIMIT ${BATCH}`;
/**
 * A whole table is read in its physical order instead: block ranges ($1 ≤ ctid < $2, a TID
 * range scan), so that PostgreSQL reads each heap page once, in order, rather than one random
 * page per row as an id order over random UUIDs does.
 */
/**
 * Rows per block range. The statements are prepared, so a page costs little to plan; what a big page costs is the
 * garbage collector's: a page's rows and texts, and the next page's rows arriving meanwhile, are alive at each young
 * collection and get copied, then promoted. 1,000 rows against 4,000: the exporter's CPU time for 150,000 notes fell
 * from 11.8 s to 8.2 s (PostgreSQL's unchanged, 6.0 s; 500 rows: 8.5 s, 6.5 s).
 */
const BLOCK_BATCH = 1000;
const blocks = (alias: string) => `WHERE ${alias}.ctid >= $1::tid AND ${alias}.ctid < $2::tid ORDER BY ${alias}.ctid`;

/**
 * The rows of each kind ($1/$2: the keyset cursor and the scope's ids, or the block range):
 * what hangs off them (names, citations, links, remembered STIX ids) is read per page with one
 * `= ANY($ids)` query per relation (Lookups below): no query per row.
 */
const ROWS_OF = {
  organization: (where: string) => `SELECT o.* FROM organization o ${where}`,
  person: (where: string) => `SELECT p.* FROM person p ${where}`,
  actor: (where: string) => `SELECT a.*, p.kind AS parent_kind FROM threat_actor a LEFT JOIN threat_actor p ON p.id = a.parent_id ${where}`,
  member: () => `SELECT m.id, m.actor_id, a.kind AS actor_kind, m.person_id, a.created_at, a.updated_at
    FROM actor_member m JOIN threat_actor a ON a.id = m.actor_id WHERE m.id > $1 AND ${inScope('m.actor_id', '$2')} ORDER BY m.id LIMIT ${BATCH}`,
  campaign: (where: string) => `SELECT c.* FROM campaign c ${where}`,
  technique: (where: string) => `SELECT t.* FROM attack_technique t ${where}`,
  country: () => `SELECT c.code AS id, c.code, c.name FROM country c ${page('c', 'code')}`,
  // Columns by name where the table has a search_vector: PostgreSQL would print each tsvector and Node parse it, for nothing.
  incident: (where: string) => `SELECT i.id, i.title, i.summary, i.started_from, i.started_to, i.started_text, i.ended_from, i.ended_to, i.ended_text,
      i.disclosed_from, i.disclosed_to, i.disclosed_text, i.types, i.technique_ids, i.campaign_id, i.created_at, i.updated_at FROM incident i ${where}`,
  target: (where: string) => `SELECT t.*, i.created_at, i.updated_at FROM incident_target t JOIN incident i ON i.id = t.incident_id ${where}`,
  attribution: (where: string) => `SELECT a.*, ac.kind AS actor_kind, coalesce(o.name, p.name) AS party_name
    FROM attribution a JOIN threat_actor ac ON ac.id = a.actor_id
    LEFT JOIN organization o ON o.id = a.attributed_by_organization_id LEFT JOIN person p ON p.id = a.attributed_by_person_id ${where}`,
  // The speakers' names by index look-up per row: joins made PostgreSQL hash all 20,000 people and 5,000 organizations for each page.
  // The quote and the summary, the longest texts of the export, as JSON text: PostgreSQL escapes them in C (to_json escapes text as
  // JSON.stringify does, test/stix-export.e2e-spec.ts), so the exporter only splices them in (statementJson).
  statement: (where: string) => `SELECT s.id, s.speaker_person_id, s.speaker_organization_id, s.speaker_role, s.said_from, s.said_to, s.said_text,
      to_json(s.quote)::text AS quote_json, to_json(s.summary)::text AS summary_json, s.language, s.stance, s.created_at, s.updated_at,
      (SELECT p.name FROM person p WHERE p.id = s.speaker_person_id) AS speaker_person_name,
      (SELECT o.name FROM organization o WHERE o.id = s.speaker_organization_id) AS speaker_organization_name
    FROM statement s ${where}`,
  response: (where: string) => `SELECT r.*, o.name AS responder_organization_name, p.name AS responder_person_name,
      CASE WHEN a.status IN ('DENIED', 'DISPUTED') THEN 'opinion' ELSE 'relationship' END AS attribution_type, ta.kind AS actor_kind
    FROM response r LEFT JOIN organization o ON o.id = r.responder_organization_id LEFT JOIN person p ON p.id = r.responder_person_id
    LEFT JOIN attribution a ON a.id = r.attribution_id LEFT JOIN threat_actor ta ON ta.id = r.actor_id ${where}`,
  article: (where: string) => `SELECT sa.id, sa.title, sa.url, sa.publisher, sa.authors, sa.language, sa.published_from, sa.published_to, sa.published_text,
      sa.created_at, sa.updated_at FROM source_article sa ${where}`,
};
type Kind = keyof typeof ROWS_OF;
const ALIAS: Record<Kind, [string, string]> = {
  organization: ['organization', 'o'], person: ['person', 'p'], actor: ['threat_actor', 'a'], member: ['actor_member', 'm'], campaign: ['campaign', 'c'],
  technique: ['attack_technique', 't'], country: ['country', 'c'], incident: ['incident', 'i'], target: ['incident_target', 't'],
  attribution: ['attribution', 'a'], statement: ['statement', 's'], response: ['response', 'r'], article: ['source_article', 'sa'],
};
/** Kinds read in physical order when the whole table is exported (member and country are always read by key). */
const PHYSICAL = new Set<Kind>(['organization', 'person', 'actor', 'campaign', 'technique', 'incident', 'target', 'attribution', 'response', 'article']);
/**
 * Kinds read in id order even when the whole table is exported, so that what hangs off a page is one range of each link
 * table's index (an ordered merge: `statement_id > $1 AND statement_id <= $2`) instead of one index search per row and
 * table. For the notes, four link tables and the sources: a page of 1,000 in physical order cost about 19,000 buffer hits
 * (2,800 index searches for the links alone), in id order about 10,000 (the links one search per table). The bundle's
 * order changes (not its content): notes come in id order.
 */
const BY_ID_RANGE = new Set<Kind>(['statement']);
const ROWS = Object.fromEntries(Object.entries(ROWS_OF).map(([kind, sql]) => [kind, sql(page(ALIAS[kind as Kind][1]))])) as Record<Kind, string>;
/** BY_ID_RANGE kinds over the whole table: keyset pages of BLOCK_BATCH rows (the garbage collector's page size), no scope. */
const ROWS_BY_ID = Object.fromEntries(Object.entries(ROWS_OF).map(([kind, sql]) => {
  const alias = ALIAS[kind as Kind][1];
  return [kind, sql(`WHERE ${alias}.id > $1::uuid ORDER BY ${alias}.id LIMIT ${BLOCK_BATCH}`)];
})) as Record<Kind, string>;
const ROWS_BY_BLOCKS = Object.fromEntries(Object.entries(ROWS_OF).map(([kind, sql]) => [kind, sql(blocks(ALIAS[kind as Kind][1]))])) as Record<Kind, string>;


const ACTOR_TYPE_SQL = (kind: string) => `CASE WHEN ${kind} IN ('STATE', 'INTELLIGENCE_AGENCY') THEN 'identity'
  WHEN ${kind} IN ('MILITARY_UNIT', 'INDIVIDUAL') THEN 'threat-actor' ELSE 'intrusion-set' END`;
const CLAIM_TYPE_SQL = `CASE WHEN a.status IN ('DENIED', 'DISPUTED') THEN 'opinion' ELSE 'relationship' END`;

/**
 * The rows of a page, as a condition on a column that refers to them: the page's ids ($1, `= ANY`), or, for a page of a
 * BY_ID_RANGE kind, the id range it covers ($1 < id ≤ $2, the previous page's last id and its own).
 */
type PageKey = { ids: string[]; range: null } | { ids: string[]; range: [string, string] };
const keyed = (key: PageKey, column: string) => (key.range ? `${column} > $1::uuid AND ${column} <= $2::uuid` : `${column} = ANY($1::uuid[])`);
const keyParams = (key: PageKey): unknown[] => (key.range ? [...key.range] : [key.ids]);

/** SQL: a page's citations ($1 the fact ids, or $1/$2 their range), from issue 9's citation table and the kind's own article-citation table. */
function citationsSql(factColumn: string, legacy?: { table: string; column: string; excerpt: boolean }, key?: PageKey): string {
  const of = (column: string) => (key ? keyed(key, column) : `${column} = ANY($1::uuid[])`);
  const legacySql = legacy
    ? `UNION ALL SELECT l.${legacy.column}::text, l.source_article_id::text, sa.title, sa.url, sa.publisher, ${legacy.excerpt ? 'l.excerpt' : 'NULL::text'},
         NULL, NULL, NULL, NULL FROM ${legacy.table} l JOIN source_article sa ON sa.id = l.source_article_id WHERE ${of(`l.${legacy.column}`)}`
    : '';
  return `SELECT c.${factColumn}::text AS key, c.source_article_id::text AS article, sa.title, sa.url, sa.publisher, c.excerpt,
      d.name AS dataset, d.version, r.record_type, r.record_key
    FROM citation c LEFT JOIN source_article sa ON sa.id = c.source_article_id
    LEFT JOIN dataset_record r ON r.id = c.dataset_record_id LEFT JOIN dataset d ON d.id = r.dataset_id
    WHERE ${of(`c.${factColumn}`)} ${legacySql}`;
}

/** A query on the export's own connection. */
type Query = (sql: string, params: unknown[]) => Promise<Record<string, any>[]>;

/**
 * timestamptz as PostgreSQL writes it in UTC ("2025-12-01 14:40:00.123456+00") → ISO 8601 with
 * milliseconds, truncated as a JavaScript Date would: the same text as
 * `new Date(parsed).toISOString()`, without building a Date per timestamp.
 */
export function isoFromPostgres(text: string): string {
  if (text.length >= 22 && text.charCodeAt(10) === 32 && text.charCodeAt(4) === 45 && text.endsWith('+00')) {
    const fraction = text.charCodeAt(19) === 46 ? `${text.slice(20, text.length - 3)}00`.slice(0, 3) : '000';
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction}Z`;
  }
  return new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString();
}
const TIMESTAMPTZ = 1184;
/** The pg type parsers of the export: the defaults, but timestamps straight to ISO text. */
const EXPORT_TYPES = { getTypeParser: (oid: number, format?: string) => (oid === TIMESTAMPTZ ? isoFromPostgres : pgTypes.getTypeParser(oid, format as 'text')) };

/**
 * The query function on a pg client, with the export's type parsers. Each statement is
 * prepared once per connection (named by its text): a page's lookups are the same few
 * statements a thousand times over, and planning each anew cost PostgreSQL milliseconds a page.
 */
function exportQuery(client: PoolClient): Query {
  const names = new Map<string, string>();
  return async (text, values) => {
    let name = names.get(text);
    if (name === undefined) names.set(text, (name = `stix-${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
    return (await client.query({ name, text, values, types: EXPORT_TYPES } as QueryConfig)).rows;
  };
}

/** The settings of every connection that reads pages, in its transaction. */
const READER_SETTINGS = [
  // Timestamps as UTC text (isoFromPostgres).
  `SET LOCAL TIME ZONE 'UTC'`,
  // A page is a few milliseconds of work: parallel workers (a process each, per page) would cost more than they save.
  `SET LOCAL max_parallel_workers_per_gather = 0`,
];

/**
 * Connections that read pages, the export's own included. Two: while Node maps a page, PostgreSQL reads the next two,
 * one on each, so the exporter no longer waits for one connection's round trips (42% of its time idle with one).
 */
const READERS = 2;

/** A connection reading pages: its queries and the lookups on them. */
interface Reader { query: Query; look: Lookups }

/**
 * The pool's pg client if one is free now (idle, or room for a new one, and nobody waiting), else null: an export never
 * waits for a second connection, so exports holding one each cannot starve one another of the rest.
 */
async function spareClient(dataSource: DataSource): Promise<PoolClient | null> {
  const pool = (dataSource.driver as unknown as { master?: { idleCount: number; totalCount: number; waitingCount: number; options: { max: number }; connect(): Promise<PoolClient> } }).master;
  if (!pool || pool.waitingCount > 0 || (pool.idleCount === 0 && pool.totalCount >= pool.options.max)) return null;
  return pool.connect();
}

/** What each page needs beside its rows: one query per relation for the whole page. */
class Lookups {
  constructor(private readonly query: Query, private readonly hasStix: boolean) {}

  /** Rows grouped by their `key` column. */
  async grouped(sql: string, params: unknown[]): Promise<Map<string, Record<string, any>[]>> {
    const out = new Map<string, Record<string, any>[]>();
    for (const row of await this.query(sql, params)) {
      const list = out.get(row.key);
      if (list) list.push(row);
      else out.set(row.key, [row]);
    }
    return out;
  }

  /** Citations per fact id, in a fixed order (article or record, then excerpt). */
  async citations(ids: string[] | PageKey, factColumn: string, legacy?: { table: string; column: string; excerpt: boolean }): Promise<Map<string, Citation[]>> {
    const grouped = Array.isArray(ids)
      ? await this.grouped(citationsSql(factColumn, legacy), [ids])
      : await this.grouped(citationsSql(factColumn, legacy, ids), keyParams(ids));
    const sortKey = (c: Record<string, any>) => `${c.article ?? c.record_key}\u0000${c.excerpt ?? ''}`;
    for (const list of grouped.values()) {
      if (list.length < 2) continue;
      const keyed = list.map((c) => ({ c, k: sortKey(c) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
      for (let i = 0; i < list.length; i++) list[i] = keyed[i].c;
    }
    return grouped as unknown as Map<string, Citation[]>;
  }

  /** The STIX objects imported into the given rows, by `table\0id`; nothing to read when nothing was ever imported. */
  async stix(pairsOf: () => [string, string | null | undefined][]): Promise<(table: string, id: string | null | undefined) => StoredStix[] | null> {
    // Nothing ever imported (a graph entered here): not even the pairs are built.
    if (!this.hasStix) return NONE_STORED;
    const wanted = pairsOf().filter((p): p is [string, string] => !!p[1]);
    const rows = (wanted.length ? await this.query(
        `SELECT row_table, row_id, stix_id, created, modified, imported_at FROM stix_object
          WHERE row_table = ANY($1::text[]) AND row_id = ANY($2::text[]) ORDER BY stix_id`,
        [[...new Set(wanted.map((p) => p[0]))], [...new Set(wanted.map((p) => String(p[1])))]]) : []) as
      { row_table: string; row_id: string; stix_id: string; created: string; modified: string; imported_at: string }[];
    const found = new Map<string, StoredStix[]>();
    for (const r of rows) {
      const k = `${r.row_table}\0${r.row_id}`;
      const stored = { id: r.stix_id, created: r.created, modified: r.modified, at: r.imported_at };
      found.set(k, [...(found.get(k) ?? []), stored]);
    }
    return (table, id) => (id ? found.get(`${table}\0${id}`) ?? null : null);
  }
}

const idsOf = (stored: StoredStix[] | null) => stored?.map((s) => s.id) ?? null;
const articleStix = (citations: Citation[][]) => citations.flat().filter((c) => c.article).map((c): [string, string] => ['source_article', c.article!]);
const NONE_STORED = () => null;
/**
 * Links (a note's refs, a report's cited_by) with the STIX ids imported into the rows they lead to; as they are when
 * nothing was ever imported (the mapping mints the ids): a million notes' links were copied for a null each.
 */
const withStix = (links: Record<string, any>[] | undefined, stix: (t: string, id: string | null) => StoredStix[] | null) =>
  stix === NONE_STORED ? links ?? [] : (links ?? []).map((x) => ({ ...x, stix: idsOf(stix(x.table, x.id)) }));
const withArticleStix = (list: Citation[] | undefined, stix: (t: string, id: string | null) => StoredStix[] | null) =>
  stix === NONE_STORED ? list ?? [] :
  (list ?? []).map((c) => ({ ...c, article_stix: idsOf(stix('source_article', c.article)) }));

/**
 * Fills in what the mapping (stix-export-mapping.ts) reads beside a page's own columns.
 * $2 of the link queries is the scope of the other end, so a scoped bundle refers only to objects it holds.
 */
async function enrich(kind: Kind, rows: Record<string, any>[], look: Lookups, scope: Scope, range: [string, string] | null = null): Promise<void> {
  const ids = rows.map((r) => String(r.id));
  const key: PageKey = range ? { ids, range } : { ids, range: null };
  switch (kind) {
    case 'organization': {
      const stix = await look.stix(() => ids.map((id) => ['organization', id]));
      for (const r of rows) r.stix = stix('organization', r.id);
      return;
    }
    case 'person': {
      const stix = await look.stix(() => rows.flatMap((r) => [['person', r.id], ['organization', r.organization_id]] as [string, string][]));
      for (const r of rows) Object.assign(r, { stix: stix('person', r.id), organization_stix: idsOf(stix('organization', r.organization_id)) });
      return;
    }
    case 'actor': {
      const aliases = await look.grouped(`SELECT actor_id::text AS key, name, source FROM actor_alias WHERE actor_id = ANY($1::uuid[])`, [ids]);
      const external = await look.grouped(`SELECT actor_id::text AS key, source, external_id FROM actor_external_id WHERE actor_id = ANY($1::uuid[])`, [ids]);
      const references = await look.grouped(`SELECT actor_id::text AS key, url, source FROM actor_reference WHERE actor_id = ANY($1::uuid[])`, [ids]);
      const citations = await look.citations(ids, 'threat_actor_id');
      const ties = await look.citations(ids, 'actor_tie_actor_id');
      const victims = await look.grouped(
        `SELECT actor_id::text AS key, name, country_code, source FROM actor_suspected_victim WHERE actor_id = ANY($1::uuid[]) ORDER BY name`, [ids]);
      const sectors = await look.grouped(
        `SELECT actor_id::text AS key, sector, source FROM actor_targeted_sector WHERE actor_id = ANY($1::uuid[]) ORDER BY sector`, [ids]);
      const stix = await look.stix(() => [
        ...rows.flatMap((r) => [['threat_actor', r.id], ['threat_actor_parent', r.id], ['threat_actor', r.parent_id]] as [string, string][]),
        ...articleStix([...citations.values(), ...ties.values()]),
        ...[...victims.values()].flat().flatMap((v) => [['actor_suspected_victim', `${v.key}:${v.name}`], ['actor_suspected_victim_party', `${v.key}:${v.name}`],
          ['country', v.country_code]] as [string, string][]),
        ...[...sectors.values()].flat().flatMap((v) => [['actor_targeted_sector', `${v.key}:${v.sector}`], ['actor_targeted_sector_party', `${v.key}:${v.sector}`]] as [string, string][]),
      ]);
      const byText = (key: string) => (a: Record<string, any>, b: Record<string, any>) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0);
      for (const r of rows) {
        Object.assign(r, {
          aliases: (aliases.get(r.id) ?? []).sort(byText('name')),
          external_ids: (external.get(r.id) ?? []).sort((a, b) => byText('source')(a, b) || byText('external_id')(a, b)),
          references: (references.get(r.id) ?? []).sort(byText('url')),
          citations: withArticleStix(citations.get(r.id), stix), tie_citations: withArticleStix(ties.get(r.id), stix),
          stix: stix('threat_actor', r.id), tie_stix: stix('threat_actor_parent', r.id), parent_stix: idsOf(stix('threat_actor', r.parent_id)),
          victims: (victims.get(r.id) ?? []).map((v) => ({ name: v.name, country_code: v.country_code, source: v.source,
            stix: stix('actor_suspected_victim', `${r.id}:${v.name}`), party_stix: stix('actor_suspected_victim_party', `${r.id}:${v.name}`),
            country_stix: idsOf(stix('country', v.country_code)) })),
          sectors: (sectors.get(r.id) ?? []).map((v) => ({ sector: v.sector, source: v.source,
            stix: stix('actor_targeted_sector', `${r.id}:${v.sector}`), party_stix: stix('actor_targeted_sector_party', `${r.id}:${v.sector}`) })),
        });
      }
      return;
    }
    case 'member': {
      const citations = await look.citations(ids, 'actor_member_id');
      const stix = await look.stix(() => [
        ...rows.flatMap((r) => [['actor_member', r.id], ['threat_actor', r.actor_id], ['person', r.person_id]] as [string, string][]),
        ...articleStix([...citations.values()]),
      ]);
      for (const r of rows) {
        Object.assign(r, { citations: withArticleStix(citations.get(r.id), stix), stix: stix('actor_member', r.id),
          actor_stix: idsOf(stix('threat_actor', r.actor_id)), person_stix: idsOf(stix('person', r.person_id)) });
      }
      return;
    }
    case 'campaign': {
      const citations = await look.citations(ids, 'campaign_id');
      const stix = await look.stix(() => [...ids.map((id): [string, string] => ['campaign', id]), ...articleStix([...citations.values()])]);
      for (const r of rows) Object.assign(r, { citations: withArticleStix(citations.get(r.id), stix), stix: stix('campaign', r.id) });
      return;
    }
    case 'technique':
    case 'country': {
      const table = kind === 'technique' ? 'attack_technique' : 'country';
      const stix = await look.stix(() => ids.map((id) => [table, id]));
      for (const r of rows) r.stix = stix(table, r.id);
      return;
    }
    case 'incident': {
      const citations = await look.citations(ids, 'incident_id', { table: 'incident_source', column: 'incident_id', excerpt: false });
      const stix = await look.stix(() => [
        ...rows.flatMap((r) => [['incident', r.id], ['campaign', r.campaign_id], ...r.technique_ids.map((t: string) => ['attack_technique', t])] as [string, string][]),
        ...articleStix([...citations.values()]),
      ]);
      for (const r of rows) {
        Object.assign(r, {
          citations: withArticleStix(citations.get(r.id), stix), stix: stix('incident', r.id), campaign_stix: idsOf(stix('campaign', r.campaign_id)),
          technique_stix: Object.fromEntries(r.technique_ids.map((t: string) => [t, idsOf(stix('attack_technique', t))])),
        });
      }
      return;
    }
    case 'target': {
      const citations = await look.citations(ids, 'incident_target_id');
      const party = (r: Record<string, any>): [string, string] | null =>
        r.organization_id ? ['organization', r.organization_id] : r.person_id ? ['person', r.person_id] : r.country_code ? ['country', r.country_code] : null;
      const stix = await look.stix(() => [
        ...rows.flatMap((r) => [['incident_target', r.id], ['incident_target_party', r.id], ['incident', r.incident_id], party(r) ?? ['', null]] as [string, string][]),
        ...articleStix([...citations.values()]),
      ]);
      for (const r of rows) {
        const p = party(r);
        Object.assign(r, {
          citations: withArticleStix(citations.get(r.id), stix), stix: stix('incident_target', r.id), party_stix_own: stix('incident_target_party', r.id),
          incident_stix: idsOf(stix('incident', r.incident_id)), party_stix: p ? idsOf(stix(p[0], p[1])) : null,
        });
      }
      return;
    }
    case 'attribution': {
      const citations = await look.citations(ids, 'attribution_id', { table: 'attribution_source', column: 'attribution_id', excerpt: true });
      const denials = rows.filter((r) => r.status === 'DENIED' || r.status === 'DISPUTED').map((r) => r.id);
      const contested = denials.length ? await look.grouped(
        `SELECT a.id::text AS key, c.id::text AS id FROM attribution a JOIN attribution c ON c.actor_id = a.actor_id
           AND c.status IN ('ASSERTED', 'RETRACTED') AND (c.incident_id = a.incident_id OR c.campaign_id = a.campaign_id)
          WHERE a.id = ANY($1::uuid[]) AND ${inScope('c.id', '$2')} ORDER BY c.id`, [denials, scope.attributions]) : new Map();
      const stix = await look.stix(() => [
        ...rows.flatMap((r) => [
          ['attribution', r.id], ['threat_actor', r.actor_id], r.incident_id ? ['incident', r.incident_id] : ['campaign', r.campaign_id],
          ['organization', r.attributed_by_organization_id], ['person', r.attributed_by_person_id],
          ...(contested.get(r.id) ?? []).map((c: Record<string, any>) => ['attribution', c.id]),
        ] as [string, string][]),
        ...articleStix([...citations.values()]),
      ]);
      for (const r of rows) {
        Object.assign(r, {
          citations: withArticleStix(citations.get(r.id), stix), stix: stix('attribution', r.id), actor_stix: idsOf(stix('threat_actor', r.actor_id)),
          subject_stix: idsOf(r.incident_id ? stix('incident', r.incident_id) : stix('campaign', r.campaign_id)),
          organization_stix: idsOf(stix('organization', r.attributed_by_organization_id)), person_stix: idsOf(stix('person', r.attributed_by_person_id)),
          contested: contested.has(r.id) ? contested.get(r.id)!.map((c: Record<string, any>) => ({ id: c.id, stix: idsOf(stix('attribution', c.id)) })) : null,
        });
      }
      return;
    }
    case 'statement': {
      // A range of ids is a page of the whole table: every other end is in the bundle, no scope to check.
      const held = (column: string, param: string) => (key.range ? '' : ` AND ${inScope(column, param)}`);
      const refs = await look.grouped(
        `SELECT si.statement_id::text AS key, 'incident' AS table, si.incident_id::text AS id, 'incident' AS type
           FROM statement_incident si WHERE ${keyed(key, 'si.statement_id')}${held('si.incident_id', '$2')}
         UNION ALL SELECT sa.statement_id::text, 'threat_actor', sa.actor_id::text, ${ACTOR_TYPE_SQL('ta.kind')}
           FROM statement_actor sa JOIN threat_actor ta ON ta.id = sa.actor_id WHERE ${keyed(key, 'sa.statement_id')}${held('sa.actor_id', '$3')}
         UNION ALL SELECT at.statement_id::text, 'attribution', at.attribution_id::text, ${CLAIM_TYPE_SQL}
           FROM attribution_statement at JOIN attribution a ON a.id = at.attribution_id WHERE ${keyed(key, 'at.statement_id')}${held('at.attribution_id', '$4')}
         UNION ALL SELECT sc.statement_id::text, 'country', sc.country_code, 'location'
           FROM statement_country sc WHERE ${keyed(key, 'sc.statement_id')}${held('sc.country_code', '$5')}`,
        key.range ? keyParams(key) : [ids, scope.incidents, scope.actors, scope.attributions, scope.countries]);
      const citations = await look.citations(key, 'statement_id', { table: 'statement_source', column: 'statement_id', excerpt: true });
      const stix = await look.stix(() => [
        ...rows.flatMap((r) => [['statement', r.id], ['person', r.speaker_person_id], ['organization', r.speaker_organization_id],
          ...(refs.get(r.id) ?? []).map((x) => [x.table, x.id])] as [string, string][]),
        ...articleStix([...citations.values()]),
      ]);
      for (const r of rows) {
        Object.assign(r, {
          citations: withArticleStix(citations.get(r.id), stix), stix: stix('statement', r.id),
          speaker_person_stix: idsOf(stix('person', r.speaker_person_id)), speaker_organization_stix: idsOf(stix('organization', r.speaker_organization_id)),
          refs: withStix(refs.get(r.id), stix),
        });
      }
      return;
    }
    case 'response': {
      const citations = await look.citations(ids, 'response_id');
      // In a scoped bundle, only what it responds to that the bundle holds (at least one: that is how it is in scope).
      const held = (set: Set<string> | null, id: string | null) => (id && (set === null || set.has(String(id))) ? id : null);
      const stix = await look.stix(() => [
        ...rows.flatMap((r) => [['response', r.id], ['organization', r.responder_organization_id], ['person', r.responder_person_id],
          ['incident', r.incident_id], ['attribution', r.attribution_id], ['threat_actor', r.actor_id]] as [string, string][]),
        ...articleStix([...citations.values()]),
      ]);
      const incidents = scope.incidents && new Set(scope.incidents);
      const attributions = scope.attributions && new Set(scope.attributions);
      const actors = scope.actors && new Set(scope.actors);
      for (const r of rows) {
        Object.assign(r, {
          incident_id: held(incidents, r.incident_id), attribution_id: held(attributions, r.attribution_id), actor_id: held(actors, r.actor_id),
        });
        Object.assign(r, {
          citations: withArticleStix(citations.get(r.id), stix), stix: stix('response', r.id),
          responder_organization_stix: idsOf(stix('organization', r.responder_organization_id)), responder_person_stix: idsOf(stix('person', r.responder_person_id)),
          incident_stix: idsOf(stix('incident', r.incident_id)), attribution_stix: idsOf(stix('attribution', r.attribution_id)), actor_stix: idsOf(stix('threat_actor', r.actor_id)),
        });
      }
      return;
    }
    case 'article': {
      const cited = await look.grouped(
        `SELECT DISTINCT x.article AS key, 'incident' AS table, x.id::text AS id, 'incident' AS type FROM (
           SELECT source_article_id::text AS article, incident_id AS id FROM incident_source WHERE source_article_id = ANY($1::uuid[])
           UNION SELECT source_article_id::text, incident_id FROM citation WHERE source_article_id = ANY($1::uuid[]) AND incident_id IS NOT NULL) x
          WHERE ${inScope('x.id', '$2')}
         UNION ALL SELECT DISTINCT x.article, 'statement', x.id::text, 'note' FROM (
           SELECT source_article_id::text AS article, statement_id AS id FROM statement_source WHERE source_article_id = ANY($1::uuid[])
           UNION SELECT source_article_id::text, statement_id FROM citation WHERE source_article_id = ANY($1::uuid[]) AND statement_id IS NOT NULL) x
          WHERE ${inScope('x.id', '$3')}
         UNION ALL SELECT DISTINCT x.article, 'attribution', x.id::text, ${CLAIM_TYPE_SQL} FROM (
           SELECT source_article_id::text AS article, attribution_id AS id FROM attribution_source WHERE source_article_id = ANY($1::uuid[])
           UNION SELECT source_article_id::text, attribution_id FROM citation WHERE source_article_id = ANY($1::uuid[]) AND attribution_id IS NOT NULL) x
           JOIN attribution a ON a.id = x.id WHERE ${inScope('x.id', '$4')}
         UNION ALL SELECT DISTINCT source_article_id::text, 'response', response_id::text, 'note' FROM citation
          WHERE source_article_id = ANY($1::uuid[]) AND response_id IS NOT NULL AND ${inScope('response_id', '$5')}`,
        [ids, scope.incidents, scope.statements, scope.attributions, scope.responses]);
      const stix = await look.stix(() => [
        ...rows.flatMap((r) => [['source_article', r.id], ...(cited.get(r.id) ?? []).map((x) => [x.table, x.id])] as [string, string][]),
      ]);
      for (const r of rows) {
        Object.assign(r, { stix: stix('source_article', r.id), cited_by: withStix(cited.get(r.id), stix) });
      }
      return;
    }
  }
}

/**
 * The STIX 2.1 export: reads the graph in keyset-paged batches inside one repeatable-read
 * snapshot and yields STIX objects as it goes, so memory stays flat whatever the size.
 * The mapping itself is in stix-export-mapping.ts.
 */
@Injectable()
export class StixExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentService,
  ) {}

  /** The bundle id: UUIDv5 of what was asked, so the same request on the same graph gives the same bundle. */
  bundleId(request: StixExportRequest): string {
    return `bundle--${uuidv5(`bundle:${JSON.stringify(request)}`)}`;
  }

  /** Checks the request (unknown incident or actor → NOT_FOUND) and yields the bundle's objects. */
  async *objects(request: StixExportRequest): AsyncGenerator<StixObject> {
    for await (const page of this.pages(request)) yield* page;
  }

  /**
   * The bundle's objects a page at a time (one page of rows of one kind → its objects): what
   * the download writes, without a promise per object. While one page is mapped and written,
   * PostgreSQL already reads the next two, one on each of two connections on the same snapshot
   * (a keyset page's cursor is known once the previous page's rows are in), so the two cores
   * work side by side and the exporter does not wait for one connection's round trips.
   */
  pages(request: StixExportRequest, trace?: ExportTrace, only?: ReadonlySet<string>): AsyncGenerator<StixObject[]> {
    return this.mapped(request, false, trace, only) as AsyncGenerator<StixObject[]>;
  }

  /**
   * The same pages with each object already as its JSON text (what the download and the
   * benchmark write): serialised as soon as it is mapped, so the object dies young, and only
   * its text outlives the page (the objects of a 4,000-row page, kept until the page was
   * written, were most of the export's garbage collection).
   */
  jsonPages(request: StixExportRequest, trace?: ExportTrace, only?: ReadonlySet<string>): AsyncGenerator<string[]> {
    return this.mapped(request, true, trace, only) as AsyncGenerator<string[]>;
  }

  /** `only`: the kinds of rows to read (the benchmark's STIX_BENCH_KINDS, to time one kind); all of them when absent. */
  private async *mapped(request: StixExportRequest, asText: boolean, trace?: ExportTrace, only?: ReadonlySet<string>): AsyncGenerator<(StixObject | string)[]> {
    const emit = asText ? (object: StixObject) => JSON.stringify(object) : (object: StixObject) => object;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    // Connections beside the runner's, each in a transaction on the runner's snapshot.
    const extra: PoolClient[] = [];
    // Every page read or being read, settled or not: awaited before the connections go back to the pool.
    const inFlight = new Set<Promise<unknown>>();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      for (const setting of READER_SETTINGS) await runner.query(setting);
      const scope = await this.scope(runner, request);
      yield [emit(producerIdentity() as StixObject), emit(extensionDefinition() as StixObject)];
      const [{ imported }] = await runner.query(`SELECT EXISTS (SELECT 1 FROM stix_object) AS imported`);
      const own = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      await this.joinSnapshot(runner, extra, READERS - 1);
      const readers: Reader[] = [own, ...extra].map((client) => {
        const query = exportQuery(client);
        return { query, look: new Lookups(query, imported) };
      });
      // Statements, claims and articles map straight to JSON text (statementJson, attributionJson, articleJson; null: no object): the text
      // path takes it as it is, the object path parses it.
      const kinds: [Kind, string[] | null, (row: any) => StixObject | StixObject[] | null, string, ((row: any) => string | null)?][] = [
        ['organization', scope.organizations, organizationObject, NO_UUID],
        ['person', scope.people, personObject, NO_UUID],
        ['country', scope.countries, countryObject, ''],
        ['actor', scope.actors, actorObjects, NO_UUID],
        ['member', scope.actors, memberObject, NO_UUID],
        ['campaign', scope.campaigns, campaignObject, NO_UUID],
        ['technique', scope.techniques, techniqueObject, ''],
        ['incident', scope.incidents, incidentObject, NO_UUID],
        ['target', scope.targets, targetObjects, NO_UUID],
        ['attribution', scope.attributions, attributionObject, NO_UUID, attributionJson],
        ['statement', scope.statements, statementObject, NO_UUID, statementJson],
        ['response', scope.responses, responseObject, NO_UUID],
        ['article', scope.articles, articleObject, NO_UUID, articleJson],
      ];
      let turn = 0;
      for (const [kind, inScopeIds, map, start, json] of kinds) {
        if (only && !only.has(kind)) continue;
        const stats = { kind, rows: 0, objects: 0, sqlMs: 0, mapMs: 0 };
        // The whole table: block ranges of about BATCH rows, up to the table's size in this snapshot (rows visible to it are in
        // blocks that existed when it began). Otherwise keyset pages in id order, within the scope.
        const physical = inScopeIds === null && PHYSICAL.has(kind) ? await this.blockRanges(runner, ALIAS[kind][0]) : null;
        const byRange = inScopeIds === null && BY_ID_RANGE.has(kind);
        const full = byRange ? BLOCK_BATCH : BATCH;
        const ranges = physical ? Math.max(1, Math.ceil(physical.blocks / physical.step)) : Infinity;
        /**
         * Page `index` of the kind, on the next reader in turn (counted over all kinds, so that a small graph uses every reader
         * too): its rows, then what hangs off them. A keyset page starts after the previous page's last id, so its rows query
         * waits for the previous page's rows (not for their lookups). null: no such page.
         */
        type Page = { rows: Promise<Record<string, any>[] | null>; done: Promise<Record<string, any>[] | null> };
        const read = (index: number, previous: Page | null): Page => {
          const reader = readers[turn++ % readers.length];
          let cursor = start;
          let started = 0;
          const rows = (async () => {
            if (physical) {
              started = performance.now();
              return reader.query(ROWS_BY_BLOCKS[kind], [`(${index * physical.step},0)`, `(${(index + 1) * physical.step},0)`]);
            }
            if (previous) {
              const before = await previous.rows;
              if (!before || before.length < full) return null;
              cursor = String(before[before.length - 1].id);
            }
            started = performance.now();
            return byRange ? reader.query(ROWS_BY_ID[kind], [cursor]) : reader.query(ROWS[kind], [cursor, inScopeIds]);
          })();
          const done = (async () => {
            const got = await rows;
            if (got?.length) await enrich(kind, got, reader.look, scope, byRange ? [cursor, String(got[got.length - 1].id)] : null);
            if (got) stats.sqlMs += performance.now() - started;
            return got;
          })();
          // Handled here so that a failure while the consumer writes is not an unhandled rejection; the loop awaits `done` and throws it.
          for (const p of [rows, done]) {
            const settled = p.then(() => undefined, () => undefined);
            inFlight.add(settled);
            void settled.then(() => inFlight.delete(settled));
          }
          return { rows, done };
        };
        // Bounded read-ahead: as many pages in flight as there are readers, one each; memory holds those and the page being written.
        const ahead: Page[] = [];
        let requested = 0;
        let last: Page | null = null;
        for (let index = 0; ; index++) {
          while (ahead.length < readers.length && requested < ranges) ahead.push((last = read(requested++, last)));
          const rows = await ahead.shift()!.done;
          if (rows === null || (rows.length === 0 && !physical)) break;
          const mapping = performance.now();
          const out: (StixObject | string)[] = [];
          if (json && asText) {
            for (const row of rows) {
              const object = json(row);
              if (object !== null) out.push(object);
            }
          }
          else for (const row of rows) {
            const mapped = map(row);
            if (Array.isArray(mapped)) for (const o of mapped) out.push(emit(o));
            else if (mapped) out.push(emit(mapped));
          }
          stats.mapMs += performance.now() - mapping;
          stats.rows += rows.length;
          stats.objects += out.length;
          const end = physical ? index + 1 >= ranges : rows.length < full;
          rows.length = 0;
          yield out;
          if (end) break;
        }
        trace?.(stats);
      }
      await runner.commitTransaction();
    } finally {
      // A consumer that stops early (a client gone) or an error: the pages still being read finish first, then every connection is released.
      await Promise.all([...inFlight]);
      for (const client of extra) {
        try {
          await client.query('ROLLBACK');
          client.release();
        } catch (error) {
          client.release(error as Error);
        }
      }
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  /**
   * Up to `wanted` more connections on the runner's snapshot (pg_export_snapshot, then SET TRANSACTION SNAPSHOT in each:
   * pg_dump's way), so that they read the same graph as of the same moment. Only connections the pool has free: with none,
   * the export reads on its own connection alone.
   */
  private async joinSnapshot(runner: QueryRunner, into: PoolClient[], wanted: number): Promise<void> {
    if (wanted <= 0) return;
    let snapshot: string | null = null;
    for (let i = 0; i < wanted; i++) {
      const client = await spareClient(this.dataSource);
      if (!client) return;
      into.push(client);
      snapshot ??= ((await runner.query('SELECT pg_export_snapshot() AS snapshot')) as { snapshot: string }[])[0].snapshot;
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
      for (const setting of READER_SETTINGS) await client.query(setting);
    }
  }

  /** A table's size in blocks, and how many blocks hold about BATCH rows (by the planner's statistics). */
  private async blockRanges(runner: QueryRunner, table: string): Promise<{ blocks: number; step: number }> {
    const [row] = await runner.query(
      `SELECT (pg_relation_size($1::regclass) / current_setting('block_size')::int)::int AS blocks, reltuples::float8 AS tuples, relpages::int AS pages
         FROM pg_class WHERE oid = $1::regclass`, [table]);
    const perBlock = row.tuples > 0 && row.pages > 0 ? row.tuples / row.pages : 10;
    return { blocks: row.blocks, step: Math.max(1, Math.floor(BLOCK_BATCH / Math.max(1, perBlock))) };
  }

  /** The id lists of a scoped export; all null for everything. */
  private async scope(runner: QueryRunner, request: StixExportRequest): Promise<Scope> {
    const all = (): Scope => ({
      incidents: null, attributions: null, campaigns: null, actors: null, statements: null, organizations: null,
      people: null, articles: null, countries: null, techniques: null, targets: null, responses: null,
    });
    const column = async (sql: string, params: unknown[]): Promise<string[]> =>
      (await runner.query(sql, params)).map((r: { id: string }) => String(r.id));
    let incidents: string[] = [];
    let attributions: string[];
    let scopeActors: string[] = [];
    if (request.actorId) {
      const found = await column(`SELECT id FROM threat_actor WHERE id::text = $1`, [request.actorId]);
      if (!found.length) throw new NotFoundError('ThreatActor', request.actorId);
      scopeActors = request.includeDescendants ? await column(`${subtreeCte('$1::uuid[]')} SELECT id FROM subtree`, [found]) : found;
      attributions = await column(`SELECT id FROM attribution WHERE actor_id = ANY($1::uuid[])`, [scopeActors]);
      incidents = await column(`SELECT DISTINCT incident_id AS id FROM attribution WHERE id = ANY($1::uuid[]) AND incident_id IS NOT NULL`, [attributions]);
    } else if (request.incidentId) {
      incidents = await column(`SELECT id FROM incident WHERE id::text = $1`, [request.incidentId]);
      if (!incidents.length) throw new NotFoundError('Incident', request.incidentId);
      attributions = await column(`SELECT id FROM attribution WHERE incident_id = ANY($1::uuid[])`, [incidents]);
    } else if (request.incidentFilter) {
      const query = (await this.incidents.filtered(request.incidentFilter)).select('incident.id', 'id');
      const [sql, params] = query.getQueryAndParameters();
      incidents = await column(sql, params);
      attributions = await column(`SELECT id FROM attribution WHERE incident_id = ANY($1::uuid[])`, [incidents]);
    } else {
      return this.everything(runner, all());
    }
    const campaigns = await column(
      `SELECT campaign_id AS id FROM incident WHERE id = ANY($1::uuid[]) AND campaign_id IS NOT NULL
       UNION SELECT campaign_id FROM attribution WHERE id = ANY($2::uuid[]) AND campaign_id IS NOT NULL`, [incidents, attributions]);
    // The actors named, and every actor above them, so that each tie in the bundle has both ends.
    const actors = await column(
      `WITH RECURSIVE up(id) AS (
         SELECT actor_id FROM attribution WHERE id = ANY($1::uuid[]) UNION SELECT unnest($2::uuid[])
         UNION SELECT a.parent_id FROM threat_actor a JOIN up ON a.id = up.id WHERE a.parent_id IS NOT NULL)
       SELECT id FROM up`, [attributions, scopeActors]);
    const statements = await column(
      `SELECT statement_id AS id FROM statement_incident WHERE incident_id = ANY($1::uuid[])
       UNION SELECT statement_id FROM statement_actor WHERE actor_id = ANY($2::uuid[])
       UNION SELECT statement_id FROM attribution_statement WHERE attribution_id = ANY($3::uuid[])`, [incidents, scopeActors, attributions]);
    const targets = await column(`SELECT id FROM incident_target WHERE incident_id = ANY($1::uuid[])`, [incidents]);
    const responses = await column(
      `SELECT id FROM response WHERE incident_id = ANY($1::uuid[]) OR attribution_id = ANY($2::uuid[]) OR actor_id = ANY($3::uuid[])`,
      [incidents, attributions, scopeActors]);
    const people = await column(
      `SELECT attributed_by_person_id AS id FROM attribution WHERE id = ANY($1::uuid[]) AND attributed_by_person_id IS NOT NULL
       UNION SELECT speaker_person_id FROM statement WHERE id = ANY($2::uuid[]) AND speaker_person_id IS NOT NULL
       UNION SELECT person_id FROM incident_target WHERE id = ANY($3::uuid[]) AND person_id IS NOT NULL
       UNION SELECT person_id FROM actor_member WHERE actor_id = ANY($4::uuid[])
       UNION SELECT responder_person_id FROM response WHERE id = ANY($5::uuid[]) AND responder_person_id IS NOT NULL`, [attributions, statements, targets, actors, responses]);
    const organizations = await column(
      `SELECT attributed_by_organization_id AS id FROM attribution WHERE id = ANY($1::uuid[]) AND attributed_by_organization_id IS NOT NULL
       UNION SELECT speaker_organization_id FROM statement WHERE id = ANY($2::uuid[]) AND speaker_organization_id IS NOT NULL
       UNION SELECT organization_id FROM incident_target WHERE id = ANY($3::uuid[]) AND organization_id IS NOT NULL
       UNION SELECT organization_id FROM person WHERE id = ANY($4::uuid[]) AND organization_id IS NOT NULL
       UNION SELECT responder_organization_id FROM response WHERE id = ANY($5::uuid[]) AND responder_organization_id IS NOT NULL`,
      [attributions, statements, targets, people, responses]);
    const scope: Scope = { ...all(), incidents, attributions, campaigns, actors, statements, targets, people, organizations, responses };
    return this.referenced(runner, scope);
  }

  /** The whole graph: every table in full, but only the countries and techniques that something refers to. */
  private async everything(runner: QueryRunner, scope: Scope): Promise<Scope> {
    return this.referenced(runner, scope);
  }

  /** Countries, techniques and articles: those the facts in scope refer to. */
  private async referenced(runner: QueryRunner, scope: Scope): Promise<Scope> {
    const column = async (sql: string, params: unknown[]): Promise<string[]> =>
      (await runner.query(sql, params)).map((r: { id: string }) => String(r.id));
    const countries = await column(
      `SELECT country_code AS id FROM incident_target WHERE country_code IS NOT NULL AND ${inScope('id', '$1')}
       UNION SELECT country_code FROM statement_country WHERE ${inScope('statement_id', '$2')}
       UNION SELECT country_code FROM actor_suspected_victim WHERE country_code IS NOT NULL AND ${inScope('actor_id', '$3')}`,
      [scope.targets, scope.statements, scope.actors]);
    const techniques = await column(
      `SELECT DISTINCT unnest(technique_ids) AS id FROM incident WHERE ${inScope('id', '$1')}
       UNION SELECT id FROM attack_technique WHERE id IN (SELECT row_id FROM stix_object WHERE row_table = 'attack_technique') AND $1::text[] IS NULL`,
      [scope.incidents]);
    const articles = scope.incidents === null ? null : await column(
      `SELECT source_article_id AS id FROM incident_source WHERE incident_id = ANY($1::uuid[])
       UNION SELECT source_article_id FROM statement_source WHERE statement_id = ANY($2::uuid[])
       UNION SELECT source_article_id FROM attribution_source WHERE attribution_id = ANY($3::uuid[])
       UNION SELECT source_article_id FROM citation WHERE source_article_id IS NOT NULL
         AND (incident_id = ANY($1::uuid[]) OR statement_id = ANY($2::uuid[]) OR attribution_id = ANY($3::uuid[]) OR response_id = ANY($4::uuid[]))`,
      [scope.incidents, scope.statements, scope.attributions, scope.responses]);
    return { ...scope, countries, techniques: techniques.filter((t) => t !== 'null'), articles };
  }
}
