import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { subtreeCte } from '../actors/threat-actor.service';
import { NotFoundError } from '../common/errors';
import { IncidentFilter } from '../incidents/incident.inputs';
import { IncidentService } from '../incidents/incident.service';
import { extensionDefinition, producerIdentity } from './stix-extension';
import {
  StixObject, actorObjects, memberObject, articleObject, attributionObject, campaignObject, countryObject, incidentObject, organizationObject,
  personObject, statementObject, targetObjects, techniqueObject,
} from './stix-export-mapping';
import { uuidv5 } from './stix-id';

/** What to export: one incident, one actor (with its descendants or not), the incidents of a filter, or everything. */
export interface StixExportRequest {
  incidentId?: string;
  actorId?: string;
  includeDescendants?: boolean;
  incidentFilter?: IncidentFilter;
}

/** The rows in the export: an id list per table, or null for all of them (the whole graph). */
interface Scope {
  incidents: string[] | null; attributions: string[] | null; campaigns: string[] | null; actors: string[] | null;
  statements: string[] | null; organizations: string[] | null; people: string[] | null; articles: string[] | null;
  countries: string[] | null; techniques: string[] | null; targets: string[] | null;
}

/** Rows read per query: enough to amortise the round trip, few enough to keep memory flat. */
const BATCH = 2000;
const NO_UUID = '00000000-0000-0000-0000-000000000000';

/** SQL: what stix_object remembers of the objects imported into a row (jsonb list, or null). */
const own = (table: string, id: string) => `(SELECT jsonb_agg(jsonb_build_object('id', so.stix_id, 'created', so.created, 'modified', so.modified,
  'at', so.imported_at) ORDER BY so.stix_id) FROM stix_object so WHERE so.row_table = '${table}' AND so.row_id = (${id})::text)`;
/** SQL: the STIX ids imported into a row (text[], or null). */
const ids = (table: string, id: string) =>
  `(SELECT array_agg(so.stix_id ORDER BY so.stix_id) FROM stix_object so WHERE so.row_table = '${table}' AND so.row_id = (${id})::text)`;
const inScope = (column: string, param: string) => `(${param}::text[] IS NULL OR ${column}::text = ANY(${param}::text[]))`;

/** SQL: a fact's citations, from issue 9's citation table and from the article-citation table of its kind. */
function citations(factColumn: string, id: string, legacy?: { table: string; column: string; excerpt: boolean }): string {
  const article = `c.source_article_id AS article, ${ids('source_article', 'c.source_article_id')} AS article_stix, sa.title, sa.url, sa.publisher`;
  const legacySql = legacy
    ? `UNION ALL SELECT l.source_article_id AS article, ${ids('source_article', 'l.source_article_id')}, sa.title, sa.url, sa.publisher,
         ${legacy.excerpt ? 'l.excerpt' : 'NULL::text'},
         NULL, NULL, NULL, NULL FROM ${legacy.table} l JOIN source_article sa ON sa.id = l.source_article_id WHERE l.${legacy.column} = ${id}`
    : '';
  return `(SELECT jsonb_agg(to_jsonb(x) ORDER BY coalesce(x.article::text, x.record_key), x.excerpt) FROM (
    SELECT ${article}, c.excerpt, d.name AS dataset, d.version, r.record_type, r.record_key
      FROM citation c LEFT JOIN source_article sa ON sa.id = c.source_article_id
      LEFT JOIN dataset_record r ON r.id = c.dataset_record_id LEFT JOIN dataset d ON d.id = r.dataset_id
     WHERE c.${factColumn} = ${id} ${legacySql}) x)`;
}

/** SQL of each kind of row: $1 the keyset cursor, $2… the scope lists it needs. */
const QUERIES = {
  organization: `SELECT o.*, ${own('organization', 'o.id')} AS stix FROM organization o
    WHERE o.id > $1 AND ${inScope('o.id', '$2')} ORDER BY o.id LIMIT ${BATCH}`,
  person: `SELECT p.*, ${ids('organization', 'p.organization_id')} AS organization_stix, ${own('person', 'p.id')} AS stix FROM person p
    WHERE p.id > $1 AND ${inScope('p.id', '$2')} ORDER BY p.id LIMIT ${BATCH}`,
  actor: `SELECT a.*, p.kind AS parent_kind, ${ids('threat_actor', 'a.parent_id')} AS parent_stix,
      (SELECT jsonb_agg(jsonb_build_object('name', al.name, 'source', al.source) ORDER BY al.name) FROM actor_alias al WHERE al.actor_id = a.id) AS aliases,
      (SELECT jsonb_agg(jsonb_build_object('source', e.source, 'external_id', e.external_id) ORDER BY e.source, e.external_id)
         FROM actor_external_id e WHERE e.actor_id = a.id) AS external_ids,
      (SELECT jsonb_agg(jsonb_build_object('url', r.url, 'source', r.source) ORDER BY r.url) FROM actor_reference r WHERE r.actor_id = a.id) AS references,
      ${citations('threat_actor_id', 'a.id')} AS citations, ${citations('actor_tie_actor_id', 'a.id')} AS tie_citations,
      ${own('threat_actor', 'a.id')} AS stix, ${own('threat_actor_parent', 'a.id')} AS tie_stix
    FROM threat_actor a LEFT JOIN threat_actor p ON p.id = a.parent_id
    WHERE a.id > $1 AND ${inScope('a.id', '$2')} ORDER BY a.id LIMIT ${BATCH}`,
  campaign: `SELECT c.*, ${citations('campaign_id', 'c.id')} AS citations, ${own('campaign', 'c.id')} AS stix FROM campaign c
    WHERE c.id > $1 AND ${inScope('c.id', '$2')} ORDER BY c.id LIMIT ${BATCH}`,
  technique: `SELECT t.*, ${own('attack_technique', 't.id')} AS stix FROM attack_technique t
    WHERE t.id > $1 AND ${inScope('t.id', '$2')} ORDER BY t.id LIMIT ${BATCH}`,
  country: `SELECT c.code, c.name, ${own('country', 'c.code')} AS stix FROM country c
    WHERE c.code > $1 AND ${inScope('c.code', '$2')} ORDER BY c.code LIMIT ${BATCH}`,
  incident: `SELECT i.*, ${ids('campaign', 'i.campaign_id')} AS campaign_stix,
      (SELECT jsonb_object_agg(t, ${ids('attack_technique', 't')}) FROM unnest(i.technique_ids) t) AS technique_stix,
      ${citations('incident_id', 'i.id', { table: 'incident_source', column: 'incident_id', excerpt: false })} AS citations,
      ${own('incident', 'i.id')} AS stix
    FROM incident i WHERE i.id > $1 AND ${inScope('i.id', '$2')} ORDER BY i.id LIMIT ${BATCH}`,
  target: `SELECT t.*, i.created_at, i.updated_at, ${ids('incident', 't.incident_id')} AS incident_stix,
      CASE WHEN t.organization_id IS NOT NULL THEN ${ids('organization', 't.organization_id')}
           WHEN t.person_id IS NOT NULL THEN ${ids('person', 't.person_id')}
           WHEN t.country_code IS NOT NULL THEN ${ids('country', 't.country_code')} END AS party_stix,
      ${own('incident_target_party', 't.id')} AS party_stix_own,
      ${citations('incident_target_id', 't.id')} AS citations, ${own('incident_target', 't.id')} AS stix
    FROM incident_target t JOIN incident i ON i.id = t.incident_id
    WHERE t.id > $1 AND ${inScope('t.id', '$2')} ORDER BY t.id LIMIT ${BATCH}`,
  attribution: `SELECT a.*, ac.kind AS actor_kind, ${ids('threat_actor', 'a.actor_id')} AS actor_stix,
      CASE WHEN a.incident_id IS NOT NULL THEN ${ids('incident', 'a.incident_id')} ELSE ${ids('campaign', 'a.campaign_id')} END AS subject_stix,
      ${ids('organization', 'a.attributed_by_organization_id')} AS organization_stix, ${ids('person', 'a.attributed_by_person_id')} AS person_stix,
      coalesce(o.name, p.name) AS party_name,
      CASE WHEN a.status IN ('DENIED', 'DISPUTED') THEN (
        SELECT jsonb_agg(jsonb_build_object('id', c.id, 'stix', ${ids('attribution', 'c.id')}) ORDER BY c.id) FROM attribution c
         WHERE c.actor_id = a.actor_id AND c.status IN ('ASSERTED', 'RETRACTED')
           AND (c.incident_id = a.incident_id OR c.campaign_id = a.campaign_id) AND ${inScope('c.id', '$2')}) END AS contested,
      ${citations('attribution_id', 'a.id', { table: 'attribution_source', column: 'attribution_id', excerpt: true })} AS citations,
      ${own('attribution', 'a.id')} AS stix
    FROM attribution a JOIN threat_actor ac ON ac.id = a.actor_id
    LEFT JOIN organization o ON o.id = a.attributed_by_organization_id LEFT JOIN person p ON p.id = a.attributed_by_person_id
    WHERE a.id > $1 AND ${inScope('a.id', '$2')} ORDER BY a.id LIMIT ${BATCH}`,
  // A person serving in an actor ($2 the actors).
  member: `SELECT m.id, m.actor_id, a.kind AS actor_kind, ${ids('threat_actor', 'm.actor_id')} AS actor_stix, m.person_id,
      ${ids('person', 'm.person_id')} AS person_stix, a.created_at, a.updated_at,
      ${citations('actor_member_id', 'm.id')} AS citations, ${own('actor_member', 'm.id')} AS stix
    FROM actor_member m JOIN threat_actor a ON a.id = m.actor_id
    WHERE m.id > $1 AND ${inScope('m.actor_id', '$2')} ORDER BY m.id LIMIT ${BATCH}`,
  // $2 statements, $3 incidents, $4 actors, $5 attributions, $6 countries: what a note may refer to.
  statement: `SELECT s.*, ${ids('person', 's.speaker_person_id')} AS speaker_person_stix, p.name AS speaker_person_name,
      ${ids('organization', 's.speaker_organization_id')} AS speaker_organization_stix, o.name AS speaker_organization_name,
      (SELECT jsonb_agg(r) FROM (
         SELECT 'incident' AS table, si.incident_id::text AS id, 'incident' AS type, ${ids('incident', 'si.incident_id')} AS stix
           FROM statement_incident si WHERE si.statement_id = s.id AND ${inScope('si.incident_id', '$3')}
         UNION ALL SELECT 'threat_actor', sa.actor_id::text, CASE WHEN ta.kind IN ('STATE', 'INTELLIGENCE_AGENCY') THEN 'identity'
             WHEN ta.kind IN ('MILITARY_UNIT', 'INDIVIDUAL') THEN 'threat-actor' ELSE 'intrusion-set' END, ${ids('threat_actor', 'sa.actor_id')}
           FROM statement_actor sa JOIN threat_actor ta ON ta.id = sa.actor_id WHERE sa.statement_id = s.id AND ${inScope('sa.actor_id', '$4')}
         UNION ALL SELECT 'attribution', at.attribution_id::text, CASE WHEN a.status IN ('DENIED', 'DISPUTED') THEN 'opinion' ELSE 'relationship' END,
             ${ids('attribution', 'at.attribution_id')}
           FROM attribution_statement at JOIN attribution a ON a.id = at.attribution_id WHERE at.statement_id = s.id AND ${inScope('at.attribution_id', '$5')}
         UNION ALL SELECT 'country', sc.country_code, 'location', ${ids('country', 'sc.country_code')}
           FROM statement_country sc WHERE sc.statement_id = s.id AND ${inScope('sc.country_code', '$6')}) r) AS refs,
      ${citations('statement_id', 's.id', { table: 'statement_source', column: 'statement_id', excerpt: true })} AS citations,
      ${own('statement', 's.id')} AS stix
    FROM statement s LEFT JOIN person p ON p.id = s.speaker_person_id LEFT JOIN organization o ON o.id = s.speaker_organization_id
    WHERE s.id > $1 AND ${inScope('s.id', '$2')} ORDER BY s.id LIMIT ${BATCH}`,
  // $2 articles, $3 incidents, $4 statements, $5 attributions.
  article: `SELECT sa.id, sa.title, sa.url, sa.publisher, sa.authors, sa.language, sa.published_from, sa.published_to, sa.published_text,
      sa.created_at, sa.updated_at, ${own('source_article', 'sa.id')} AS stix,
      (SELECT jsonb_agg(r) FROM (
         SELECT 'incident' AS table, x.incident_id::text AS id, 'incident' AS type, ${ids('incident', 'x.incident_id')} AS stix FROM (
           SELECT incident_id FROM incident_source WHERE source_article_id = sa.id
           UNION SELECT incident_id FROM citation WHERE source_article_id = sa.id AND incident_id IS NOT NULL) x WHERE ${inScope('x.incident_id', '$3')}
         UNION ALL SELECT 'statement', x.statement_id::text, 'note', ${ids('statement', 'x.statement_id')} FROM (
           SELECT statement_id FROM statement_source WHERE source_article_id = sa.id
           UNION SELECT statement_id FROM citation WHERE source_article_id = sa.id AND statement_id IS NOT NULL) x WHERE ${inScope('x.statement_id', '$4')}
         UNION ALL SELECT 'attribution', x.id::text, CASE WHEN a.status IN ('DENIED', 'DISPUTED') THEN 'opinion' ELSE 'relationship' END,
             ${ids('attribution', 'x.id')} FROM (
           SELECT attribution_id AS id FROM attribution_source WHERE source_article_id = sa.id
           UNION SELECT attribution_id FROM citation WHERE source_article_id = sa.id AND attribution_id IS NOT NULL) x
           JOIN attribution a ON a.id = x.id WHERE ${inScope('x.id', '$5')}) r) AS cited_by
    FROM source_article sa WHERE sa.id > $1 AND ${inScope('sa.id', '$2')} ORDER BY sa.id LIMIT ${BATCH}`,
};

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
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      const scope = await this.scope(runner, request);
      yield producerIdentity() as StixObject;
      yield extensionDefinition() as StixObject;
      const s = (list: string[] | null) => list;
      const kinds: [keyof typeof QUERIES, unknown[], (row: any) => StixObject | StixObject[] | null, string][] = [
        ['organization', [s(scope.organizations)], organizationObject, NO_UUID],
        ['person', [s(scope.people)], personObject, NO_UUID],
        ['country', [s(scope.countries)], countryObject, ''],
        ['actor', [s(scope.actors)], actorObjects, NO_UUID],
        ['member', [s(scope.actors)], memberObject, NO_UUID],
        ['campaign', [s(scope.campaigns)], campaignObject, NO_UUID],
        ['technique', [s(scope.techniques)], techniqueObject, ''],
        ['incident', [s(scope.incidents)], incidentObject, NO_UUID],
        ['target', [s(scope.targets)], targetObjects, NO_UUID],
        ['attribution', [s(scope.attributions)], attributionObject, NO_UUID],
        ['statement', [scope.statements, scope.incidents, scope.actors, scope.attributions, scope.countries], statementObject, NO_UUID],
        ['article', [scope.articles, scope.incidents, scope.statements, scope.attributions], articleObject, NO_UUID],
      ];
      for (const [kind, params, map, start] of kinds) {
        let cursor = start;
        for (;;) {
          const rows: Record<string, unknown>[] = await runner.query(QUERIES[kind], [cursor, ...params]);
          for (const row of rows) {
            const mapped = map(row);
            if (Array.isArray(mapped)) yield* mapped;
            else if (mapped) yield mapped;
          }
          if (rows.length < BATCH) break;
          const last = rows[rows.length - 1];
          cursor = String(last.id ?? last.code);
        }
      }
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  /** The id lists of a scoped export; all null for everything. */
  private async scope(runner: QueryRunner, request: StixExportRequest): Promise<Scope> {
    const all = (): Scope => ({
      incidents: null, attributions: null, campaigns: null, actors: null, statements: null, organizations: null,
      people: null, articles: null, countries: null, techniques: null, targets: null,
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
    const people = await column(
      `SELECT attributed_by_person_id AS id FROM attribution WHERE id = ANY($1::uuid[]) AND attributed_by_person_id IS NOT NULL
       UNION SELECT speaker_person_id FROM statement WHERE id = ANY($2::uuid[]) AND speaker_person_id IS NOT NULL
       UNION SELECT person_id FROM incident_target WHERE id = ANY($3::uuid[]) AND person_id IS NOT NULL
       UNION SELECT person_id FROM actor_member WHERE actor_id = ANY($4::uuid[])`, [attributions, statements, targets, actors]);
    const organizations = await column(
      `SELECT attributed_by_organization_id AS id FROM attribution WHERE id = ANY($1::uuid[]) AND attributed_by_organization_id IS NOT NULL
       UNION SELECT speaker_organization_id FROM statement WHERE id = ANY($2::uuid[]) AND speaker_organization_id IS NOT NULL
       UNION SELECT organization_id FROM incident_target WHERE id = ANY($3::uuid[]) AND organization_id IS NOT NULL
       UNION SELECT organization_id FROM person WHERE id = ANY($4::uuid[]) AND organization_id IS NOT NULL`, [attributions, statements, targets, people]);
    const scope: Scope = { ...all(), incidents, attributions, campaigns, actors, statements, targets, people, organizations };
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
       UNION SELECT country_code FROM statement_country WHERE ${inScope('statement_id', '$2')}`, [scope.targets, scope.statements]);
    const techniques = await column(
      `SELECT DISTINCT unnest(technique_ids) AS id FROM incident WHERE ${inScope('id', '$1')}
       UNION SELECT id FROM attack_technique WHERE id IN (SELECT row_id FROM stix_object WHERE row_table = 'attack_technique') AND $1::text[] IS NULL`,
      [scope.incidents]);
    const articles = scope.incidents === null ? null : await column(
      `SELECT source_article_id AS id FROM incident_source WHERE incident_id = ANY($1::uuid[])
       UNION SELECT source_article_id FROM statement_source WHERE statement_id = ANY($2::uuid[])
       UNION SELECT source_article_id FROM attribution_source WHERE attribution_id = ANY($3::uuid[])
       UNION SELECT source_article_id FROM citation WHERE source_article_id IS NOT NULL
         AND (incident_id = ANY($1::uuid[]) OR statement_id = ANY($2::uuid[]) OR attribution_id = ANY($3::uuid[]))`,
      [scope.incidents, scope.statements, scope.attributions]);
    return { ...scope, countries, techniques: techniques.filter((t) => t !== 'null'), articles };
  }
}
