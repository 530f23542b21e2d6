import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ThreatActorKind } from '../actors/threat-actor.entity';
import { AttributionStatus } from '../attributions/attribution.entity';
import { MITRE_ATTACK_SCHEME } from '../catalogue/actor-catalogue.entity';
import { beginImport } from '../common/caller';
import { countImportedRows } from '../observability/metrics';
import { DateSpanColumns } from '../common/date-span';
import { normalizeName } from '../common/names';
import { IncidentType } from '../incidents/incident.entity';
import { OrganizationKind } from '../organizations/organization.entity';
import { ResponseKind } from '../responses/response.entity';
import { loadStixConfig } from '../config/app-config';
import { StixBundleError, StixInput, StixProblem, danglingReferences, parseBundle } from './stix-bundle-check';
import { EXTENSION_ID, PRODUCER_ID, extensionOf, spanFromStix } from './stix-extension';
import { typeOfId } from './stix-id';
import { StixSchemas } from './stix-schemas';

export interface StixImportResult {
  bundleId: string;
  dataset: { name: string; version: string };
  objects: number;
  created: number;
  updated: number;
  unchanged: number;
  merged: number;
  notTakenByType: { type: string; count: number }[];
  notTaken: StixProblem[];
}

export type StixProgress = (done: number, total: number) => void;

/** The types the tracker takes; every other type is counted and reported as not taken. */
const TAKEN = new Set(['identity', 'location', 'intrusion-set', 'threat-actor', 'campaign', 'incident', 'attack-pattern', 'report', 'note', 'opinion', 'relationship']);
/** The order of import: what others refer to first. */
const ORDER = ['identity', 'location', 'intrusion-set', 'threat-actor', 'campaign', 'attack-pattern', 'incident', 'report', 'relationship', 'opinion', 'note'];
const ACTOR_TYPES = new Set(['intrusion-set', 'threat-actor']);
const ms = (timestamp: string | undefined) => (timestamp ? new Date(timestamp).getTime() : 0);
const day = (timestamp: string | undefined): DateSpanColumns =>
  timestamp ? { from: timestamp.slice(0, 10), to: timestamp.slice(0, 10), text: null } : { from: null, to: null, text: null };

/** A row the import wrote or found for a STIX id. */
interface Bound { table: string; id: string }

/**
 * The STIX 2.1 import, behind `npm run import:stix` and the importStixBundle mutation:
 * checks the bundle (stix-bundle-check.ts), then writes it in ONE transaction recorded as
 * 'import:stix'. Each object taken becomes a dataset record of the bundle, which the facts
 * made from it cite; stix_object remembers the row, so a re-import updates it when the
 * object's `modified` is newer, and leaves it alone otherwise.
 */
@Injectable()
export class StixImportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async import(text: string | Buffer, progress: StixProgress = () => undefined): Promise<StixImportResult> {
    const schemas = StixSchemas.load();
    const bundle = parseBundle(text, loadStixConfig().maxImportBytes, schemas);
    const { result, written } = await this.dataSource.transaction(async (manager) => {
      await beginImport(manager, 'import:stix');
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('attribution-tracker:stix-import'))`);
      const run = new ImportRun(manager, bundle.id, bundle.objects, schemas, progress);
      return { result: await run.execute(), written: run.written };
    });
    // Counted once committed (CLI and mutation alike), so that a failed import counts nothing.
    for (const [kind, rows] of written) countImportedRows('stix', kind, rows);
    return result;
  }
}

class ImportRun {
  /** Rows created, updated or merged into, by table: the report's counts by kind of row, for the metrics. */
  readonly written = new Map<string, number>();
  private readonly byId = new Map<string, StixInput>();
  private readonly stored = new Map<string, { table: string; rowId: string; modifiedAt: number }>();
  private readonly bound = new Map<string, Bound>();
  private readonly problems: StixProblem[] = [];
  private readonly result: StixImportResult;
  private datasetId = '';
  private done = 0;
  /** Identities that are the actors of an attribution or a tie in this bundle (apt1: threat-actor → identity). */
  private readonly actorIdentities = new Set<string>();
  /** Identities that stand for a target that names no record (the export's own target identities). */
  private readonly targetIdentities = new Set<string>();
  /** Identities that stand for what an actor targets by the catalogues (a victim by name, a sector): kept on the actor. */
  private readonly actorTargetIdentities = new Set<string>();

  constructor(
    private readonly manager: EntityManager, bundleId: string, private readonly objects: StixInput[],
    private readonly schemas: StixSchemas, private readonly progress: StixProgress,
  ) {
    for (const o of objects) this.byId.set(o.id, o);
    this.result = {
      bundleId, dataset: { name: '', version: '' }, objects: objects.length, created: 0, updated: 0, unchanged: 0, merged: 0,
      notTakenByType: [], notTaken: [],
    };
  }

  async execute(): Promise<StixImportResult> {
    const rows: { stix_id: string; row_table: string; row_id: string; modified_at: Date }[] = await this.manager.query(
      `SELECT stix_id, row_table, row_id, modified_at FROM stix_object WHERE stix_id = ANY($1)`,
      [[...new Set(this.objects.flatMap((o) => [o.id, ...Object.values(o).filter((v) => typeof v === 'string' && v.includes('--'))]))]],
    );
    for (const r of rows) {
      this.stored.set(r.stix_id, { table: r.row_table, rowId: r.row_id, modifiedAt: new Date(r.modified_at).getTime() });
      this.bound.set(r.stix_id, { table: r.row_table, id: r.row_id });
    }
    // Only the objects the tracker takes must lead somewhere: the others are not imported (ATT&CK's x-mitre-data-component
    // has empty x_mitre_data_source_ref values, for one).
    const dangling = danglingReferences(this.objects, (id) => this.stored.has(id) || this.byId.has(id))
      .filter((p) => TAKEN.has(this.byId.get(p.stixId)?.type ?? ''));
    if (dangling.length) throw new StixBundleError(`The bundle refers to objects it does not hold: ${dangling.length} reference(s)`, dangling);
    for (const r of this.objects) {
      if (r.type === 'identity' && extensionOf(r)?.target_only) this.targetIdentities.add(r.id);
      if (r.type === 'identity' && extensionOf(r)?.actor_target_only) this.actorTargetIdentities.add(r.id);
      if (r.type !== 'relationship' || r.revoked) continue;
      // An organization that an actor or a claim is attributed to is an actor (a state, an agency); a person stays a person.
      for (const end of [r.source_ref, r.target_ref]) {
        const identity = r.relationship_type === 'attributed-to' && typeOfId(end) === 'identity' ? this.byId.get(end) : undefined;
        if (identity && (identity.identity_class !== 'individual' || extensionOf(identity)?.actor_kind)) this.actorIdentities.add(end);
      }
    }
    await this.dataset();
    const sorted = [...this.objects].sort((a, b) => rank(a) - rank(b));
    const notTakenTypes = new Map<string, number>();
    for (const object of sorted) {
      this.progress(++this.done, this.objects.length);
      const skip = this.whyNot(object);
      if (skip) {
        this.result.notTaken.push({ stixId: object.id, reason: skip });
        if (!TAKEN.has(object.type)) notTakenTypes.set(object.type, (notTakenTypes.get(object.type) ?? 0) + 1);
        continue;
      }
      const before = this.stored.get(object.id);
      if (before && before.modifiedAt >= ms(object.modified)) {
        this.result.unchanged += 1;
        continue;
      }
      const reason = await this.take(object, before !== undefined);
      if (reason) this.result.notTaken.push({ stixId: object.id, reason });
    }
    if (this.problems.length) throw new StixBundleError(`The bundle cannot be imported: ${this.problems.length} problem(s)`, this.problems);
    this.result.notTakenByType = [...notTakenTypes].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
    return this.result;
  }

  private whyNot(o: StixInput): string | null {
    if (o.id === PRODUCER_ID) return 'the tracker that exported the bundle (written anew by every export)';
    if (o.id === EXTENSION_ID) return "the definition of the tracker's own extension";
    if (!TAKEN.has(o.type)) {
      return this.schemas.knows(o.type) ? `type ${o.type} is not held by the tracker` : `custom type ${o.type} (checked against the common core) is not held by the tracker`;
    }
    if (o.revoked === true) return 'revoked by its producer';
    if (o.x_mitre_deprecated === true) return 'deprecated by MITRE ATT&CK (x_mitre_deprecated)';
    if (this.targetIdentities.has(o.id)) return 'stands for a target; kept on the target itself';
    if (this.actorTargetIdentities.has(o.id)) return "stands for what an actor targets; kept on the actor's targets relationship";
    return null;
  }

  /** The dataset of this bundle: an ATT&CK collection by its name and version, else the bundle by its id. */
  private async dataset(): Promise<void> {
    const collection = this.objects.find((o) => o.type === 'x-mitre-collection');
    const publisher = collection?.created_by_ref ? this.byId.get(collection.created_by_ref)?.name ?? null : null;
    const name: string = collection?.name ?? 'STIX 2.1 bundle';
    const version: string = collection?.x_mitre_version ?? this.result.bundleId;
    this.result.dataset = { name, version };
    const [row] = await this.manager.query(
      `INSERT INTO dataset (name, version, publisher, citation) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name, version) DO UPDATE SET updated_at = dataset.updated_at RETURNING id`,
      [name, version, publisher, `${name} ${version}, STIX 2.1 bundle ${this.result.bundleId}`],
    );
    this.datasetId = row.id;
  }

  private async take(o: StixInput, known: boolean): Promise<string | null> {
    const ext = extensionOf(o) ?? {};
    switch (o.type) {
      case 'identity': return this.identity(o, ext, known);
      case 'location': return this.location(o);
      case 'intrusion-set':
      case 'threat-actor': return this.actor(o, ext, known);
      case 'campaign': return this.campaign(o, ext, known);
      case 'attack-pattern': return this.technique(o, ext, known);
      case 'incident': return this.incident(o, ext, known);
      case 'report': return this.report(o, ext, known);
      case 'relationship': return this.relationship(o, ext, known);
      case 'opinion': return this.opinion(o, ext, known);
      case 'note': return this.note(o, ext, known);
    }
    return `type ${o.type} is not held by the tracker`;
  }

  // ---- bookkeeping -------------------------------------------------------------------------

  /** Remembers the row of an object, records the object as a dataset record, and cites it for the fact. */
  private async remember(o: StixInput, table: string, rowId: string, fact: string | null, status: 'created' | 'updated' | 'merged' | 'reference'): Promise<void> {
    this.bound.set(o.id, { table, id: rowId });
    if (status !== 'reference') this.written.set(table, (this.written.get(table) ?? 0) + 1);
    if (status === 'created') this.result.created += 1;
    else if (status === 'updated') this.result.updated += 1;
    else if (status === 'merged') this.result.merged += 1;
    else this.result.unchanged += 1;
    const [record] = await this.manager.query(
      `INSERT INTO dataset_record (dataset_id, record_type, record_key, fields) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (dataset_id, record_type, record_key) DO UPDATE SET fields = excluded.fields, updated_at = clock_timestamp() RETURNING id`,
      [this.datasetId, o.type, o.id, JSON.stringify(o)],
    );
    await this.manager.query(
      `INSERT INTO stix_object (stix_id, stix_type, row_table, row_id, created, modified, modified_at, dataset_record_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (stix_id) DO UPDATE SET row_table = excluded.row_table, row_id = excluded.row_id, created = excluded.created,
         modified = excluded.modified, modified_at = excluded.modified_at, dataset_record_id = excluded.dataset_record_id, imported_at = clock_timestamp()`,
      [o.id, o.type, table, rowId, o.created, o.modified, o.modified, record.id],
    );
    if (fact) {
      await this.manager.query(
        `INSERT INTO citation (dataset_record_id, fields, ${fact}) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [record.id, Object.keys(o).filter((k) => !['type', 'id', 'spec_version', 'created', 'modified'].includes(k)).sort(), rowId],
      );
    }
  }

  private row(id: string | undefined): Bound | undefined {
    return id ? this.bound.get(id) : undefined;
  }

  private bad(o: StixInput, reason: string): null {
    this.problems.push({ stixId: o.id, reason });
    return null;
  }

  // ---- objects -----------------------------------------------------------------------------

  private async identity(o: StixInput, ext: Record<string, any>, known: boolean): Promise<string | null> {
    if (ext.actor_kind || this.actorIdentities.has(o.id)) return this.actor(o, ext, known);
    if (o.identity_class === 'individual') {
      const organization = this.row(ext.organization_ref);
      const values = [o.name, ext.person_role ?? null, organization?.id ?? null, ext.country_code ?? null];
      if (known) {
        const id = this.stored.get(o.id)!.rowId;
        await this.manager.query(`UPDATE person SET name = $2, role = $3, organization_id = $4, country_code = $5, updated_at = clock_timestamp() WHERE id = $1`, [id, ...values]);
        await this.remember(o, 'person', id, null, 'updated');
      } else {
        const [row] = await this.manager.query(`INSERT INTO person (name, role, organization_id, country_code) VALUES ($1, $2, $3, $4) RETURNING id`, values);
        await this.remember(o, 'person', row.id, null, 'created');
      }
      return null;
    }
    const kind = Object.values(OrganizationKind).includes(ext.organization_kind) ? ext.organization_kind : OrganizationKind.OTHER;
    const values = [o.name, kind, ext.country_code ?? null, ext.sector ?? null, o.description || null];
    if (known) {
      const id = this.stored.get(o.id)!.rowId;
      await this.manager.query(`UPDATE organization SET name = $2, kind = $3, country_code = $4, sector = $5, description = $6, updated_at = clock_timestamp() WHERE id = $1`, [id, ...values]);
      await this.remember(o, 'organization', id, null, 'updated');
      return null;
    }
    const [existing] = await this.manager.query(
      `SELECT id FROM organization WHERE lower(name) = lower($1) AND coalesce(country_code, '') = coalesce($2, '')`, [o.name, ext.country_code ?? null]);
    if (existing) {
      await this.remember(o, 'organization', existing.id, null, 'merged');
      return null;
    }
    const [row] = await this.manager.query(
      `INSERT INTO organization (name, kind, country_code, sector, description) VALUES ($1, $2, $3, $4, $5) RETURNING id`, values);
    await this.remember(o, 'organization', row.id, null, 'created');
    return null;
  }

  private async location(o: StixInput): Promise<string | null> {
    const code = typeof o.country === 'string' ? o.country.toUpperCase() : null;
    if (!code) return 'a location that is not a country: the tracker holds countries only';
    const [country] = await this.manager.query(`SELECT code FROM country WHERE code = $1`, [code]);
    if (!country) return `country "${o.country}" is not an ISO 3166-1 code the tracker knows`;
    // Countries are the tracker's reference table: the location only points at one.
    await this.remember(o, 'country', code, null, 'reference');
    return null;
  }

  private async actor(o: StixInput, ext: Record<string, any>, known: boolean): Promise<string | null> {
    const kind: ThreatActorKind = Object.values(ThreatActorKind).includes(ext.actor_kind) ? ext.actor_kind : actorKindOf(o);
    const names = [o.name, ...(o.aliases ?? []), ...(ext.aliases ?? [])].filter((n: unknown): n is string => typeof n === 'string' && !!normalizeName(n));
    const refs: any[] = o.external_references ?? [];
    const externalIds = refs.filter((r) => r.external_id && !String(r.external_id).startsWith('report--') && !String(r.external_id).includes(':'))
      .map((r) => ({ source: r.source_name as string, id: r.external_id as string }));
    const references = refs.filter((r) => r.url && !r.external_id).map((r) => ({ url: r.url as string, source: r.source_name as string }));
    const aliasSources = new Map<string, string>(
      (ext.alias_sources ?? []).map((s: string) => [normalizeName(s.split('\t')[0]), s.split('\t')[1]]));
    const label = this.result.dataset.name;
    let actorId: string | null = known ? this.stored.get(o.id)!.rowId : null;
    let status: 'created' | 'updated' | 'merged' = known ? 'updated' : 'created';
    if (!actorId) {
      // ATT&CK id first, then any of its names.
      const attack = externalIds.filter((e) => e.source === MITRE_ATTACK_SCHEME).map((e) => e.id);
      const byId: { actor_id: string }[] = attack.length
        ? await this.manager.query(`SELECT DISTINCT actor_id FROM actor_external_id WHERE source = $1 AND external_id = ANY($2)`, [MITRE_ATTACK_SCHEME, attack])
        : [];
      const byName: { actor_id: string }[] = await this.manager.query(
        `SELECT DISTINCT actor_id FROM actor_alias WHERE normalized = ANY($1)`, [names.map(normalizeName)]);
      const candidates = new Set((byId.length ? byId : byName).map((r) => r.actor_id));
      if (candidates.size > 1) return `its ${byId.length ? 'ATT&CK ids' : 'names'} point at ${candidates.size} different actors: not merged, not imported`;
      actorId = candidates.size === 1 ? [...candidates][0] : null;
      if (actorId) status = 'merged';
    }
    if (!actorId) {
      const [row] = await this.manager.query(
        `INSERT INTO threat_actor (name, kind, country_code, sponsor_country_code, description) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [o.name, kind, ext.country_code ?? null, ext.sponsor_country_code ?? null, o.description || null]);
      actorId = row.id as string;
    } else if (status === 'updated') {
      await this.manager.query(
        `UPDATE threat_actor SET name = $2, kind = $3, country_code = $4, sponsor_country_code = $5, description = $6, updated_at = clock_timestamp() WHERE id = $1`,
        [actorId, o.name, kind, ext.country_code ?? null, ext.sponsor_country_code ?? null, o.description || null]);
    }
    // Names, ids and references the actor does not have yet; a name another actor has stays with that actor.
    for (const name of names) {
      const normalized = normalizeName(name);
      // With the tracker's extension, a name without a listed source had none; otherwise the name is the bundle's.
      const source = aliasSources.get(normalized) ?? (extensionOf(o) ? null : label);
      await this.manager.query(
        `INSERT INTO actor_alias (actor_id, name, normalized, source) VALUES ($1, $2, $3, $4) ON CONFLICT (normalized) DO NOTHING`,
        [actorId, name, normalized, source]);
    }
    for (const e of externalIds) {
      await this.manager.query(`INSERT INTO actor_external_id (actor_id, source, external_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [actorId, e.source, e.id]);
    }
    for (const r of references) {
      await this.manager.query(`INSERT INTO actor_reference (actor_id, url, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [actorId, r.url, r.source]);
    }
    // An actor exported as an identity lists what it targets in the extension (STIX has no targets from an identity).
    for (const v of ext.suspected_victims ?? []) {
      if (typeof v?.name !== 'string' || !v.name.trim()) continue;
      await this.manager.query(`INSERT INTO actor_suspected_victim (actor_id, name, country_code, source)
        VALUES ($1, $2, (SELECT code FROM country WHERE code = $3), $4) ON CONFLICT DO NOTHING`,
        [actorId, v.name, typeof v.country_code === 'string' ? v.country_code.toUpperCase() : null, v.source ?? null]);
    }
    for (const v of ext.targeted_sectors ?? []) {
      if (typeof v?.sector !== 'string' || !v.sector.trim()) continue;
      await this.manager.query(`INSERT INTO actor_targeted_sector (actor_id, sector, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [actorId, v.sector, v.source ?? null]);
    }
    await this.remember(o, 'threat_actor', actorId, 'threat_actor_id', status);
    await this.cite(o, 'threat_actor', actorId);
    return null;
  }

  private async campaign(o: StixInput, ext: Record<string, any>, known: boolean): Promise<string | null> {
    const started = ext.started ? spanFromStix(ext.started) : day(o.first_seen);
    const values = [o.name, o.description || null, started.from, started.to, started.text];
    if (known) {
      const id = this.stored.get(o.id)!.rowId;
      await this.manager.query(`UPDATE campaign SET name = $2, description = $3, started_from = $4, started_to = $5, started_text = $6, updated_at = clock_timestamp() WHERE id = $1`, [id, ...values]);
      await this.remember(o, 'campaign', id, 'campaign_id', 'updated');
      await this.cite(o, 'campaign', id);
      return null;
    }
    const [existing] = await this.manager.query(`SELECT id FROM campaign WHERE lower(name) = lower($1)`, [o.name]);
    if (existing) {
      await this.remember(o, 'campaign', existing.id, 'campaign_id', 'merged');
      await this.cite(o, 'campaign', existing.id);
      return null;
    }
    const [row] = await this.manager.query(
      `INSERT INTO campaign (name, description, started_from, started_to, started_text) VALUES ($1, $2, $3, $4, $5) RETURNING id`, values);
    await this.remember(o, 'campaign', row.id, 'campaign_id', 'created');
    await this.cite(o, 'campaign', row.id);
    return null;
  }

  private async technique(o: StixInput, ext: Record<string, any>, known: boolean): Promise<string | null> {
    const ref = (o.external_references ?? []).find((r: any) => r.source_name === 'mitre-attack' && /^T\d{4}(\.\d{3})?$/.test(r.external_id ?? ''));
    if (!ref) return 'an attack-pattern without an ATT&CK technique id (T…): the tracker keys techniques by it';
    const id: string = ref.external_id;
    const tactics = [...new Set<string>((o.kill_chain_phases ?? []).filter((p: any) => String(p.kill_chain_name).startsWith('mitre')).map((p: any) => p.phase_name))];
    const platforms: string[] = ext.platforms ?? o.x_mitre_platforms ?? [];
    const parent = id.includes('.') ? id.slice(0, id.indexOf('.')) : null;
    const [existing] = await this.manager.query(`SELECT id FROM attack_technique WHERE id = $1`, [id]);
    const [hasParent] = parent ? await this.manager.query(`SELECT id FROM attack_technique WHERE id = $1`, [parent]) : [];
    await this.manager.query(
      `INSERT INTO attack_technique AS t (id, name, description, tactics, platforms, url, parent_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, tactics = excluded.tactics,
         platforms = excluded.platforms, url = excluded.url, updated_at = clock_timestamp()`,
      [id, o.name, o.description || null, tactics, platforms, ref.url ?? null, hasParent ? parent : null]);
    await this.remember(o, 'attack_technique', id, null, known ? 'updated' : existing ? 'merged' : 'created');
    return null;
  }

  private async incident(o: StixInput, ext: Record<string, any>, known: boolean): Promise<string | null> {
    const types: string[] = ext.incident_types ?? [];
    const badType = types.find((t) => !Object.values(IncidentType).includes(t as IncidentType));
    if (badType) return this.bad(o, `incident type "${badType}" is not one of ${Object.values(IncidentType).join(', ')}`);
    const techniques: string[] = ext.technique_ids ?? [];
    const badTechnique = techniques.find((t) => !/^T\d{4}(\.\d{3})?$/.test(t));
    if (badTechnique) return this.bad(o, `technique id "${badTechnique}" is not an ATT&CK technique id`);
    const [s, e, d] = [spanFromStix(ext.started), spanFromStix(ext.ended), spanFromStix(ext.disclosed)];
    const campaign = this.row(ext.campaign_ref);
    const values = [o.name, o.description || null, s.from, s.to, s.text, e.from, e.to, e.text, d.from, d.to, d.text, types, techniques, campaign?.id ?? null];
    const columns = `title, summary, started_from, started_to, started_text, ended_from, ended_to, ended_text,
      disclosed_from, disclosed_to, disclosed_text, types, technique_ids, campaign_id`;
    let id: string;
    if (known) {
      id = this.stored.get(o.id)!.rowId;
      await this.manager.query(`UPDATE incident SET (${columns}, updated_at) = ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, clock_timestamp()) WHERE id = $1`, [id, ...values]);
    } else {
      [{ id }] = await this.manager.query(`INSERT INTO incident (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`, values);
    }
    await this.remember(o, 'incident', id, 'incident_id', known ? 'updated' : 'created');
    await this.cite(o, 'incident', id);
    return null;
  }

  /** A report: the article it stands for, as an article reference (the bundle has no body), cited by the incidents it covers. */
  private async report(o: StixInput, ext: Record<string, any>, known: boolean): Promise<string | null> {
    const published = ext.published_span ? spanFromStix(ext.published_span) : day(o.published);
    const url: string | null = (o.external_references ?? []).find((r: any) => r.url)?.url ?? null;
    const publisher = ext.publisher ?? (o.created_by_ref ? this.byId.get(o.created_by_ref)?.name ?? null : null);
    const id = await this.article(o.id, { title: o.name, url, publisher, published, authors: ext.article_authors ?? [], language: o.lang ?? null }, known);
    await this.remember(o, 'source_article', id, null, known ? 'updated' : 'created');
    for (const ref of o.object_refs ?? []) {
      const fact = this.row(ref);
      if (fact?.table === 'incident') {
        await this.manager.query(`INSERT INTO incident_source (incident_id, source_article_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [fact.id, id]);
      }
    }
    return null;
  }

  private async article(
    stixId: string, a: { title: string | null; url: string | null; publisher: string | null; published: DateSpanColumns; authors: string[]; language: string | null },
    known: boolean,
  ): Promise<string> {
    const bound = this.row(stixId);
    const values = [a.title, a.url, a.publisher, a.published.from, a.published.to, a.published.text, a.authors, a.language];
    if (bound && known) {
      await this.manager.query(`UPDATE source_article SET title = $2, url = $3, publisher = $4, published_from = $5, published_to = $6,
        published_text = $7, authors = $8, language = $9, updated_at = clock_timestamp() WHERE id = $1`, [bound.id, ...values]);
      return bound.id;
    }
    if (bound) return bound.id;
    const [existing] = a.url ? await this.manager.query(`SELECT id FROM source_article WHERE url = $1`, [a.url]) : [];
    if (existing) return existing.id;
    const [row] = await this.manager.query(`INSERT INTO source_article (title, url, publisher, published_from, published_to, published_text, authors, language)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, values);
    return row.id;
  }

  /** A fact's external references that stand for an article (external_id report--…): citations of that article, with the excerpt. */
  private async cite(
    o: StixInput, kind: 'incident' | 'attribution' | 'statement' | 'threat_actor' | 'actor_tie_actor' | 'campaign' | 'incident_target' | 'response', factId: string,
  ): Promise<void> {
    for (const r of o.external_references ?? []) {
      if (!String(r.external_id ?? '').startsWith('report--')) continue;
      let articleId = this.row(r.external_id)?.id;
      if (!articleId) {
        // Only the reference: an article reference by title and URL, under the report id the exporter gave it.
        articleId = await this.article(r.external_id, {
          title: r.source_name, url: r.url ?? null, publisher: null, published: { from: null, to: null, text: null }, authors: [], language: null,
        }, false);
        this.bound.set(r.external_id, { table: 'source_article', id: articleId });
        await this.manager.query(
          `INSERT INTO stix_object (stix_id, stix_type, row_table, row_id, created, modified, modified_at) VALUES ($1, 'report', 'source_article', $2, $3, $4::text, $4::timestamptz)
           ON CONFLICT (stix_id) DO NOTHING`, [r.external_id, articleId, o.created, o.modified]);
      }
      const excerpt = r.description ?? null;
      if (kind === 'incident') {
        await this.manager.query(`INSERT INTO incident_source (incident_id, source_article_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [factId, articleId]);
      } else if (excerpt && (kind === 'attribution' || kind === 'statement')) {
        const table = kind === 'attribution' ? 'attribution_source' : 'statement_source';
        await this.manager.query(`INSERT INTO ${table} (${kind}_id, source_article_id, excerpt) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [factId, articleId, excerpt]);
      } else {
        await this.manager.query(`INSERT INTO citation (source_article_id, excerpt, ${kind}_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [articleId, excerpt, factId]);
      }
    }
  }

  private async relationship(o: StixInput, ext: Record<string, any>, known: boolean): Promise<string | null> {
    const source = this.row(o.source_ref);
    // A target that names no record: its identity was written by the exporter for the relationship alone.
    const target = this.targetIdentities.has(o.target_ref) ? { table: 'target_only', id: o.target_ref }
      : this.actorTargetIdentities.has(o.target_ref) ? { table: 'actor_target_only', id: o.target_ref } : this.row(o.target_ref);
    const type = o.relationship_type as string;
    if (!['attributed-to', 'targets', 'uses', 'located-at', 'related-to'].includes(type)) return `relationship type "${type}" is not held by the tracker`;
    if (!source || !target) {
      const missing = !source ? o.source_ref : o.target_ref;
      return `its ${!source ? 'source' : 'target'} (${typeOfId(missing)}) was not imported`;
    }
    if (type === 'attributed-to' && source.table === 'threat_actor' && target.table === 'threat_actor') return this.tie(o, ext, source.id, target.id, known);
    if (type === 'attributed-to' && source.table === 'threat_actor' && target.table === 'person') {
      // A persona attributed to a named person (apt1: Ugly Gorilla → Wang Dong): the person serves in the actor.
      const [member] = await this.manager.query(
        `INSERT INTO actor_member (actor_id, person_id) VALUES ($1, $2) ON CONFLICT (actor_id, person_id) DO UPDATE SET actor_id = excluded.actor_id RETURNING id`,
        [source.id, target.id]);
      await this.remember(o, 'actor_member', member.id, 'actor_member_id', known ? 'updated' : 'created');
      return null;
    }
    if (type === 'attributed-to' && ['incident', 'campaign'].includes(source.table) && target.table === 'threat_actor') {
      return this.attribution(o, ext, { subject: source, actorId: target.id, status: ext.claim_status ?? AttributionStatus.ASSERTED, party: o.created_by_ref }, known);
    }
    if (type === 'targets' && source.table === 'incident') return this.target(o, ext, source.id, target, known);
    if (type === 'targets' && source.table === 'threat_actor') return this.actorTarget(o, ext, source.id, target, known);
    if (type === 'uses' && source.table === 'threat_actor') {
      return `"uses" from ${typeOfId(o.source_ref)} to ${typeOfId(o.target_ref)}: the tracker records techniques on incidents only, ` +
        'not on actors (a group\'s usual techniques have no place in its model)';
    }
    if (type === 'uses' && source.table === 'incident' && target.table === 'attack_technique') {
      await this.manager.query(`UPDATE incident SET technique_ids = array_append(technique_ids, $2) WHERE id = $1 AND NOT ($2 = ANY(technique_ids))`, [source.id, target.id]);
      await this.remember(o, 'incident_technique', `${source.id}:${target.id}`, null, known ? 'updated' : 'created');
      return null;
    }
    if (type === 'located-at' && target.table === 'country' && ['threat_actor', 'organization', 'person'].includes(source.table)) {
      await this.manager.query(`UPDATE ${source.table} SET country_code = $2 WHERE id = $1`, [source.id, target.id]);
      await this.remember(o, `${source.table}_location`, source.id, null, known ? 'updated' : 'created');
      return null;
    }
    if (type === 'related-to' && source.table === 'incident' && target.table === 'campaign') {
      await this.manager.query(`UPDATE incident SET campaign_id = $2 WHERE id = $1`, [source.id, target.id]);
      await this.remember(o, 'incident_campaign', source.id, null, known ? 'updated' : 'created');
      return null;
    }
    return `"${type}" from ${typeOfId(o.source_ref)} to ${typeOfId(o.target_ref)} has no place in the tracker ` +
      '(it records techniques and targets of incidents, and ties and claims between incidents, campaigns and actors)';
  }

  private async tie(o: StixInput, ext: Record<string, any>, childId: string, parentId: string, known: boolean): Promise<string | null> {
    const [child] = await this.manager.query(`SELECT parent_id FROM threat_actor WHERE id = $1`, [childId]);
    if (child.parent_id && child.parent_id !== parentId && !known) return 'the actor already has another parent in the tracker; the tie is not replaced';
    const [cycle] = await this.manager.query(
      `WITH RECURSIVE up(id) AS (SELECT $1::uuid UNION SELECT a.parent_id FROM threat_actor a JOIN up ON a.id = up.id WHERE a.parent_id IS NOT NULL)
       SELECT 1 AS found FROM up WHERE id = $2`, [parentId, childId]);
    if (cycle || childId === parentId) return 'the tie would make the actor its own ancestor';
    const tie = ['UNIT_OF', 'OPERATED_BY', 'HAS_TIES_TO', 'SPONSORED_BY'].includes(ext.actor_tie) ? ext.actor_tie : null;
    // The tie is its own object (its stix_object row), so the actor's own modified stays as its object gave it.
    await this.manager.query(`UPDATE threat_actor SET parent_id = $2, parent_tie = $3 WHERE id = $1`, [childId, parentId, tie]);
    await this.remember(o, 'threat_actor_parent', childId, 'actor_tie_actor_id', known ? 'updated' : 'created');
    await this.cite(o, 'actor_tie_actor', childId);
    return null;
  }

  private async attribution(
    o: StixInput, ext: Record<string, any>, claim: { subject: Bound; actorId: string; status: string; party: string | undefined }, known: boolean,
  ): Promise<string | null> {
    const party = this.row(claim.party);
    const person = this.row(ext.attributed_by_person_ref) ?? (party?.table === 'person' ? party : undefined);
    const organization = party?.table === 'organization' ? party : undefined;
    const country = typeof ext.attributing_country_code === 'string' ? ext.attributing_country_code.toUpperCase() : null;
    if (country && !(await this.manager.query(`SELECT 1 FROM country WHERE code = $1`, [country])).length) {
      return this.bad(o, `attributing_country_code "${ext.attributing_country_code}" is not an ISO 3166-1 code the tracker knows`);
    }
    // A claim a dataset coded without naming its party (coded_basis) is held as such; otherwise someone must have made it.
    if (!organization && !person && !ext.coded_basis) {
      return 'it does not say who attributed (created_by_ref names no imported organization or person, and no coded_basis)';
    }
    const span = ext.attributed ? spanFromStix(ext.attributed) : day(o.start_time);
    const values = [
      claim.subject.table === 'incident' ? claim.subject.id : null, claim.subject.table === 'campaign' ? claim.subject.id : null, claim.actorId,
      organization?.id ?? null, person?.id ?? null, span.from, span.to, span.text, o.confidence ?? null, ext.confidence_words ?? null,
      ext.bases ?? [], claim.status, ext.notes ?? (o.type === 'relationship' ? o.description : o.explanation) ?? null,
      country, ext.coded_type ?? null, ext.coded_basis ?? null,
    ];
    const columns = `incident_id, campaign_id, actor_id, attributed_by_organization_id, attributed_by_person_id, attributed_from, attributed_to,
      attributed_text, confidence, confidence_words, bases, status, notes, attributing_country_code, coded_type, coded_basis`;
    let id: string;
    if (known) {
      id = this.stored.get(o.id)!.rowId;
      await this.manager.query(`UPDATE attribution SET (${columns}, updated_at) = ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, clock_timestamp()) WHERE id = $1`, [id, ...values]);
    } else {
      [{ id }] = await this.manager.query(`INSERT INTO attribution (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`, values);
    }
    await this.remember(o, 'attribution', id, 'attribution_id', known ? 'updated' : 'created');
    await this.cite(o, 'attribution', id);
    return null;
  }

  /** A denial or dispute: the tracker's extension names the claim's subject and actor; other producers' opinions contest the claims they list. */
  private async opinion(o: StixInput, ext: Record<string, any>, known: boolean): Promise<string | null> {
    const status = o.opinion === 'strongly-disagree' ? AttributionStatus.DENIED : o.opinion === 'disagree' ? AttributionStatus.DISPUTED : null;
    if (!status) return `an opinion that ${o.opinion === 'neutral' ? 'is neutral' : 'agrees'}: the tracker records denials and disputes`;
    let subject = this.row(ext.subject_ref);
    let actorId = this.row(ext.actor_ref)?.id;
    if (!subject || !actorId) {
      const claim = (o.object_refs as string[]).map((id) => this.byId.get(id)).find((r) => r?.type === 'relationship' && r.relationship_type === 'attributed-to');
      subject = this.row(claim?.source_ref);
      actorId = this.row(claim?.target_ref)?.id;
    }
    if (!subject || !actorId || !['incident', 'campaign'].includes(subject.table)) return 'it contests no claim (attributed-to relationship) that the tracker holds';
    return this.attribution(o, ext, { subject, actorId, status: ext.claim_status ?? status, party: o.created_by_ref }, known);
  }

  private async note(o: StixInput, ext: Record<string, any>, known: boolean): Promise<string | null> {
    if (ext.response_kind) return this.response(o, ext, known);
    const person = this.row(ext.speaker_person_ref) ?? (this.row(o.created_by_ref)?.table === 'person' ? this.row(o.created_by_ref) : undefined);
    const organization = this.row(ext.speaker_organization_ref) ?? (this.row(o.created_by_ref)?.table === 'organization' ? this.row(o.created_by_ref) : undefined);
    if (!person && !organization) return 'it does not say who said it (no speaker, no created_by_ref naming an organization or person)';
    const said = spanFromStix(ext.said);
    const values = [person?.id ?? null, organization?.id ?? null, ext.speaker_role ?? null, said.from, said.to, said.text,
      ext.stance ? ext.quote ?? null : null, ext.stance ? ext.summary ?? null : o.content, o.lang ?? null, ext.stance ?? 'COMMENTS'];
    const columns = 'speaker_person_id, speaker_organization_id, speaker_role, said_from, said_to, said_text, quote, summary, language, stance';
    let id: string;
    if (known) {
      id = this.stored.get(o.id)!.rowId;
      await this.manager.query(`UPDATE statement SET (${columns}, updated_at) = ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, clock_timestamp()) WHERE id = $1`, [id, ...values]);
    } else {
      [{ id }] = await this.manager.query(`INSERT INTO statement (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, values);
    }
    for (const ref of o.object_refs ?? []) {
      const about = this.row(ref);
      const link = about && ({ incident: ['statement_incident', 'incident_id'], threat_actor: ['statement_actor', 'actor_id'],
        attribution: ['attribution_statement', 'attribution_id'], country: ['statement_country', 'country_code'] } as Record<string, string[]>)[about.table];
      if (!link) continue;
      await this.manager.query(`INSERT INTO ${link[0]} (statement_id, ${link[1]}) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [id, about!.id]);
    }
    await this.remember(o, 'statement', id, 'statement_id', known ? 'updated' : 'created');
    await this.cite(o, 'statement', id);
    return null;
  }

  /**
   * What an actor targets (`targets` from an intrusion-set, threat-actor or actor identity): a
   * country or a named identity → a suspected victim of the actor; an identity of class `class`
   * (a sector) → a targeted sector; each with the catalogue that said it (the tracker's
   * extension), else this bundle's dataset.
   */
  private async actorTarget(o: StixInput, ext: Record<string, any>, actorId: string, party: Bound, known: boolean): Promise<string | null> {
    const object = this.byId.get(o.target_ref);
    const source: string = ext.catalogue_source ?? this.result.dataset.name;
    const status = known ? 'updated' : 'created';
    if (ext.targeted_sector || (object?.type === 'identity' && object.identity_class === 'class')) {
      const sector: string = ext.targeted_sector ?? object!.name;
      await this.manager.query(`INSERT INTO actor_targeted_sector (actor_id, sector, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [actorId, sector, source]);
      await this.remember(o, 'actor_targeted_sector', `${actorId}:${sector}`, null, status);
      if (party.table === 'actor_target_only') await this.rememberParty(object!, 'actor_targeted_sector_party', `${actorId}:${sector}`);
      return null;
    }
    if (!['country', 'organization', 'person', 'actor_target_only'].includes(party.table)) {
      return `"targets" from an actor to ${typeOfId(o.target_ref)}: the tracker holds an actor's suspected victims (countries, named parties) and sectors only`;
    }
    const country = party.table === 'country' ? party.id : null;
    const name: string | undefined = ext.victim_name ?? object?.name ?? (country
      ? (await this.manager.query(`SELECT name FROM country WHERE code = $1`, [country]))[0]?.name : undefined);
    if (!name) return 'the target has no name the tracker can hold';
    await this.manager.query(
      `INSERT INTO actor_suspected_victim (actor_id, name, country_code, source) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [actorId, name, country, source]);
    await this.remember(o, 'actor_suspected_victim', `${actorId}:${name}`, null, status);
    if (party.table === 'actor_target_only') await this.rememberParty(object!, 'actor_suspected_victim_party', `${actorId}:${name}`);
    return null;
  }

  /** The STIX id of an identity the exporter wrote for one relationship alone, so that the next export gives it again. */
  private async rememberParty(object: StixInput, table: string, key: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO stix_object (stix_id, stix_type, row_table, row_id, created, modified, modified_at) VALUES ($1, 'identity', $2, $3, $4, $5::text, $5::timestamptz)
       ON CONFLICT (stix_id) DO UPDATE SET row_id = excluded.row_id, modified = excluded.modified, modified_at = excluded.modified_at, imported_at = clock_timestamp()`,
      [object.id, table, key, object.created, object.modified]);
  }

  /** A note the tracker exported for a response (its extension has `response_kind`): the response row again. */
  private async response(o: StixInput, ext: Record<string, any>, known: boolean): Promise<string | null> {
    const creator = this.row(o.created_by_ref);
    const organization = this.row(ext.responder_organization_ref) ?? (creator?.table === 'organization' ? creator : undefined);
    const person = this.row(ext.responder_person_ref) ?? (creator?.table === 'person' ? creator : undefined);
    const country = typeof ext.responder_country_code === 'string' ? ext.responder_country_code.toUpperCase() : null;
    if (country && !(await this.manager.query(`SELECT 1 FROM country WHERE code = $1`, [country])).length) {
      return this.bad(o, `responder_country_code "${ext.responder_country_code}" is not an ISO 3166-1 code the tracker knows`);
    }
    if (!organization && !person && !country && !ext.responder_region) return 'it does not say who responded (no responder organization, person, country or region)';
    const about = (o.object_refs as string[]).map((ref) => this.row(ref));
    const subject = (table: string) => about.find((b) => b?.table === table)?.id ?? null;
    const [incident, attribution, actor] = [subject('incident'), subject('attribution'), subject('threat_actor')];
    if (!incident && !attribution && !actor) return 'it responds to nothing the tracker holds (no incident, claim or actor among its object_refs)';
    const kind = Object.values(ResponseKind).includes(ext.response_kind) ? ext.response_kind : ResponseKind.OTHER;
    const responded = spanFromStix(ext.responded);
    const values = [organization?.id ?? null, person?.id ?? null, country, ext.responder_region ?? null, ext.responder_text ?? null,
      responded.from, responded.to, responded.text, kind, ext.coded_type ?? null, ext.coded_subtype ?? null, ext.description ?? null,
      incident, attribution, actor];
    const columns = `responder_organization_id, responder_person_id, responder_country_code, responder_region, responder_text,
      responded_from, responded_to, responded_text, kind, coded_type, coded_subtype, description, incident_id, attribution_id, actor_id`;
    let id: string;
    if (known) {
      id = this.stored.get(o.id)!.rowId;
      await this.manager.query(`UPDATE response SET (${columns}, updated_at) = ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, clock_timestamp()) WHERE id = $1`, [id, ...values]);
    } else {
      [{ id }] = await this.manager.query(`INSERT INTO response (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`, values);
    }
    await this.remember(o, 'response', id, 'response_id', known ? 'updated' : 'created');
    await this.cite(o, 'response', id);
    return null;
  }

  private async target(o: StixInput, ext: Record<string, any>, incidentId: string, party: Bound, known: boolean): Promise<string | null> {
    const ownIdentity = this.targetIdentities.has(o.target_ref);
    const partyObject = this.byId.get(o.target_ref);
    const values = [
      incidentId, ext.target_role ?? 'VICTIM',
      party.table === 'organization' ? party.id : null, party.table === 'person' ? party.id : null, party.table === 'country' ? party.id : null,
      ext.region ?? null, ext.sector ?? null, ext.target_kind ?? null, ext.target_name ?? (ownIdentity && !ext.sector && !ext.region ? partyObject?.name ?? null : null),
    ];
    if (ownIdentity && !values.slice(5).some((v) => v)) return 'the target names nothing the tracker can hold';
    const columns = 'incident_id, role, organization_id, person_id, country_code, region, sector, kind, name';
    let id: string;
    if (known) {
      id = this.stored.get(o.id)!.rowId;
      await this.manager.query(`UPDATE incident_target SET (${columns}) = ($2, $3, $4, $5, $6, $7, $8, $9, $10) WHERE id = $1`, [id, ...values]);
    } else {
      [{ id }] = await this.manager.query(`INSERT INTO incident_target (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, values);
    }
    await this.remember(o, 'incident_target', id, 'incident_target_id', known ? 'updated' : 'created');
    await this.cite(o, 'incident_target', id);
    if (ownIdentity && partyObject) {
      await this.manager.query(
        `INSERT INTO stix_object (stix_id, stix_type, row_table, row_id, created, modified, modified_at) VALUES ($1, 'identity', 'incident_target_party', $2, $3, $4::text, $4::timestamptz)
         ON CONFLICT (stix_id) DO UPDATE SET row_id = excluded.row_id, modified = excluded.modified, modified_at = excluded.modified_at, imported_at = clock_timestamp()`,
        [partyObject.id, id, partyObject.created, partyObject.modified]);
    }
    return null;
  }
}

/** The order objects are imported in. */
function rank(o: StixInput): number {
  // People after the organizations they belong to.
  if (o.type === 'identity' && o.identity_class === 'individual') return 0.5;
  if (o.type === 'relationship') return ORDER.indexOf('relationship') + (o.relationship_type === 'attributed-to' ? 0 : 0.5);
  const i = ORDER.indexOf(o.type);
  return i < 0 ? ORDER.length : i;
}

/** An actor's kind from what STIX says, when the tracker's extension does not: never more than it says. */
function actorKindOf(o: StixInput): ThreatActorKind {
  if (o.type === 'intrusion-set') return ThreatActorKind.APT_GROUP;
  if (o.type === 'identity') return o.identity_class === 'individual' ? ThreatActorKind.INDIVIDUAL : ThreatActorKind.UNKNOWN;
  const types: string[] = o.threat_actor_types ?? [];
  if (types.some((t) => t === 'crime-syndicate' || t === 'criminal')) return ThreatActorKind.CRIMINAL_GROUP;
  if (types.includes('activist')) return ThreatActorKind.HACKTIVIST;
  return ThreatActorKind.UNKNOWN;
}

export { ACTOR_TYPES };
