import { ThreatActorKind } from '../actors/threat-actor.entity';
import { AttributionStatus } from '../attributions/attribution.entity';
import { DateSpanColumns } from '../common/date-span';
import { EXTENSION_ID, compact, spanToStix, withExtension } from './stix-extension';
import { mintedId, typeOfId } from './stix-id';

/**
 * The export mapping, tracker row → STIX 2.1 object, as pure functions of the rows the export
 * service reads (stix-export.service.ts). The table is in docs/stix.md. Ids: the STIX id an
 * import remembered for the row, else UUIDv5 of the row's id (stix-id.ts); timestamps: the
 * imported object's own while the row is unchanged since, else the row's.
 */
export type StixObject = Record<string, unknown> & { type: string; id: string };

/** What stix_object remembers of the objects imported into one row. */
export interface StoredStix {
  id: string;
  created: string;
  modified: string;
  /** When imported (ISO); a row updated after that exports its own `modified`. */
  at: string;
}

export interface Citation {
  article: string | null;
  article_stix: string[] | null;
  title: string | null;
  url: string | null;
  publisher: string | null;
  excerpt: string | null;
  dataset: string | null;
  version: string | null;
  record_type: string | null;
  record_key: string | null;
}

/*
 * Kinds written straight as JSON text (notes, claims and opinions, reports): the same rules as compact and withExtension, without the objects.
 */
const text = JSON.stringify;
/** What `compact` leaves out: no value, the empty string, the empty list. */
const absent = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
/** `,"key":<json>` when the value is present (compact's rule), else nothing. */
const member = (key: string, json: string | undefined) => (json === undefined ? '' : `,"${key}":${json}`);
const textOf = (v: string | null | undefined) => (absent(v) ? undefined : text(v));
/** A text's JSON as textOf gives it, from the JSON already made: nothing for null or the empty string. */
const presentJson = (json: string | null) => (json === null || json === '""' ? undefined : json);
const EXTENSION_KEY = text(EXTENSION_ID);
/** The tracker's property extension around members written by `member` (the object's own text), or nothing when there are none. */
const extensionMember = (members: string) =>
  (members ? `,"extensions":{${EXTENSION_KEY}:{"extension_type":"property-extension"${members}}}` : '');

type SpanRow = Record<string, unknown>;
/** Timestamps come as ISO text already (stix-export.service.ts reads them so); a Date still works. */
const iso = (value: string | Date) => (typeof value === 'string' ? value : value.toISOString());
const dayStart = (date: string | null | undefined) => (date ? `${date}T00:00:00.000Z` : undefined);

/** Which STIX object stands for an actor of each kind (issue 10's table). */
export function actorType(kind: string): 'intrusion-set' | 'threat-actor' | 'identity' {
  switch (kind) {
    case ThreatActorKind.STATE:
    case ThreatActorKind.INTELLIGENCE_AGENCY:
      return 'identity';
    case ThreatActorKind.MILITARY_UNIT:
    case ThreatActorKind.INDIVIDUAL:
      return 'threat-actor';
    default:
      return 'intrusion-set';
  }
}

/** The id of a row's object: the remembered one of that type, else minted. */
export function refOf(type: string, table: string, rowId: string, stored: string[] | null | undefined): string {
  return stored?.find((id) => typeOfId(id) === type) ?? mintedId(type, table, rowId);
}

/** id, created and modified of a row's object. */
export function identify(
  type: string, table: string, rowId: string, row: { created_at: string | Date; updated_at: string | Date },
  stored: StoredStix[] | null | undefined,
): { id: string; created: string; modified: string } {
  const own = stored?.find((s) => typeOfId(s.id) === type);
  if (!own) return { id: mintedId(type, table, rowId), created: iso(row.created_at), modified: iso(row.updated_at) };
  const changed = new Date(row.updated_at).getTime() > new Date(own.at).getTime();
  return { id: own.id, created: own.created, modified: changed ? iso(row.updated_at) : own.modified };
}

const base = (type: string, ids: { id: string; created: string; modified: string }) => ({
  type, spec_version: '2.1', id: ids.id, created: ids.created, modified: ids.modified,
});

/** What RFC 3986 allows in a URI, a `%` only before two hex digits. */
const NOT_IN_URI = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g;

/**
 * An address as STIX's `url` (a URI, RFC 3986): as the source wrote it when it is one; else parsed as
 * browsers do (spaces around it dropped, non-ASCII percent-encoded) and what RFC 3986 still does not
 * allow (`|`, a bare `%`) percent-encoded: the same address, written as a URI (MISP's galaxy has
 * both kinds). Undefined when it is no absolute URL: the caller keeps the text as a description.
 */
export function stixUrl(address: string | null | undefined): string | undefined {
  if (!address) return undefined;
  NOT_IN_URI.lastIndex = 0;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]/.test(address) && !NOT_IN_URI.test(address)) return address;
  let href: string;
  try {
    href = new URL(address.trim()).href;
  } catch {
    return undefined;
  }
  return href.replace(NOT_IN_URI, (c) => encodeURIComponent(c));
}

/** `url` for an address that is a URL, else the address as the description (an external reference needs one of them). */
function addressOf(address: string): { url: string } | { description: string } {
  const url = stixUrl(address);
  return url ? { url } : { description: address };
}

/**
 * Citations as external references: an article by title and URL, the excerpt as the
 * description, and the id of the report standing for the article as external_id; a dataset
 * record by dataset and record key. A record that is the object itself (the bundle it came
 * from) is left out: the object is that record.
 */
export function externalReferences(citations: Citation[] | null | undefined, ownIds: string[] = []): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const c of citations ?? []) {
    if (c.article) {
      const url = stixUrl(c.url);
      out.push(compact({
        source_name: c.title ?? c.publisher ?? c.url ?? 'source article',
        url,
        description: c.excerpt ?? (url ? undefined : (c.url ?? undefined)),
        external_id: refOf('report', 'source_article', c.article, c.article_stix),
      }));
    } else if (c.record_key && !ownIds.includes(c.record_key)) {
      out.push(compact({ source_name: `${c.dataset} ${c.version}`, external_id: `${c.record_type}:${c.record_key}` }));
    }
  }
  return out;
}

export interface OrganizationRow {
  id: string; name: string; kind: string; country_code: string | null; sector: string | null; description: string | null;
  created_at: string; updated_at: string; stix: StoredStix[] | null;
}
export function organizationObject(row: OrganizationRow): StixObject {
  return withExtension({
    ...base('identity', identify('identity', 'organization', row.id, row, row.stix)),
    name: row.name, identity_class: 'organization', description: row.description,
  }, { organization_kind: row.kind, country_code: row.country_code, sector: row.sector }) as StixObject;
}

export interface PersonRow {
  id: string; name: string; role: string | null; country_code: string | null; organization_id: string | null;
  organization_stix: string[] | null; created_at: string; updated_at: string; stix: StoredStix[] | null;
}
export function personObject(row: PersonRow): StixObject {
  return withExtension({
    ...base('identity', identify('identity', 'person', row.id, row, row.stix)),
    name: row.name, identity_class: 'individual',
  }, {
    person_role: row.role, country_code: row.country_code,
    organization_ref: row.organization_id ? refOf('identity', 'organization', row.organization_id, row.organization_stix) : undefined,
  }) as StixObject;
}

export interface ActorRow {
  id: string; name: string; kind: string; country_code: string | null; sponsor_country_code: string | null;
  description: string | null; parent_id: string | null; parent_kind: string | null; parent_stix: string[] | null;
  parent_tie: string | null; aliases: { name: string; source: string | null }[] | null;
  external_ids: { source: string; external_id: string }[] | null; references: { url: string; source: string | null }[] | null;
  citations: Citation[] | null; tie_citations: Citation[] | null;
  created_at: string; updated_at: string; stix: StoredStix[] | null; tie_stix: StoredStix[] | null;
  /** What the catalogues say it targets: suspected victims (a country or a name) and sectors (the catalogue's words). */
  victims?: { name: string; country_code: string | null; source: string | null; stix: StoredStix[] | null; party_stix: StoredStix[] | null; country_stix: string[] | null }[];
  sectors?: { sector: string; source: string | null; stix: StoredStix[] | null; party_stix: StoredStix[] | null }[];
}

const ATTACK_GROUP_URL = (id: string) => `https://attack.mitre.org/groups/${id}`;

/** An actor by kind, with its names; and the tie to its parent as an attributed-to relationship. */
export function actorObjects(row: ActorRow): StixObject[] {
  const type = actorType(row.kind);
  const ids = identify(type, 'threat_actor', row.id, row, row.stix);
  const others = (row.aliases ?? []).filter((a) => a.name !== row.name).map((a) => a.name).sort();
  const sources = (row.aliases ?? []).filter((a) => a.source).map((a) => `${a.name}\t${a.source}`).sort();
  const references = [
    ...(row.external_ids ?? []).map((e) => compact({
      source_name: e.source, external_id: e.external_id, url: e.source === 'mitre-attack' && /^G\d{4}$/.test(e.external_id) ? ATTACK_GROUP_URL(e.external_id) : undefined,
    })),
    ...(row.references ?? []).map((r) => ({ source_name: r.source ?? 'reference', ...addressOf(r.url) })),
    ...externalReferences(row.citations, (row.stix ?? []).map((s) => s.id)),
  ];
  const actor = withExtension({
    ...base(type, ids),
    name: row.name, description: row.description,
    ...(type === 'identity' ? { identity_class: 'organization' } : { aliases: others }),
    ...(type === 'threat-actor' && row.kind === ThreatActorKind.MILITARY_UNIT ? { threat_actor_types: ['nation-state'] } : {}),
    external_references: references,
  }, {
    actor_kind: row.kind, country_code: row.country_code, sponsor_country_code: row.sponsor_country_code,
    aliases: type === 'identity' ? others : undefined,
    // "name<TAB>source" per name whose source is known (which vendor, catalogue or article uses it).
    alias_sources: sources,
    // STIX allows `targets` from intrusion-sets and threat-actors only: an identity (a state, an agency) lists them here.
    suspected_victims: type === 'identity' ? (row.victims ?? []).map((v) => compact({ name: v.name, country_code: v.country_code, source: v.source })) : undefined,
    targeted_sectors: type === 'identity' ? (row.sectors ?? []).map((v) => compact({ sector: v.sector, source: v.source })) : undefined,
  }) as StixObject;
  const out = [actor, ...(type === 'identity' ? [] : actorTargets(row, ids.id))];
  if (!row.parent_id || !row.parent_kind) return out;
  const tieIds = identify('relationship', 'threat_actor_parent', row.id, row, row.tie_stix);
  const tie = withExtension({
    ...base('relationship', tieIds),
    relationship_type: 'attributed-to', source_ref: ids.id,
    target_ref: refOf(actorType(row.parent_kind), 'threat_actor', row.parent_id, row.parent_stix),
    external_references: externalReferences(row.tie_citations, (row.tie_stix ?? []).map((s) => s.id)),
  }, { actor_tie: row.parent_tie ?? 'PARENT' }) as StixObject;
  out.push(tie);
  return out;
}

/**
 * What an intrusion-set or threat-actor targets by the catalogues: `targets` relationships to
 * the country of a suspected victim (its `location`), or to an identity standing for the victim
 * the catalogue names (`identity_class: unknown`) or for a sector in the catalogue's words
 * (`identity_class: class`); those identities are flagged `actor_target_only`. The name and
 * the catalogue that said it are in the relationship's extension. Timestamps: the actor's.
 */
function actorTargets(row: ActorRow, actorRef: string): StixObject[] {
  const out: StixObject[] = [];
  const stamps = { created_at: row.created_at, updated_at: row.updated_at };
  for (const v of row.victims ?? []) {
    const key = `${row.id}:${v.name}`;
    let target: string;
    if (v.country_code) target = refOf('location', 'country', v.country_code, v.country_stix);
    else {
      const party = identify('identity', 'actor_suspected_victim', key, stamps, v.party_stix);
      target = party.id;
      out.push(withExtension({ ...base('identity', party), name: v.name, identity_class: 'unknown' }, { actor_target_only: true }) as StixObject);
    }
    out.push(withExtension({
      ...base('relationship', identify('relationship', 'actor_suspected_victim', key, stamps, v.stix)),
      relationship_type: 'targets', source_ref: actorRef, target_ref: target,
    }, { actor_target: 'SUSPECTED_VICTIM', victim_name: v.name, catalogue_source: v.source }) as StixObject);
  }
  for (const v of row.sectors ?? []) {
    const key = `${row.id}:${v.sector}`;
    const party = identify('identity', 'actor_targeted_sector', key, stamps, v.party_stix);
    out.push(withExtension({ ...base('identity', party), name: v.sector, identity_class: 'class' }, { actor_target_only: true }) as StixObject);
    out.push(withExtension({
      ...base('relationship', identify('relationship', 'actor_targeted_sector', key, stamps, v.stix)),
      relationship_type: 'targets', source_ref: actorRef, target_ref: party.id,
    }, { actor_target: 'TARGETED_SECTOR', targeted_sector: v.sector, catalogue_source: v.source }) as StixObject);
  }
  return out;
}

export interface CampaignRow extends SpanRow {
  id: string; name: string; description: string | null; started_from: string | null; started_to: string | null; started_text: string | null;
  citations: Citation[] | null; created_at: string; updated_at: string; stix: StoredStix[] | null;
}
export function campaignObject(row: CampaignRow): StixObject {
  const ids = identify('campaign', 'campaign', row.id, row, row.stix);
  return withExtension({
    ...base('campaign', ids), name: row.name, description: row.description,
    external_references: externalReferences(row.citations, (row.stix ?? []).map((s) => s.id)),
  }, { started: spanToStix(span(row, 'started')) }) as StixObject;
}


function span(row: SpanRow, prefix: string): DateSpanColumns {
  return { from: (row[`${prefix}_from`] as string) ?? null, to: (row[`${prefix}_to`] as string) ?? null, text: (row[`${prefix}_text`] as string) ?? null };
}

export interface IncidentRow extends SpanRow {
  id: string; title: string; summary: string | null; types: string[]; technique_ids: string[];
  campaign_id: string | null; campaign_stix: string[] | null; technique_stix: Record<string, string[]> | null;
  citations: Citation[] | null; created_at: string; updated_at: string; stix: StoredStix[] | null;
}
export function incidentObject(row: IncidentRow): StixObject {
  const ids = identify('incident', 'incident', row.id, row as never, row.stix);
  return withExtension({
    ...base('incident', ids), name: row.title, description: row.summary,
    external_references: externalReferences(row.citations, (row.stix ?? []).map((s) => s.id)),
  }, {
    started: spanToStix(span(row, 'started')), ended: spanToStix(span(row, 'ended')), disclosed: spanToStix(span(row, 'disclosed')),
    incident_types: row.types, technique_ids: row.technique_ids,
    technique_refs: row.technique_ids.map((t) => refOf('attack-pattern', 'attack_technique', t, row.technique_stix?.[t])),
    campaign_ref: row.campaign_id ? refOf('campaign', 'campaign', row.campaign_id, row.campaign_stix) : undefined,
  }) as StixObject;
}

export interface TechniqueRow {
  id: string; name: string; description: string | null; tactics: string[]; platforms: string[]; url: string | null;
  revoked: boolean; created_at: string; updated_at: string; stix: StoredStix[] | null;
}
export function techniqueObject(row: TechniqueRow): StixObject {
  return withExtension({
    ...base('attack-pattern', identify('attack-pattern', 'attack_technique', row.id, row, row.stix)),
    name: row.name, description: row.description,
    revoked: row.revoked || undefined,
    kill_chain_phases: row.tactics.map((phase_name) => ({ kill_chain_name: 'mitre-attack', phase_name })),
    external_references: [compact({ source_name: 'mitre-attack', external_id: row.id, url: stixUrl(row.url) })],
  }, { platforms: row.platforms }) as StixObject;
}

/** A country, as the location that targets and statements refer to. Countries are reference data: fixed timestamps. */
export const COUNTRY_TABLE_DEFINED = '2025-11-24T16:00:00.000Z';
export function countryObject(row: { code: string; name: string; stix: StoredStix[] | null }): StixObject {
  const stamps = { created_at: COUNTRY_TABLE_DEFINED, updated_at: COUNTRY_TABLE_DEFINED };
  return { ...base('location', identify('location', 'country', row.code, stamps, row.stix)), name: row.name, country: row.code } as StixObject;
}

export interface TargetRow {
  id: string; incident_id: string; incident_stix: string[] | null; role: string;
  organization_id: string | null; person_id: string | null; country_code: string | null;
  party_stix: string[] | null; region: string | null; sector: string | null; kind: string | null; name: string | null;
  citations: Citation[] | null; created_at: string; updated_at: string; stix: StoredStix[] | null; party_stix_own: StoredStix[] | null;
}
/** A target as a `targets` relationship to its identity or location; a target that names no record gets an identity of its own. */
export function targetObjects(row: TargetRow): StixObject[] {
  const out: StixObject[] = [];
  let target: string;
  if (row.organization_id) target = refOf('identity', 'organization', row.organization_id, row.party_stix);
  else if (row.person_id) target = refOf('identity', 'person', row.person_id, row.party_stix);
  else if (row.country_code) target = refOf('location', 'country', row.country_code, row.party_stix);
  else {
    const ids = identify('identity', 'incident_target', row.id, row, row.party_stix_own);
    target = ids.id;
    out.push(withExtension({
      ...base('identity', ids), name: row.name ?? row.region ?? row.sector ?? 'target',
      identity_class: row.name ? 'unknown' : 'class',
    }, { target_only: true }) as StixObject);
  }
  out.push(withExtension({
    ...base('relationship', identify('relationship', 'incident_target', row.id, row, row.stix)),
    relationship_type: 'targets', source_ref: refOf('incident', 'incident', row.incident_id, row.incident_stix), target_ref: target,
    external_references: externalReferences(row.citations, (row.stix ?? []).map((s) => s.id)),
  }, { target_role: row.role, sector: row.sector, target_kind: row.kind, region: row.region, target_name: row.name }) as StixObject);
  return out;
}

export interface AttributionRow extends SpanRow {
  id: string; incident_id: string | null; campaign_id: string | null; subject_stix: string[] | null;
  actor_id: string; actor_kind: string; actor_stix: string[] | null;
  attributed_by_organization_id: string | null; organization_stix: string[] | null;
  attributed_by_person_id: string | null; person_stix: string[] | null; party_name: string | null;
  confidence: number | null; confidence_words: string | null; bases: string[]; status: string; notes: string | null;
  attributing_country_code: string | null; coded_type: string | null; coded_basis: string | null;
  /** For a denial or dispute: the claims it contests (same subject and actor, asserted). */
  contested: { id: string; stix: string[] | null }[] | null;
  citations: Citation[] | null; created_at: string; updated_at: string; stix: StoredStix[] | null;
}
/**
 * A claim: an attributed-to relationship from the incident (or campaign) to the actor,
 * created by the attributing party. A denial or dispute: an opinion on the claims it
 * contests, authored by the party that denies. Written straight as JSON text, as notes are
 * (statementJson): 300,000 claims are the second biggest kind of a full export.
 */
export function attributionObject(row: AttributionRow): StixObject {
  return JSON.parse(attributionJson(row)) as StixObject;
}

/** The claim's JSON, byte for byte what JSON.stringify of the object withExtension and compact would build (stix-export-mapping.spec.ts). */
export function attributionJson(row: AttributionRow): string {
  const subject = row.incident_id
    ? refOf('incident', 'incident', row.incident_id, row.subject_stix)
    : refOf('campaign', 'campaign', row.campaign_id!, row.subject_stix);
  const actor = refOf(actorType(row.actor_kind), 'threat_actor', row.actor_id, row.actor_stix);
  const organization = row.attributed_by_organization_id
    ? refOf('identity', 'organization', row.attributed_by_organization_id, row.organization_stix) : undefined;
  const person = row.attributed_by_person_id ? refOf('identity', 'person', row.attributed_by_person_id, row.person_stix) : undefined;
  const notes = textOf(row.notes);
  const attributed = spanToStix(span(row, 'attributed'));
  const ext = `${member('attributed', attributed && text(attributed))}` +
    `${member('confidence_words', textOf(row.confidence_words))}${member('bases', absent(row.bases) ? undefined : text(row.bases))}` +
    `${member('claim_status', textOf(row.status))}${member('notes', notes)}${member('attributed_by_person_ref', organization ? textOf(person) : undefined)}` +
    `${member('attributing_country_code', textOf(row.attributing_country_code))}${member('coded_type', textOf(row.coded_type))}` +
    `${member('coded_basis', textOf(row.coded_basis))}`;
  const references = externalReferences(row.citations, row.stix ? row.stix.map((s) => s.id) : []);
  const referencesJson = member('external_references', references.length ? text(references) : undefined);
  const confidence = member('confidence', row.confidence === null || row.confidence === undefined ? undefined : text(row.confidence));
  const creator = textOf(organization ?? person);
  if (row.status === AttributionStatus.DENIED || row.status === AttributionStatus.DISPUTED) {
    const contested = (row.contested ?? []).map((c) => refOf('relationship', 'attribution', c.id, c.stix)).sort();
    const ids = identify('opinion', 'attribution', row.id, row as never, row.stix);
    // The claims it contests; when none is recorded, the incident and the actor it is about.
    return `{"type":"opinion","spec_version":"2.1","id":${text(ids.id)},"created":${text(ids.created)},"modified":${text(ids.modified)}` +
      `${member('created_by_ref', creator)}${member('authors', row.party_name ? text([row.party_name]) : undefined)}` +
      `,"opinion":${row.status === AttributionStatus.DENIED ? '"strongly-disagree"' : '"disagree"'}${member('explanation', notes)}${confidence}` +
      `,"object_refs":${text(contested.length ? contested : [subject, actor])}${referencesJson}` +
      `${extensionMember(`${ext},"subject_ref":${text(subject)},"actor_ref":${text(actor)}`)}}`;
  }
  const ids = identify('relationship', 'attribution', row.id, row as never, row.stix);
  return `{"type":"relationship","spec_version":"2.1","id":${text(ids.id)},"created":${text(ids.created)},"modified":${text(ids.modified)}` +
    `,"relationship_type":"attributed-to","source_ref":${text(subject)},"target_ref":${text(actor)}${member('created_by_ref', creator)}${confidence}` +
    `${member('start_time', textOf(dayStart(row.attributed_from as string | null)))}${member('description', notes)}${referencesJson}` +
    `${extensionMember(ext)}}`;
}

export interface StatementRow extends SpanRow {
  id: string; speaker_person_id: string | null; speaker_person_stix: string[] | null; speaker_person_name: string | null;
  speaker_organization_id: string | null; speaker_organization_stix: string[] | null; speaker_organization_name: string | null;
  speaker_role: string | null; quote?: string | null; summary?: string | null; language: string | null; stance: string;
  /**
   * The quote and the summary already as JSON text (to_json in PostgreSQL, which escapes text as JSON.stringify does), as the
   * export's SQL reads them; when absent, quote and summary are escaped here.
   */
  quote_json?: string | null; summary_json?: string | null;
  refs: { table: string; id: string; type: string; stix: string[] | null }[] | null;
  citations: Citation[] | null; created_at: string; updated_at: string; stix: StoredStix[] | null;
}
/**
 * A statement as a note: the quote (else the summary) as content, the speaker as author, what it is about as object_refs.
 * Written straight as JSON text (statementJson): a million notes are most of a full export, and building each as an object
 * of objects, compacting it and then serialising it cost the exporter as much again as writing its text; the quote and the
 * summary, the longest strings, appear twice in a note and are escaped once. The object is that text parsed.
 */
export function statementObject(row: StatementRow): StixObject {
  return JSON.parse(statementJson(row)) as StixObject;
}


/**
 * The note's JSON, byte for byte what JSON.stringify of the object withExtension and compact would build (keys in the
 * same order, empty values left out): `test/stix-export.e2e-spec.ts` and stix-export-mapping.spec.ts check it.
 */
export function statementJson(row: StatementRow): string {
  const person = row.speaker_person_id ? refOf('identity', 'person', row.speaker_person_id, row.speaker_person_stix) : undefined;
  const organization = row.speaker_organization_id
    ? refOf('identity', 'organization', row.speaker_organization_id, row.speaker_organization_stix) : undefined;
  const about = (row.refs ?? []).map((r) => refOf(r.type, r.table, r.id, r.stix)).sort();
  const ids = identify('note', 'statement', row.id, row as never, row.stix);
  const quoteJson = row.quote_json !== undefined ? row.quote_json : row.quote == null ? null : text(row.quote);
  const summaryJson = row.summary_json !== undefined ? row.summary_json : row.summary == null ? null : text(row.summary);
  const quote = presentJson(quoteJson);
  const summary = presentJson(summaryJson);
  // content = quote ?? summary, left out when empty.
  const contentJson = quoteJson !== null ? quote : summary;
  const authors = [row.speaker_person_name, row.speaker_organization_name].filter((n): n is string => !!n);
  const creator = person ?? organization;
  const references = externalReferences(row.citations, row.stix ? row.stix.map((s) => s.id) : []);
  const said = spanToStix(span(row, 'said'));
  const extension = `${member('stance', textOf(row.stance))}${member('said', said && text(said))}` +
    `${member('quote', quote)}${member('summary', summary)}${member('speaker_role', textOf(row.speaker_role))}` +
    `${member('speaker_person_ref', textOf(person))}${member('speaker_organization_ref', textOf(organization))}`;
  return `{"type":"note","spec_version":"2.1","id":${text(ids.id)},"created":${text(ids.created)},"modified":${text(ids.modified)}` +
    `${member('content', contentJson)}${member('abstract', quote ? summary : undefined)}` +
    `${member('authors', authors.length ? text(authors) : undefined)}${member('created_by_ref', textOf(creator))}` +
    `${member('object_refs', text(about.length ? about : [creator]))}${member('lang', textOf(row.language))}` +
    `${member('external_references', references.length ? text(references) : undefined)}` +
    `${extensionMember(extension)}}`;
}

export interface ArticleRow extends SpanRow {
  id: string; title: string | null; url: string | null; publisher: string | null; authors: string[]; language: string | null;
  cited_by: { table: string; id: string; type: string; stix: string[] | null }[] | null;
  created_at: string; updated_at: string; stix: StoredStix[] | null;
}
/**
 * An article as a report, when STIX can hold it: a report needs its publication date and
 * the objects it is about. Articles without a known date appear only as external references.
 * Written straight as JSON text (articleJson), as notes and claims are: 225,000 reports are the third biggest kind.
 */
export function articleObject(row: ArticleRow): StixObject | null {
  const json = articleJson(row);
  return json === null ? null : (JSON.parse(json) as StixObject);
}

/** The report's JSON, byte for byte what JSON.stringify of the object withExtension and compact would build (stix-export-mapping.spec.ts); null: no report. */
export function articleJson(row: ArticleRow): string | null {
  const refs = (row.cited_by ?? []).map((r) => refOf(r.type, r.table, r.id, r.stix)).sort();
  if (!row.published_from || refs.length === 0) return null;
  const ids = identify('report', 'source_article', row.id, row as never, row.stix);
  const unique = refs.filter((ref, i) => i === 0 || ref !== refs[i - 1]);
  const sourceName = textOf(row.publisher ?? row.title ?? 'source');
  const address = row.url ? addressOf(row.url) : undefined;
  const references = address
    ? `[{${sourceName === undefined ? '' : `"source_name":${sourceName},`}${'url' in address ? `"url":${text(address.url)}` : `"description":${text(address.description)}`}}]`
    : undefined;
  const published = spanToStix(span(row, 'published'));
  const extension = `${member('published_span', published && text(published))}` +
    `${member('publisher', textOf(row.publisher))}${member('article_authors', absent(row.authors) ? undefined : text(row.authors))}`;
  return `{"type":"report","spec_version":"2.1","id":${text(ids.id)},"created":${text(ids.created)},"modified":${text(ids.modified)}` +
    `${member('name', textOf(row.title ?? row.url ?? 'source article'))},"published":${text(dayStart(row.published_from as string))}` +
    `,"report_types":["threat-report"],"object_refs":${text(unique)}${member('lang', textOf(row.language))}` +
    `${member('external_references', references)}${extensionMember(extension)}}`;
}

export interface MemberRow {
  id: string; actor_id: string; actor_kind: string; actor_stix: string[] | null; person_id: string; person_stix: string[] | null;
  citations: Citation[] | null; created_at: string; updated_at: string; stix: StoredStix[] | null;
}
/** A person serving in an actor (an indicted officer of a unit), as apt1 writes a persona's operator: actor attributed-to person. */
export function memberObject(row: MemberRow): StixObject {
  return compact({
    ...base('relationship', identify('relationship', 'actor_member', row.id, row, row.stix)),
    relationship_type: 'attributed-to',
    source_ref: refOf(actorType(row.actor_kind), 'threat_actor', row.actor_id, row.actor_stix),
    target_ref: refOf('identity', 'person', row.person_id, row.person_stix),
    external_references: externalReferences(row.citations, (row.stix ?? []).map((s) => s.id)),
  }) as StixObject;
}

export interface ResponseRow extends SpanRow {
  id: string; kind: string; coded_type: string | null; coded_subtype: string | null; description: string | null;
  responder_organization_id: string | null; responder_organization_stix: string[] | null; responder_organization_name: string | null;
  responder_person_id: string | null; responder_person_stix: string[] | null; responder_person_name: string | null;
  responder_country_code: string | null; responder_region: string | null; responder_text: string | null;
  /** What it responds to, each only when in the bundle (a scoped export). */
  incident_id: string | null; incident_stix: string[] | null;
  attribution_id: string | null; attribution_type: string | null; attribution_stix: string[] | null;
  actor_id: string | null; actor_kind: string | null; actor_stix: string[] | null;
  citations: Citation[] | null; created_at: string; updated_at: string; stix: StoredStix[] | null;
}

/** The kind of response in words, for a note's content when the source gave no description and no coding. */
const RESPONSE_KIND_WORDS: Record<string, string> = {
  STATEMENT: 'Public statement', PREVENTIVE_MEASURE: 'Preventive measure', DIPLOMATIC: 'Diplomatic response',
  EXECUTIVE_OR_LEGISLATIVE: 'Executive or legislative response', SANCTIONS: 'Sanctions', LEGAL_ACTION: 'Legal action', OTHER: 'Response',
};

/**
 * A political or legal response as a note (STIX has no object for a response): `content` =
 * its description (else the source's coded subtype or type, else its kind in words),
 * `authors` = the responder, `created_by_ref` = the responding organization (or person),
 * `object_refs` = the incident, claim and actor it responds to; everything else (kind,
 * coding, date span, responder country or region) in the extension, `response_kind` marking
 * the note as a response rather than a statement.
 */
export function responseObject(row: ResponseRow): StixObject {
  const organization = row.responder_organization_id
    ? refOf('identity', 'organization', row.responder_organization_id, row.responder_organization_stix) : undefined;
  const person = row.responder_person_id ? refOf('identity', 'person', row.responder_person_id, row.responder_person_stix) : undefined;
  const about: string[] = [];
  if (row.incident_id) about.push(refOf('incident', 'incident', row.incident_id, row.incident_stix));
  if (row.attribution_id) about.push(refOf(row.attribution_type ?? 'relationship', 'attribution', row.attribution_id, row.attribution_stix));
  if (row.actor_id) about.push(refOf(actorType(row.actor_kind ?? ''), 'threat_actor', row.actor_id, row.actor_stix));
  const authors = [row.responder_text ?? undefined, row.responder_organization_name ?? undefined, row.responder_person_name ?? undefined]
    .filter((n, i, all): n is string => !!n && all.indexOf(n) === i);
  return withExtension({
    ...base('note', identify('note', 'response', row.id, row, row.stix)),
    abstract: row.coded_subtype ?? row.coded_type ?? RESPONSE_KIND_WORDS[row.kind] ?? row.kind,
    content: row.description ?? row.coded_subtype ?? row.coded_type ?? RESPONSE_KIND_WORDS[row.kind] ?? row.kind,
    authors, created_by_ref: organization ?? person, object_refs: about.sort(),
    external_references: externalReferences(row.citations, (row.stix ?? []).map((s) => s.id)),
  }, {
    response_kind: row.kind, coded_type: row.coded_type, coded_subtype: row.coded_subtype, description: row.description,
    responded: spanToStix(span(row, 'responded')),
    responder_organization_ref: organization, responder_person_ref: person,
    responder_country_code: row.responder_country_code, responder_region: row.responder_region, responder_text: row.responder_text,
  }) as StixObject;
}
