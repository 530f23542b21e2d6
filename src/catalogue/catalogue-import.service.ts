import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ThreatActorKind } from '../actors/threat-actor.entity';
import { beginImport } from '../common/caller';
import { countImportedRows } from '../observability/metrics';
import { EurepocImportResult, EurepocImportService, eurepocOwnedActors } from '../eurepoc/eurepoc-import.service';
import { EUREPOC_LABEL } from '../eurepoc/eurepoc-plan';
import { CatalogueState, ImportReport, key, planMerge, CataloguePlan } from './actor-merge';
import { ActorRecord, ActorRecordContent, TechniqueRecord, fromMispThreatActor, fromMitreAttackPattern, fromMitreIntrusionSet } from './catalogue-records';
import { GalaxyCluster } from './galaxy-schema';

export interface CatalogueFile {
  /** As the user named it, for messages. */
  name: string;
  cluster: GalaxyCluster;
}

export interface TechniqueReport {
  entries: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: { record: string; reason: string }[];
}

export interface CatalogueImportResult {
  actors: ImportReport | null;
  techniques: TechniqueReport | null;
  /** EuRepoC planned again on the new actors and techniques, when it was imported before (else null). */
  eurepoc: EurepocImportResult | null;
}

/** Called as the import advances: `total` steps in all, `done` so far. */
export type ImportProgress = (done: number, total: number, stage: string) => void;

/** Column lists of the batched writes, as jsonb_to_recordset needs them. */
const COLUMNS = {
  threat_actor: 'id uuid, name text, kind text, country_code char(2), sponsor_country_code char(2), description text',
  actor_alias: 'actor_id uuid, name text, normalized text, source text',
  actor_external_id: 'actor_id uuid, source text, external_id text',
  actor_reference: 'actor_id uuid, url text, source text',
  actor_targeted_sector: 'actor_id uuid, sector text, source text',
  actor_suspected_victim: 'actor_id uuid, name text, country_code char(2), source text',
  actor_catalogue_record: 'source text, record_uuid uuid, actor_id uuid, content_hash text, content jsonb, attribution_confidence smallint',
};
type Table = keyof typeof COLUMNS;

/**
 * Imports catalogue files (MISP threat actors, ATT&CK groups, ATT&CK techniques) in ONE
 * transaction: the database is read once, the merge is decided in memory
 * (actor-merge.ts), and the result is written in a few batched statements.
 */
@Injectable()
export class CatalogueImportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async import(files: CatalogueFile[], progress: ImportProgress = () => undefined): Promise<CatalogueImportResult> {
    const actorRecords: ActorRecord[] = [];
    const techniqueValues: { file: string; records: (TechniqueRecord | null)[]; values: string[] }[] = [];
    for (const file of files) {
      const cluster = file.cluster;
      if (cluster.type === 'threat-actor') actorRecords.push(...cluster.values.map(fromMispThreatActor));
      else if (cluster.type === 'mitre-intrusion-set') actorRecords.push(...cluster.values.map(fromMitreIntrusionSet));
      else techniqueValues.push({ file: file.name, records: cluster.values.map(fromMitreAttackPattern), values: cluster.values.map((v) => v.value) });
    }
    const writeSteps = 8;
    const total = actorRecords.length + (actorRecords.length ? writeSteps : 0) + (techniqueValues.length ? 1 : 0) + 1;
    let done = 0;
    const step = (stage: string) => progress(++done, total, stage);

    const result = await this.dataSource.transaction(async (manager): Promise<CatalogueImportResult> => {
      // Two imports at once would each plan on a snapshot the other is changing.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('attribution-tracker:catalogue-import'))`);
      await beginImport(manager, 'import:actors');
      const techniques = techniqueValues.length ? await this.importTechniques(manager, techniqueValues) : null;
      if (techniqueValues.length) step('techniques');
      let actors: ImportReport | null = null;
      if (actorRecords.length) {
        // The catalogues merge into the actors of every source but EuRepoC: EuRepoC's own actors and names are set
        // aside here and EuRepoC is planned again below, on top, so that the graph is the one the catalogue-first
        // order gives, whichever import ran first.
        const eurepocActors = await eurepocOwnedActors(manager);
        const state = await this.loadState(manager, eurepocActors);
        const plan = planMerge(state, actorRecords, () => step('actors'));
        await this.clearEurepocNames(manager, plan, eurepocActors);
        await this.writePlan(manager, plan, step);
        actors = plan.report;
      }
      // EuRepoC's strings and coded techniques, merged again into what is there now (a no-op when nothing changed).
      const eurepoc = await new EurepocImportService(this.dataSource).reimportIn(manager);
      step('EuRepoC');
      return { actors, techniques, eurepoc };
    });
    // Counted once committed, so that a failed import counts nothing.
    const { actors, techniques, eurepoc } = result;
    if (eurepoc) for (const [kind, rows] of Object.entries(eurepoc.created)) countImportedRows('eurepoc', kind, rows);
    if (actors) countImportedRows('catalogue', 'threat_actor', actors.created + actors.merged + actors.updated);
    if (techniques) countImportedRows('catalogue', 'attack_technique', techniques.created + techniques.updated);
    return result;
  }

  /**
   * The names and ATT&CK ids EuRepoC holds that the plan gives to catalogue actors: removed before the plan is written
   * (EuRepoC, planned again afterwards, finds them on the catalogue's actors, as when the catalogue came first).
   */
  private async clearEurepocNames(manager: EntityManager, plan: CataloguePlan, eurepocActors: Set<string>): Promise<void> {
    if (plan.aliasInserts.length) {
      await manager.query(`DELETE FROM actor_alias WHERE source = $1 AND normalized = ANY($2)`, [EUREPOC_LABEL, plan.aliasInserts.map((a) => a.normalized)]);
    }
    if (plan.externalIdInserts.length && eurepocActors.size) {
      await manager.query(
        `DELETE FROM actor_external_id e USING jsonb_to_recordset($1::jsonb) AS r(source text, external_id text)
          WHERE e.source = r.source AND e.external_id = r.external_id AND e.actor_id = ANY($2::uuid[])`,
        [JSON.stringify(plan.externalIdInserts.map((e) => ({ source: e.source, external_id: e.externalId }))), [...eurepocActors]],
      );
    }
  }

  /** Everything the merge looks at, in one read per table; EuRepoC's own actors and names left out. */
  private async loadState(manager: EntityManager, eurepocActors: Set<string>): Promise<CatalogueState> {
    // One after the other: the transaction has one connection.
    const actors = await manager.query(`SELECT id::text, name, kind, country_code, sponsor_country_code, description FROM threat_actor`);
    const aliases = await manager.query(`SELECT actor_id::text, name, normalized, source FROM actor_alias`);
    const externalIds = await manager.query(`SELECT actor_id::text, source, external_id FROM actor_external_id`);
    const records = await manager.query(`SELECT source, record_uuid::text, actor_id::text, content_hash, content FROM actor_catalogue_record`);
    const references = await manager.query(`SELECT actor_id::text, url, source FROM actor_reference`);
    const sectors = await manager.query(`SELECT actor_id::text, sector, source FROM actor_targeted_sector`);
    const victims = await manager.query(`SELECT actor_id::text, name, source FROM actor_suspected_victim`);
    const notEurepoc = (a: Record<string, string>) => !eurepocActors.has(a.actor_id ?? a.id) && a.source !== EUREPOC_LABEL;
    const state: CatalogueState = {
      actors: new Map(actors.filter(notEurepoc).map((a: Record<string, string | null>) => [a.id, {
        id: a.id, name: a.name, kind: a.kind as ThreatActorKind, countryCode: a.country_code,
        sponsorCountryCode: a.sponsor_country_code, description: a.description,
      }])),
      aliases: new Map(aliases.filter(notEurepoc).map((a: Record<string, string>) => [a.normalized, { actorId: a.actor_id, name: a.name, source: a.source }])),
      externalIds: new Map(externalIds.filter((e: Record<string, string>) => !eurepocActors.has(e.actor_id)).map((e: Record<string, string>) => [key(e.source, e.external_id), e.actor_id])),
      records: new Map(records.map((r: Record<string, unknown>) => [key(r.source as string, r.record_uuid as string), {
        actorId: r.actor_id as string, hash: r.content_hash as string, content: r.content as ActorRecordContent,
      }])),
      references: new Map(references.map((r: Record<string, string>) => [key(r.actor_id, r.url), r.source])),
      sectors: new Map(sectors.map((s: Record<string, string>) => [key(s.actor_id, s.sector.toLowerCase()), { sector: s.sector, source: s.source }])),
      victims: new Map(victims.map((v: Record<string, string>) => [key(v.actor_id, v.name.toLowerCase()), { name: v.name, source: v.source }])),
    };
    return state;
  }

  private async writePlan(manager: EntityManager, plan: CataloguePlan, step: (stage: string) => void): Promise<void> {
    await this.insert(manager, 'threat_actor', plan.newActors.map((a) => ({
      id: a.id, name: a.name, kind: a.kind, country_code: a.countryCode, sponsor_country_code: a.sponsorCountryCode, description: a.description,
    })));
    if (plan.actorUpdates.size) {
      await manager.query(
        `UPDATE threat_actor a
            SET country_code = r.country_code, sponsor_country_code = r.sponsor_country_code,
                description = r.description, updated_at = clock_timestamp()
           FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, country_code char(2), sponsor_country_code char(2), description text)
          WHERE a.id = r.id`,
        [JSON.stringify([...plan.actorUpdates].map(([id, u]) => ({
          id, country_code: u.countryCode, sponsor_country_code: u.sponsorCountryCode, description: u.description,
        })))],
      );
    }
    step('actors written');

    // Removals first: a name dropped by one entry may be given by the next.
    await this.remove(manager, 'actor_alias', ['actor_id', 'normalized'], plan.aliasDeletes.map((d) => ({ actor_id: d.actorId, normalized: d.normalized })));
    await this.remove(manager, 'actor_external_id', ['source', 'external_id'], plan.externalIdDeletes.map((d) => ({ source: d.source, external_id: d.externalId })));
    await this.remove(manager, 'actor_reference', ['actor_id', 'url'], plan.referenceDeletes.map((d) => ({ actor_id: d.actorId, url: d.url })));
    await this.remove(manager, 'actor_targeted_sector', ['actor_id', 'sector'], plan.sectorDeletes.map((d) => ({ actor_id: d.actorId, sector: d.sector })));
    await this.remove(manager, 'actor_suspected_victim', ['actor_id', 'name'], plan.victimDeletes.map((d) => ({ actor_id: d.actorId, name: d.name })));
    step('removals');

    await this.insert(manager, 'actor_alias', plan.aliasInserts.map((a) => ({ actor_id: a.actorId, name: a.name, normalized: a.normalized, source: a.source })));
    step('aliases');
    await this.insert(manager, 'actor_external_id', plan.externalIdInserts.map((e) => ({ actor_id: e.actorId, source: e.source, external_id: e.externalId })));
    step('external ids');
    await this.insert(manager, 'actor_reference', plan.referenceInserts.map((r) => ({ actor_id: r.actorId, url: r.url, source: r.source })));
    step('references');
    await this.insert(manager, 'actor_targeted_sector', plan.sectorInserts.map((s) => ({ actor_id: s.actorId, sector: s.sector, source: s.source })));
    step('targeted sectors');
    await this.insert(manager, 'actor_suspected_victim', plan.victimInserts.map((v) => ({
      actor_id: v.actorId, name: v.name, country_code: v.countryCode, source: v.source,
    })));
    step('suspected victims');
    if (plan.recordUpserts.length) {
      await manager.query(
        `INSERT INTO actor_catalogue_record (source, record_uuid, actor_id, content_hash, content, attribution_confidence)
         SELECT source, record_uuid, actor_id, content_hash, content, attribution_confidence
           FROM jsonb_to_recordset($1::jsonb) AS r(${COLUMNS.actor_catalogue_record})
         ON CONFLICT (source, record_uuid) DO UPDATE
            SET actor_id = excluded.actor_id, content_hash = excluded.content_hash, content = excluded.content,
                attribution_confidence = excluded.attribution_confidence, updated_at = clock_timestamp()`,
        [JSON.stringify(plan.recordUpserts.map((r) => ({
          source: r.source, record_uuid: r.recordUuid, actor_id: r.actorId, content_hash: r.contentHash, content: r.content,
          attribution_confidence: r.attributionConfidence,
        })))],
      );
    }
    step('catalogue entries');
  }

  /** One INSERT for all rows, passed as one JSON parameter (no limit on bind parameters). */
  private async insert(manager: EntityManager, table: Table, rows: Record<string, unknown>[]): Promise<void> {
    if (!rows.length) return;
    const columns = COLUMNS[table].split(', ').map((c) => c.split(' ')[0]).join(', ');
    await manager.query(
      `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM jsonb_to_recordset($1::jsonb) AS r(${COLUMNS[table]})`,
      [JSON.stringify(rows)],
    );
  }

  private async remove(manager: EntityManager, table: Table, keyColumns: string[], rows: Record<string, unknown>[]): Promise<void> {
    if (!rows.length) return;
    const types = Object.fromEntries(COLUMNS[table].split(', ').map((c) => c.split(' ') as [string, string]));
    await manager.query(
      `DELETE FROM ${table} t USING jsonb_to_recordset($1::jsonb) AS r(${keyColumns.map((c) => `${c} ${types[c]}`).join(', ')})
        WHERE ${keyColumns.map((c) => `t.${c} = r.${c}`).join(' AND ')}`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * ATT&CK techniques, keyed by their id: new ones inserted, changed ones updated,
   * the same ones left untouched (updated_at too). Tactics (TA0011) are not techniques.
   */
  private async importTechniques(
    manager: EntityManager,
    files: { file: string; records: (TechniqueRecord | null)[]; values: string[] }[],
  ): Promise<TechniqueReport> {
    const report: TechniqueReport = { entries: 0, created: 0, updated: 0, unchanged: 0, skipped: [] };
    const byId = new Map<string, TechniqueRecord>();
    for (const { records, values } of files) {
      records.forEach((record, i) => {
        report.entries += 1;
        if (!record) report.skipped.push({ record: values[i], reason: 'an ATT&CK tactic, not a technique' });
        else if (byId.has(record.id)) report.skipped.push({ record: values[i], reason: `${record.id} already given by an earlier entry` });
        else byId.set(record.id, record);
      });
    }
    const missingParents = [...new Set([...byId.values()].map((t) => t.parentId).filter((p): p is string => !!p && !byId.has(p)))];
    const known = missingParents.length
      ? new Set((await manager.query(`SELECT id FROM attack_technique WHERE id = ANY($1)`, [missingParents])).map((r: { id: string }) => r.id))
      : new Set<string>();
    const rows = [...byId.values()].map((t) => ({
      id: t.id, name: t.name, description: t.description, tactics: t.tactics, platforms: t.platforms, url: t.url,
      parent_id: t.parentId && (byId.has(t.parentId) || known.has(t.parentId)) ? t.parentId : null, revoked: t.revoked,
    }));
    if (!rows.length) return report;
    // Unchanged rows are not updated (the WHERE), so they are not returned either.
    const written: { inserted: boolean }[] = await manager.query(
      `INSERT INTO attack_technique AS t (id, name, description, tactics, platforms, url, parent_id, revoked)
       SELECT id, name, description, tactics, platforms, url, parent_id, revoked
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, name text, description text, tactics text[], platforms text[], url text, parent_id text, revoked boolean)
       ON CONFLICT (id) DO UPDATE
          SET name = excluded.name, description = excluded.description, tactics = excluded.tactics, platforms = excluded.platforms,
              url = excluded.url, parent_id = excluded.parent_id, revoked = excluded.revoked, updated_at = clock_timestamp()
        WHERE (t.name, t.description, t.tactics, t.platforms, t.url, t.parent_id, t.revoked)
              IS DISTINCT FROM (excluded.name, excluded.description, excluded.tactics, excluded.platforms, excluded.url, excluded.parent_id, excluded.revoked)
       RETURNING (xmax = 0) AS inserted`,
      [JSON.stringify(rows)],
    );
    report.created = written.filter((w) => w.inserted).length;
    report.updated = written.length - report.created;
    report.unchanged = rows.length - written.length;
    return report;
  }
}
