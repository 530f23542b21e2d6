import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ThreatActorKind, ActorTie } from '../actors/threat-actor.entity';
import { beginImport } from '../common/caller';
import { countImportedRows } from '../observability/metrics';
import { MITRE_ATTACK_SCHEME } from '../catalogue/actor-catalogue.entity';
import { EurepocFiles } from './eurepoc-files';
import { ActorConflict, EUREPOC_DATASET, EUREPOC_LABEL, EurepocPlan, EurepocState, RecordIssue, planEurepocImport } from './eurepoc-plan';

/** Called as the import advances: `done` of `total` steps. */
export type ImportProgress = (done: number, total: number, stage: string) => void;

export interface EurepocImportResult {
  records: { incidents: number; attributions: number; receivers: number };
  /** Rows written by this run, per table (0 everywhere on a second run). */
  created: Record<string, number>;
  /** Rows the plan holds, per table, whether new or already there. */
  planned: Record<string, number>;
  updatedActors: number;
  updatedIncidents: number;
  issues: RecordIssue[];
  conflicts: ActorConflict[];
}

/**
 * Imports EuRepoC 1.1 in ONE transaction: the database is read once, the import is planned in
 * memory (eurepoc-plan.ts), and written in batched statements. Rows have stable ids and are
 * inserted only when missing, so a second run writes nothing; a failure writes nothing at all.
 */
@Injectable()
export class EurepocImportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async import(files: EurepocFiles, progress: ImportProgress = () => undefined): Promise<EurepocImportResult> {
    const steps = ['read', 'plan', 'dataset', 'articles', 'parties', 'actors', 'incidents', 'attributions', 'responses', 'citations'];
    let done = 0;
    const step = (stage: string) => progress(++done, steps.length, stage);
    const result = await this.dataSource.transaction(async (manager): Promise<EurepocImportResult> => {
      await beginImport(manager, 'import:eurepoc');
      // The same lock as the catalogue import: both merge actors and must not plan on each other's half-written state.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('attribution-tracker:catalogue-import'))`);
      const state = await this.loadState(manager);
      step('read');
      const plan = planEurepocImport(files, state);
      step('plan');
      const created: Record<string, number> = {};
      const { updatedActors, updatedIncidents } = await this.write(manager, plan, created, step);
      return {
        records: { incidents: files.incidents.length, attributions: files.attributions.length, receivers: files.receivers.length },
        created,
        planned: {
          dataset_record: plan.records.length, source_article: plan.articles.length, organization: plan.organizations.length,
          person: plan.people.length, threat_actor: plan.actors.length, actor_alias: plan.aliases.length, incident: plan.incidents.length,
          incident_target: plan.targets.length, attribution: plan.attributions.length, response: plan.responses.length,
          actor_member: plan.members.length, citation: plan.citations.length,
        },
        updatedActors,
        updatedIncidents,
        issues: plan.issues,
        conflicts: plan.conflicts,
      };
    });
    // Counted once committed, so that a failed import counts nothing.
    for (const [kind, rows] of Object.entries(result.created)) countImportedRows('eurepoc', kind, rows);
    countImportedRows('eurepoc', 'threat_actor', result.updatedActors);
    countImportedRows('eurepoc', 'incident', result.updatedIncidents);
    return result;
  }

  private async loadState(manager: EntityManager): Promise<EurepocState> {
    const actors = await manager.query(`SELECT id::text, name, kind, country_code, sponsor_country_code, parent_id::text, parent_tie FROM threat_actor`);
    const aliases = await manager.query(`SELECT id::text, actor_id::text, normalized FROM actor_alias`);
    const attackIds = await manager.query(`SELECT actor_id::text, external_id FROM actor_external_id WHERE source = $1`, [MITRE_ATTACK_SCHEME]);
    const organizations = await manager.query(`SELECT id::text, lower(name) || '|' || coalesce(country_code, '') AS k FROM organization`);
    // A name held by two people is ambiguous: neither is reused.
    const people = await manager.query(
      `SELECT min(id::text) AS id, lower(name) || '|' || coalesce(country_code, '') AS k FROM person GROUP BY 2 HAVING count(*) = 1`,
    );
    const articles = await manager.query(`SELECT id::text, url FROM source_article WHERE url IS NOT NULL`);
    const techniques = await manager.query(`SELECT id, lower(name) AS name FROM attack_technique WHERE NOT revoked ORDER BY id DESC`);
    const countries = await manager.query(`SELECT code, name FROM country`);
    return {
      actors: new Map(actors.map((a: Record<string, string | null>) => [a.id, {
        id: a.id, name: a.name, kind: a.kind as ThreatActorKind, countryCode: a.country_code, sponsorCountryCode: a.sponsor_country_code,
        parentId: a.parent_id, parentTie: a.parent_tie as ActorTie | null,
      }])),
      aliases: new Map(aliases.map((a: Record<string, string>) => [a.normalized, { id: a.id, actorId: a.actor_id }])),
      attackIds: new Map(attackIds.map((e: Record<string, string>) => [e.external_id, e.actor_id])),
      organizations: new Map(organizations.map((o: Record<string, string>) => [o.k, o.id])),
      people: new Map(people.map((p: Record<string, string>) => [p.k, p.id])),
      articles: new Map(articles.map((a: Record<string, string>) => [a.url, a.id])),
      // A sub-technique sharing its name with another keeps the lower id (ordered descending, so the last set wins).
      techniques: new Map(techniques.map((t: Record<string, string>) => [t.name, t.id])),
      countryNames: new Map(countries.map((c: Record<string, string>) => [c.code, c.name])),
    };
  }

  private async write(
    manager: EntityManager, plan: EurepocPlan, created: Record<string, number>, step: (stage: string) => void,
  ): Promise<{ updatedActors: number; updatedIncidents: number }> {
    /** Inserts rows missing by id (or by any unique key), as one statement; counts those written. */
    const insert = async (table: string, columns: string, rows: Record<string, unknown>[], conflict = 'ON CONFLICT DO NOTHING') => {
      const names = columns.split(', ').map((c) => c.split(' ')[0]).join(', ');
      const written: unknown[] = rows.length
        ? await manager.query(
          `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS r(${columns}) ${conflict} RETURNING 1`,
          [JSON.stringify(rows)],
        )
        : [];
      created[table] = (created[table] ?? 0) + written.length;
    };

    await insert('dataset', 'id uuid, name text, version text, publisher text, url text, citation text, licence text', [{ id: plan.datasetId, ...EUREPOC_DATASET }]);
    await insert('dataset_record', 'id uuid, dataset_id uuid, record_type text, record_key text, fields jsonb',
      plan.records.map((r) => ({ id: r.id, dataset_id: plan.datasetId, record_type: r.recordType, record_key: r.recordKey, fields: r.fields })));
    step('dataset');
    await insert('source_article', 'id uuid, url text', plan.articles);
    await insert('dataset_record_article', 'dataset_record_id uuid, source_article_id uuid, field text',
      plan.recordArticles.map((r) => ({ dataset_record_id: r.recordId, source_article_id: r.articleId, field: r.field })));
    step('articles');
    await insert('organization', 'id uuid, name text, kind text, country_code char(2)',
      plan.organizations.map((o) => ({ id: o.id, name: o.name, kind: o.kind, country_code: o.countryCode })));
    await insert('person', 'id uuid, name text, role text, country_code char(2)',
      plan.people.map((p) => ({ id: p.id, name: p.name, role: p.role, country_code: p.countryCode })));
    step('parties');

    // New actors first without parents (a parent may be created in the same batch), then every tie.
    await insert('threat_actor', 'id uuid, name text, kind text, country_code char(2), sponsor_country_code char(2)',
      plan.actors.map((a) => ({ id: a.id, name: a.name, kind: a.kind, country_code: a.countryCode, sponsor_country_code: a.sponsorCountryCode })));
    const ties = [
      ...plan.actors.filter((a) => a.parentId || a.sponsorCountryCode).map((a) => ({ ...a })),
      ...[...plan.actorUpdates].map(([actorId, u]) => ({ id: actorId, ...u })),
    ];
    let updatedActors = 0;
    if (ties.length) {
      // Only what an actor lacks is filled (coalesce keeps what is there): EuRepoC never overwrites.
      const updated: unknown[] = await manager.query(
        `UPDATE threat_actor a
            SET parent_id = coalesce(a.parent_id, r.parent_id), parent_tie = coalesce(a.parent_tie, r.parent_tie),
                sponsor_country_code = coalesce(a.sponsor_country_code, r.sponsor_country_code),
                country_code = coalesce(a.country_code, r.country_code), updated_at = clock_timestamp()
           FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, parent_id uuid, parent_tie text, sponsor_country_code char(2), country_code char(2))
          WHERE a.id = r.id
            AND (a.parent_id, a.parent_tie, a.sponsor_country_code, a.country_code) IS DISTINCT FROM
                (coalesce(a.parent_id, r.parent_id), coalesce(a.parent_tie, r.parent_tie),
                 coalesce(a.sponsor_country_code, r.sponsor_country_code), coalesce(a.country_code, r.country_code))
          RETURNING 1`,
        [JSON.stringify(ties.map((t) => ({
          id: t.id, parent_id: t.parentId ?? null, parent_tie: t.parentTie ?? null,
          sponsor_country_code: t.sponsorCountryCode ?? null, country_code: t.countryCode ?? null,
        })))],
      );
      updatedActors = updated.length;
    }
    await insert('actor_alias', 'id uuid, actor_id uuid, name text, normalized text, source text',
      plan.aliases.map((a) => ({ id: a.id, actor_id: a.actorId, name: a.name, normalized: a.normalized, source: EUREPOC_LABEL })));
    await insert('actor_external_id', 'actor_id uuid, source text, external_id text',
      plan.attackIds.map((e) => ({ actor_id: e.actorId, source: MITRE_ATTACK_SCHEME, external_id: e.externalId })));
    await insert('actor_member', 'id uuid, actor_id uuid, person_id uuid',
      plan.members.map((m) => ({ id: m.id, actor_id: m.actorId, person_id: m.personId })));
    step('actors');

    // Incidents: inserted, or updated where the mapping now gives more (techniques once the ATT&CK catalogue is in).
    const incidentColumns = 'id uuid, title text, summary text, started_from date, started_to date, ended_from date, ended_to date, types text[], technique_ids text[]';
    const incidentRows = plan.incidents.map((i) => ({
      id: i.id, title: i.title, summary: i.summary, started_from: i.startedFrom, started_to: i.startedFrom, ended_from: i.endedFrom, ended_to: i.endedFrom,
      types: i.types, technique_ids: i.techniqueIds,
    }));
    const known: { n: number }[] = await manager.query(`SELECT count(*)::int AS n FROM incident WHERE id = ANY($1::uuid[])`, [plan.incidents.map((i) => i.id)]);
    await insert('incident', incidentColumns, incidentRows, `ON CONFLICT (id) DO UPDATE SET technique_ids = excluded.technique_ids, updated_at = clock_timestamp()
      WHERE incident.technique_ids IS DISTINCT FROM excluded.technique_ids`);
    // RETURNING counts updated rows too: those are the ones that were already there.
    const fresh = plan.incidents.length - known[0].n;
    const updatedIncidents = (created.incident ?? 0) - fresh;
    created.incident = fresh;
    await insert('incident_target', 'id uuid, incident_id uuid, role text, country_code char(2), region text, sector text, kind text, name text',
      plan.targets.map((t) => ({
        id: t.id, incident_id: t.incidentId, role: 'VICTIM', country_code: t.countryCode, region: t.region, sector: t.sector, kind: t.kind, name: t.name,
      })));
    step('incidents');
    await insert('attribution',
      'id uuid, incident_id uuid, actor_id uuid, attributed_by_organization_id uuid, attributed_by_person_id uuid, attributed_from date, attributed_to date, '
        + 'bases text[], status text, coded_type text, coded_basis text, attributing_country_code char(2)',
      plan.attributions.map((a) => ({
        id: a.id, incident_id: a.incidentId, actor_id: a.actorId, attributed_by_organization_id: a.organizationId, attributed_by_person_id: a.personId,
        attributed_from: a.attributedFrom, attributed_to: a.attributedFrom, bases: a.bases, status: a.status, coded_type: a.codedType,
        coded_basis: a.codedBasis, attributing_country_code: a.countryCode,
      })));
    step('attributions');
    await insert('response',
      'id uuid, incident_id uuid, responder_organization_id uuid, responder_person_id uuid, responder_country_code char(2), responder_region text, '
        + 'responder_text text, responded_from date, responded_to date, kind text, coded_type text, coded_subtype text',
      plan.responses.map((r) => ({
        id: r.id, incident_id: r.incidentId, responder_organization_id: r.organizationId, responder_person_id: r.personId,
        responder_country_code: r.countryCode, responder_region: r.region, responder_text: r.responderText, responded_from: r.respondedFrom,
        responded_to: r.respondedFrom, kind: r.kind, coded_type: r.codedType, coded_subtype: r.codedSubtype,
      })));
    step('responses');
    // By fact column, so that each batch has the same columns; the partial unique indexes make a second run a no-op.
    const byFact = new Map<string, Record<string, unknown>[]>();
    for (const c of plan.citations) {
      const rows = byFact.get(c.fact) ?? [];
      rows.push({ [c.fact]: c.factId, dataset_record_id: c.recordId, fields: c.fields });
      byFact.set(c.fact, rows);
    }
    for (const [fact, rows] of byFact) await insert('citation', `${fact} uuid, dataset_record_id uuid, fields text[]`, rows);
    step('citations');
    return { updatedActors, updatedIncidents };
  }
}
