import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ThreatActorKind, ActorTie } from '../actors/threat-actor.entity';
import { beginImport } from '../common/caller';
import { countImportedRows } from '../observability/metrics';
import { MITRE_ATTACK_SCHEME } from '../catalogue/actor-catalogue.entity';
import { EurepocFiles, EurepocRow } from './eurepoc-files';
import {
  ActorConflict, EUREPOC_DATASET, EUREPOC_DATASET_ID, EUREPOC_LABEL, EurepocPlan, EurepocState, RecordIssue, compareRecordKeys, eurepocActorId,
  eurepocPartyId, planEurepocImport,
} from './eurepoc-plan';

/**
 * The actors EuRepoC created and still alone holds: the id it derives from the actor's name (eurepocActorId), and no
 * name, catalogue entry or STIX object from anywhere else. Their rows are EuRepoC's to re-plan; every other actor is
 * another source's, which EuRepoC merges into and only fills in.
 */
export async function eurepocOwnedActors(manager: EntityManager): Promise<Set<string>> {
  const rows: { id: string; name: string }[] = await manager.query(
    `SELECT a.id::text, a.name FROM threat_actor a
      WHERE NOT EXISTS (SELECT 1 FROM actor_alias al WHERE al.actor_id = a.id AND al.source IS DISTINCT FROM $1)
        AND NOT EXISTS (SELECT 1 FROM actor_catalogue_record r WHERE r.actor_id = a.id)
        AND NOT EXISTS (SELECT 1 FROM stix_object s WHERE s.row_table = 'threat_actor' AND s.row_id = a.id::text)`,
    [EUREPOC_LABEL],
  );
  return new Set(rows.filter((r) => r.id === eurepocActorId(r.name)).map((r) => r.id));
}

/** The rows an UPDATE or DELETE … RETURNING gave back (TypeORM answers those as [rows, count]). */
function returned<T>(result: unknown): T[] {
  return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as T[];
}

/** Fact columns of the citations EuRepoC plans (eurepoc-plan.ts, Fact). */
const FACTS = ['incident_id', 'attribution_id', 'response_id', 'actor_alias_id', 'actor_tie_actor_id', 'incident_target_id', 'threat_actor_id', 'actor_member_id'];

/** What EuRepoC wrote last time, to write only the difference with the new plan. */
interface Written {
  owned: Set<string>;
  ownedActors: Map<string, { name: string; kind: string; country_code: string | null; sponsor_country_code: string | null; parent_id: string | null; parent_tie: string | null }>;
  /** Actors of other sources that EuRepoC placed under one of its own. */
  underOwned: Set<string>;
  /** Names EuRepoC gave (source EuRepoC 1.1): alias id → actor. */
  aliases: Map<string, string>;
  /** ATT&CK ids of EuRepoC's actors: id → actor. */
  attackIds: Map<string, string>;
  /** Attributions and memberships only EuRepoC's records cite. */
  attributions: Set<string>;
  members: Set<string>;
  /** `${fact}|${factId}|${recordId}` → citation */
  citations: Map<string, { id: string; fields: string[] }>;
}

const STEPS = ['read', 'plan', 'dataset', 'articles', 'parties', 'actors', 'incidents', 'attributions', 'responses', 'citations'];

/** Called as the import advances: `done` of `total` steps. */
export type ImportProgress = (done: number, total: number, stage: string) => void;

export interface EurepocImportResult {
  records: { incidents: number; attributions: number; receivers: number };
  /** Rows written by this run, per table (0 everywhere on a second run). */
  created: Record<string, number>;
  /** Rows the plan holds, per table, whether new or already there. */
  planned: Record<string, number>;
  /** Rows of EuRepoC's actor layer removed because the new plan no longer has them (merged elsewhere since). */
  deleted: Record<string, number>;
  updatedActors: number;
  updatedIncidents: number;
  issues: RecordIssue[];
  conflicts: ActorConflict[];
}

/**
 * Imports EuRepoC 1.1 in ONE transaction: the database is read once, the import is planned in
 * memory (eurepoc-plan.ts) on every source's actors but EuRepoC's own, and written in batched
 * statements. Rows have stable ids; records, incidents and the like are inserted when missing, and
 * the actor layer (EuRepoC's actors, names, ids, attributions, citations) is written as the
 * difference with what the last run wrote. So a second run writes nothing, a run after the
 * catalogue import gives what the catalogue-first order gives, and a failure writes nothing at all.
 */
@Injectable()
export class EurepocImportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async import(files: EurepocFiles, progress: ImportProgress = () => undefined): Promise<EurepocImportResult> {
    let done = 0;
    const step = (stage: string) => progress(++done, STEPS.length, stage);
    const result = await this.dataSource.transaction(async (manager): Promise<EurepocImportResult> => {
      await beginImport(manager, 'import:eurepoc');
      // The same lock as the catalogue import: both merge actors and must not plan on each other's half-written state.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('attribution-tracker:catalogue-import'))`);
      return this.importIn(manager, files, step);
    });
    // Counted once committed, so that a failed import counts nothing.
    for (const [kind, rows] of Object.entries(result.created)) countImportedRows('eurepoc', kind, rows);
    countImportedRows('eurepoc', 'threat_actor', result.updatedActors);
    countImportedRows('eurepoc', 'incident', result.updatedIncidents);
    return result;
  }

  /**
   * Plans EuRepoC again from its stored records (dataset_record keeps every row verbatim), in the caller's transaction:
   * the catalogue import calls it once its actors and techniques are written, so that EuRepoC's strings are merged
   * into them exactly as when the catalogue came first. Null when EuRepoC was never imported.
   */
  async reimportIn(manager: EntityManager): Promise<EurepocImportResult | null> {
    const files = await this.storedFiles(manager);
    return files ? this.importIn(manager, files, () => undefined) : null;
  }

  private async storedFiles(manager: EntityManager): Promise<EurepocFiles | null> {
    const rows: { record_type: string; record_key: string; position: number | null; fields: EurepocRow }[] = await manager.query(
      `SELECT record_type, record_key, position, fields FROM dataset_record WHERE dataset_id = $1`, [EUREPOC_DATASET_ID]);
    if (!rows.length) return null;
    // In the files' order (the first of two disagreeing rows wins). Records stored before positions were (null) go by
    // key: keys number rows of the same ID in file order (attribution `8664/2`, receiver `712/3`), so the planner
    // numbers them again exactly so.
    rows.sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity) || compareRecordKeys(a.record_key, b.record_key));
    const of = (type: string) => rows.filter((r) => r.record_type === type).map((r) => r.fields);
    return { incidents: of('incident'), attributions: of('attribution'), receivers: of('receiver') };
  }

  private async importIn(manager: EntityManager, files: EurepocFiles, step: (stage: string) => void): Promise<EurepocImportResult> {
    const { state, written } = await this.loadState(manager);
    step('read');
    const plan = planEurepocImport(files, state);
    step('plan');
    const created: Record<string, number> = {};
    const deleted: Record<string, number> = {};
    const { updatedActors, updatedIncidents } = await this.write(manager, plan, written, created, deleted, step);
    return {
      records: { incidents: files.incidents.length, attributions: files.attributions.length, receivers: files.receivers.length },
      created,
      planned: {
        dataset_record: plan.records.length, source_article: plan.articles.length, organization: plan.organizations.length,
        person: plan.people.length, threat_actor: plan.actors.length, actor_alias: plan.aliases.length, incident: plan.incidents.length,
        incident_target: plan.targets.length, attribution: plan.attributions.length, response: plan.responses.length,
        actor_member: plan.members.length, citation: plan.citations.length,
      },
      deleted,
      updatedActors,
      updatedIncidents,
      issues: plan.issues,
      conflicts: plan.conflicts,
    };
  }

  /**
   * The database as EuRepoC plans on it: every source's actors but its own (those it created and alone holds), and
   * no name it gave, nor a tie to one of its actors. The plan is then the same whether EuRepoC ran before or not, and
   * whatever ran in between; `written` is what it wrote last time, to write the difference only.
   */
  private async loadState(manager: EntityManager): Promise<{ state: EurepocState; written: Written }> {
    const owned = await eurepocOwnedActors(manager);
    // Ordered, so that "the first actor of a kind" (a state by its country) is the same in every database.
    const actors = await manager.query(`SELECT id::text, name, kind, country_code, sponsor_country_code, parent_id::text, parent_tie FROM threat_actor ORDER BY name, id`);
    const aliases = await manager.query(`SELECT id::text, actor_id::text, normalized, source FROM actor_alias`);
    const attackIds = await manager.query(`SELECT actor_id::text, external_id FROM actor_external_id WHERE source = $1`, [MITRE_ATTACK_SCHEME]);
    const organizations = await manager.query(`SELECT id::text, lower(name) || '|' || coalesce(country_code, '') AS k FROM organization`);
    // A name held by two people is ambiguous: neither is reused.
    const people = await manager.query(
      `SELECT min(id::text) AS id, lower(name) || '|' || coalesce(country_code, '') AS k FROM person GROUP BY 2 HAVING count(*) = 1`,
    );
    const articles = await manager.query(`SELECT id::text, url FROM source_article WHERE url IS NOT NULL`);
    const techniques = await manager.query(`SELECT id, lower(name) AS name FROM attack_technique WHERE NOT revoked ORDER BY id DESC`);
    const countries = await manager.query(`SELECT code, name FROM country`);
    // What EuRepoC's records support: its citations, and the attributions and memberships only they cite.
    const citations: Record<string, string | string[] | null>[] = await manager.query(
      `SELECT c.id::text, c.dataset_record_id::text AS record_id, c.fields, ${FACTS.map((f) => `c.${f}::text`).join(', ')}
         FROM citation c JOIN dataset_record r ON r.id = c.dataset_record_id WHERE r.dataset_id = $1`, [EUREPOC_DATASET_ID]);
    const onlyEurepoc = (column: string) => `EXISTS (SELECT 1 FROM citation c JOIN dataset_record r ON r.id = c.dataset_record_id
        WHERE c.${column} = f.id AND r.dataset_id = $1)
      AND NOT EXISTS (SELECT 1 FROM citation c LEFT JOIN dataset_record r ON r.id = c.dataset_record_id
        WHERE c.${column} = f.id AND r.dataset_id IS DISTINCT FROM $1)`;
    const attributions = await manager.query(`SELECT f.id::text FROM attribution f WHERE ${onlyEurepoc('attribution_id')}
      AND NOT EXISTS (SELECT 1 FROM response x WHERE x.attribution_id = f.id)`, [EUREPOC_DATASET_ID]);
    const members = await manager.query(`SELECT f.id::text FROM actor_member f WHERE ${onlyEurepoc('actor_member_id')}`, [EUREPOC_DATASET_ID]);

    type ActorRow = { id: string; name: string; kind: string; country_code: string | null; sponsor_country_code: string | null; parent_id: string | null; parent_tie: string | null };
    const written: Written = {
      owned,
      ownedActors: new Map(actors.filter((a: ActorRow) => owned.has(a.id)).map((a: ActorRow) => [a.id, a])),
      underOwned: new Set(actors.filter((a: ActorRow) => !owned.has(a.id) && a.parent_id && owned.has(a.parent_id)).map((a: ActorRow) => a.id)),
      aliases: new Map(aliases.filter((a: Record<string, string>) => a.source === EUREPOC_LABEL).map((a: Record<string, string>) => [a.id, a.actor_id])),
      attackIds: new Map(attackIds.filter((e: Record<string, string>) => owned.has(e.actor_id)).map((e: Record<string, string>) => [e.external_id, e.actor_id])),
      attributions: new Set(attributions.map((a: { id: string }) => a.id)),
      members: new Set(members.map((m: { id: string }) => m.id)),
      citations: new Map(citations.map((c) => {
        const fact = FACTS.find((f) => c[f] !== null)!;
        return [`${fact}|${c[fact]}|${c.record_id}`, { id: c.id as string, fields: c.fields as string[] }];
      })),
    };
    const state: EurepocState = {
      actors: new Map(actors.filter((a: ActorRow) => !owned.has(a.id)).map((a: ActorRow) => {
        const underOwn = a.parent_id !== null && owned.has(a.parent_id);
        return [a.id, {
          id: a.id, name: a.name, kind: a.kind as ThreatActorKind, countryCode: a.country_code, sponsorCountryCode: a.sponsor_country_code,
          parentId: underOwn ? null : a.parent_id, parentTie: underOwn ? null : a.parent_tie as ActorTie | null,
        }];
      })),
      aliases: new Map(aliases.filter((a: Record<string, string>) => a.source !== EUREPOC_LABEL && !owned.has(a.actor_id))
        .map((a: Record<string, string>) => [a.normalized, { id: a.id, actorId: a.actor_id }])),
      attackIds: new Map(attackIds.filter((e: Record<string, string>) => !owned.has(e.actor_id)).map((e: Record<string, string>) => [e.external_id, e.actor_id])),
      organizations: new Map(organizations.map((o: Record<string, string>) => [o.k, o.id])),
      people: new Map(people.map((p: Record<string, string>) => [p.k, p.id])),
      articles: new Map(articles.map((a: Record<string, string>) => [a.url, a.id])),
      // A sub-technique sharing its name with another keeps the lower id (ordered descending, so the last set wins).
      techniques: new Map(techniques.map((t: Record<string, string>) => [t.name, t.id])),
      countryNames: new Map(countries.map((c: Record<string, string>) => [c.code, c.name])),
    };
    return { state, written };
  }

  /**
   * Organizations and people EuRepoC created that its plan no longer names (a claim it recorded is skipped now, as a
   * conflict): removed unless anything else refers to them.
   */
  private async removeUnusedParties(manager: EntityManager, plan: EurepocPlan, deleted: Record<string, number>): Promise<void> {
    const used = new Set([...plan.attributions, ...plan.responses].flatMap((f) => [f.organizationId, f.personId]).concat(plan.members.map((m) => m.personId)));
    const references: { child: string; column: string; parent: string }[] = await manager.query(
      `SELECT c.conrelid::regclass::text AS child, a.attname AS column, c.confrelid::regclass::text AS parent
         FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.contype = 'f' AND c.confrelid IN ('organization'::regclass, 'person'::regclass)`);
    for (const table of ['person', 'organization'] as const) {
      const rows: { id: string; name: string; country_code: string | null }[] = await manager.query(`SELECT id::text, name, country_code FROM ${table}`);
      const unused = rows.filter((r) => r.id === eurepocPartyId(table, r.name, r.country_code) && !used.has(r.id)).map((r) => r.id);
      if (!unused.length) continue;
      const free = references.filter((r) => r.parent === table).map((r) => `NOT EXISTS (SELECT 1 FROM ${r.child} x WHERE x.${r.column} = t.id)`);
      const gone = returned(await manager.query(`DELETE FROM ${table} t WHERE t.id = ANY($1::uuid[]) AND ${free.join(' AND ')} RETURNING 1`, [unused]));
      if (gone.length) deleted[table] = gone.length;
    }
  }

  private async write(
    manager: EntityManager, plan: EurepocPlan, written: Written, created: Record<string, number>, deleted: Record<string, number>,
    step: (stage: string) => void,
  ): Promise<{ updatedActors: number; updatedIncidents: number }> {
    /** Deletes rows by id (one statement); counts those deleted. */
    const remove = async (table: string, ids: string[], idColumn = 'id', type = 'uuid') => {
      if (!ids.length) return;
      const gone = returned(await manager.query(`DELETE FROM ${table} WHERE ${idColumn} = ANY($1::${type}[]) RETURNING 1`, [ids]));
      if (gone.length) deleted[table] = (deleted[table] ?? 0) + gone.length;
    };
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
    await insert('dataset_record', 'id uuid, dataset_id uuid, record_type text, record_key text, position int, fields jsonb',
      plan.records.map((r) => ({ id: r.id, dataset_id: plan.datasetId, record_type: r.recordType, record_key: r.recordKey, position: r.position, fields: r.fields })));
    // Records stored before positions were kept get theirs.
    const [{ n: unplaced }] = await manager.query(`SELECT count(*)::int AS n FROM dataset_record WHERE dataset_id = $1 AND position IS NULL`, [plan.datasetId]);
    if (unplaced) {
      await manager.query(`UPDATE dataset_record d SET position = r.position FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, position int)
        WHERE d.id = r.id AND d.position IS NULL`, [JSON.stringify(plan.records.map((r) => ({ id: r.id, position: r.position })))]);
    }
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

    // EuRepoC's actor layer, as a difference with what it wrote last time. First what the plan no longer has: its
    // attributions, memberships and names (their citations go with them), and its ATT&CK ids.
    const plannedAttributions = new Set(plan.attributions.map((a) => a.id));
    await remove('attribution', [...written.attributions].filter((id) => !plannedAttributions.has(id)));
    const plannedMembers = new Set(plan.members.map((m) => m.id));
    await remove('actor_member', [...written.members].filter((id) => !plannedMembers.has(id)));
    const plannedAliases = new Map(plan.aliases.map((a) => [a.id, a.actorId]));
    await remove('actor_alias', [...written.aliases].filter(([id, actorId]) => plannedAliases.get(id) !== actorId).map(([id]) => id));
    const plannedIds = new Map(plan.attackIds.map((e) => [e.externalId, e.actorId]));
    const staleIds = [...written.attackIds].filter(([externalId, actorId]) => plannedIds.get(externalId) !== actorId).map(([externalId]) => externalId);
    if (staleIds.length) {
      const gone = returned(await manager.query(`DELETE FROM actor_external_id WHERE source = $1 AND external_id = ANY($2) RETURNING 1`, [MITRE_ATTACK_SCHEME, staleIds]));
      if (gone.length) deleted.actor_external_id = gone.length;
    }

    // New actors first without parents (a parent may be created in the same batch), then every tie.
    await insert('threat_actor', 'id uuid, name text, kind text, country_code char(2), sponsor_country_code char(2)',
      plan.actors.map((a) => ({ id: a.id, name: a.name, kind: a.kind, country_code: a.countryCode, sponsor_country_code: a.sponsorCountryCode })));
    const freshActors = new Set(plan.actors.filter((a) => !written.ownedActors.has(a.id)).map((a) => a.id));
    let updatedActors = 0;
    // EuRepoC's own actors are as the plan has them now (parent, sponsor, origin included).
    const own = plan.actors.filter((a) => freshActors.has(a.id) || written.owned.has(a.id));
    if (own.length) {
      const updated = returned<{ id: string }>(await manager.query(
        `UPDATE threat_actor a
            SET name = r.name, kind = r.kind, country_code = r.country_code, sponsor_country_code = r.sponsor_country_code,
                parent_id = r.parent_id, parent_tie = r.parent_tie, updated_at = clock_timestamp()
           FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, name text, kind text, country_code char(2), sponsor_country_code char(2), parent_id uuid, parent_tie text)
          WHERE a.id = r.id
            AND (a.name, a.kind, a.country_code, a.sponsor_country_code, a.parent_id, a.parent_tie)
                IS DISTINCT FROM (r.name, r.kind, r.country_code, r.sponsor_country_code, r.parent_id, r.parent_tie)
          RETURNING a.id::text`,
        [JSON.stringify(own.map((a) => ({
          id: a.id, name: a.name, kind: a.kind, country_code: a.countryCode, sponsor_country_code: a.sponsorCountryCode,
          parent_id: a.parentId, parent_tie: a.parentTie,
        })))],
      ));
      updatedActors += updated.filter((u) => !freshActors.has(u.id)).length;
    }
    // Other sources' actors: only what they lack is filled (coalesce keeps what is there): EuRepoC never overwrites.
    // A tie to one of EuRepoC's own actors is EuRepoC's, though: set as the plan has it now, or removed.
    const others = [...plan.actorUpdates].map(([actorId, u]) => ({ id: actorId, ...u }));
    if (others.length) {
      const updated = returned(await manager.query(
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
        [JSON.stringify(others.map((t) => ({
          id: t.id, parent_id: t.parentId ?? null, parent_tie: t.parentTie ?? null,
          sponsor_country_code: t.sponsorCountryCode ?? null, country_code: t.countryCode ?? null,
        })))],
      ));
      updatedActors += updated.length;
    }
    if (written.underOwned.size) {
      const updated = returned(await manager.query(
        `UPDATE threat_actor a SET parent_id = r.parent_id, parent_tie = r.parent_tie, updated_at = clock_timestamp()
           FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, parent_id uuid, parent_tie text)
          WHERE a.id = r.id AND (a.parent_id, a.parent_tie) IS DISTINCT FROM (r.parent_id, r.parent_tie) RETURNING 1`,
        [JSON.stringify([...written.underOwned].map((actorId) => {
          const u = plan.actorUpdates.get(actorId);
          return { id: actorId, parent_id: u?.parentId ?? null, parent_tie: u?.parentId ? u.parentTie ?? null : null };
        }))],
      ));
      updatedActors += updated.length;
    }
    await insert('actor_alias', 'id uuid, actor_id uuid, name text, normalized text, source text',
      plan.aliases.map((a) => ({ id: a.id, actor_id: a.actorId, name: a.name, normalized: a.normalized, source: EUREPOC_LABEL })));
    await insert('actor_external_id', 'actor_id uuid, source text, external_id text',
      plan.attackIds.map((e) => ({ actor_id: e.actorId, source: MITRE_ATTACK_SCHEME, external_id: e.externalId })));
    await insert('actor_member', 'id uuid, actor_id uuid, person_id uuid',
      plan.members.map((m) => ({ id: m.id, actor_id: m.actorId, person_id: m.personId })));
    // Its actors the plan no longer has (their strings now merge into another source's actor): removed, unless
    // something else refers to them (an attribution, response or statement recorded by hand, an actor placed under them).
    const plannedActors = new Set(plan.actors.map((a) => a.id));
    const stale = [...written.owned].filter((id) => !plannedActors.has(id));
    if (stale.length) {
      await manager.query(`UPDATE threat_actor SET parent_id = NULL, parent_tie = NULL WHERE id = ANY($1::uuid[]) AND parent_id IS NOT NULL`, [stale]);
      const gone = returned(await manager.query(
        `DELETE FROM threat_actor a WHERE a.id = ANY($1::uuid[])
            AND NOT EXISTS (SELECT 1 FROM attribution x WHERE x.actor_id = a.id) AND NOT EXISTS (SELECT 1 FROM response x WHERE x.actor_id = a.id)
            AND NOT EXISTS (SELECT 1 FROM statement_actor x WHERE x.actor_id = a.id) AND NOT EXISTS (SELECT 1 FROM threat_actor x WHERE x.parent_id = a.id)
          RETURNING 1`, [stale]));
      if (gone.length) deleted.threat_actor = gone.length;
    }
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
    // Citations: those the plan no longer has removed, changed fields updated, new ones added. By fact column, so
    // that each batch has the same columns; the partial unique indexes make a second run a no-op.
    const plannedCitations = new Map(plan.citations.map((c) => [`${c.fact}|${c.factId}|${c.recordId}`, c]));
    await remove('citation', [...written.citations].filter(([k]) => !plannedCitations.has(k)).map(([, c]) => c.id));
    const changed = [...written.citations].flatMap(([k, c]) => {
      const planned = plannedCitations.get(k);
      return planned && planned.fields.join('\0') !== c.fields.join('\0') ? [{ id: c.id, fields: planned.fields }] : [];
    });
    if (changed.length) {
      await manager.query(`UPDATE citation c SET fields = r.fields FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, fields text[]) WHERE c.id = r.id`,
        [JSON.stringify(changed)]);
    }
    const byFact = new Map<string, Record<string, unknown>[]>();
    for (const c of plan.citations) {
      const rows = byFact.get(c.fact) ?? [];
      rows.push({ [c.fact]: c.factId, dataset_record_id: c.recordId, fields: c.fields });
      byFact.set(c.fact, rows);
    }
    for (const [fact, rows] of byFact) await insert('citation', `${fact} uuid, dataset_record_id uuid, fields text[]`, rows);
    created.citation ??= 0;
    step('citations');
    await this.removeUnusedParties(manager, plan, deleted);
    return { updatedActors, updatedIncidents };
  }
}
