import { createHash } from 'node:crypto';
import { ThreatActorKind } from '../actors/threat-actor.entity';
import { normalizeName } from '../common/names';
import { resolveCountryCode } from '../countries/country.service';
import { Catalogue } from './actor-catalogue.entity';
import { MispThreatActorValue, MitreAttackPatternValue, MitreIntrusionSetValue } from './galaxy-schema';

/**
 * What one catalogue entry says about an actor, in the importer's terms. Stored as the
 * record's `content` so that the next import can tell what changed.
 */
export interface ActorRecordContent {
  name: string;
  /** Other names as written, one per normalized form, the primary name left out. */
  synonyms: string[];
  /** MITRE ATT&CK group ids (G0007). */
  attackGroupIds: string[];
  kind: ThreatActorKind;
  countryCode: string | null;
  sponsorCountryCode: string | null;
  description: string | null;
  references: string[];
  targetedSectors: string[];
  suspectedVictims: { name: string; countryCode: string | null }[];
  attributionConfidence: number | null;
}

export interface ActorRecord {
  catalogue: Catalogue;
  uuid: string;
  /** Withdrawn by the catalogue (ATT&CK `revoked`): not imported. */
  revoked: boolean;
  content: ActorRecordContent;
  hash: string;
  /** Values the importer could not use (an origin or sponsor that is not a country), for the summary. */
  unresolved: { field: string; text: string }[];
}

export interface TechniqueRecord {
  id: string;
  name: string;
  description: string | null;
  tactics: string[];
  platforms: string[];
  url: string | null;
  parentId: string | null;
  revoked: boolean;
}

/** ATT&CK clusters name entries "APT28 - G0007" and "Brute Force - T1110": the name alone. */
export function stripAttackId(value: string): string {
  return value.replace(/\s+-\s+(G|TA|T)\d{4}(\.\d{3})?$/, '').trim();
}

/** Names in order, one per normalized form (the first spelling wins), without those that have no letters or digits. */
export function distinctNames(names: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.trim().replace(/\s+/g, ' ');
    const key = normalizeName(name);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
}

/** Distinct trimmed texts, compared case-insensitively, first spelling kept. */
function distinctTexts(values: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of values) {
    const value = raw.trim();
    if (!value || seen.has(value.toLowerCase())) continue;
    seen.add(value.toLowerCase());
    out.push(value);
  }
  return out;
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * A country as catalogues write it: ISO code, English name, or the ISO/UN style
 * "Iran (Islamic Republic of)" / "Korea (Republic of)", which i18n-iso-countries
 * knows as "Islamic Republic of Iran" / "Korea, Republic of". Null when not a country.
 */
export function catalogueCountryCode(text: string): string | null {
  const value = text.trim();
  if (!value) return null;
  const direct =
    resolveCountryCode(value) ?? NAMES_MISSING[value.toLowerCase()] ?? (/^the /i.test(value) ? catalogueCountryCode(value.slice(4)) : null);
  if (direct) return direct;
  const parenthesised = /^(.+?)\s*\((.+)\)$/.exec(value);
  if (!parenthesised) return null;
  const [, head, qualifier] = parenthesised;
  return catalogueCountryCode(`${qualifier} ${head}`) ?? resolveCountryCode(`${head}, ${qualifier}`);
}

/** Names in the catalogues that i18n-iso-countries does not list (it has "North Korea", "Syrian Arab Republic" …). */
const NAMES_MISSING: Record<string, string> = {
  "democratic people's republic of korea": 'KP',
  syria: 'SY',
  laos: 'LA',
  moldova: 'MD',
  brunei: 'BN',
};

/** Words a catalogue uses for "we do not know"; not a value to report as unresolved. */
const UNKNOWN = /^(unknown|n\/?a|none|)$/i;

function contentHash(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

function cleanDescription(description: string | undefined): string | null {
  const text = description?.trim();
  return text ? text : null;
}

/** MISP's `motive` says so for a few actors; every other actor of these catalogues is an APT group. */
function kindFromMotive(motive: string | undefined): ThreatActorKind {
  switch (motive?.trim().toLowerCase()) {
    case 'cybercrime':
      return ThreatActorKind.CRIMINAL_GROUP;
    case 'hacktivists-nationalists':
      return ThreatActorKind.HACKTIVIST;
    default:
      return ThreatActorKind.APT_GROUP;
  }
}

function finish(catalogue: Catalogue, uuid: string, revoked: boolean, content: ActorRecordContent, unresolved: ActorRecord['unresolved']): ActorRecord {
  return { catalogue, uuid: uuid.toLowerCase(), revoked, content, hash: contentHash(content), unresolved };
}

/** One entry of MISP's threat-actor galaxy. */
export function fromMispThreatActor(value: MispThreatActorValue): ActorRecord {
  const meta = value.meta ?? {};
  const unresolved: ActorRecord['unresolved'] = [];
  const name = value.value.trim().replace(/\s+/g, ' ');
  const synonyms = distinctNames([name, ...(meta.synonyms ?? [])]).slice(1);

  const origin = meta.country?.trim() ?? '';
  const countryCode = UNKNOWN.test(origin) ? null : catalogueCountryCode(origin);
  if (!countryCode && !UNKNOWN.test(origin)) unresolved.push({ field: 'country', text: origin });

  const sponsor = meta['cfr-suspected-state-sponsor']?.trim() ?? '';
  const sponsorCountryCode = UNKNOWN.test(sponsor) ? null : catalogueCountryCode(sponsor);
  if (!sponsorCountryCode && !UNKNOWN.test(sponsor)) unresolved.push({ field: 'cfr-suspected-state-sponsor', text: sponsor });

  const victims = distinctTexts([...asList(meta['cfr-suspected-victims']), ...asList(meta['suspected-victims'])]);
  const confidence = Number(meta['attribution-confidence']);
  return finish(Catalogue.MISP_THREAT_ACTOR, value.uuid, false, {
    name,
    synonyms,
    // MISP lists ATT&CK ids among the names (APT17: G0025 and G0001); they stay names, as
    // ATT&CK, which owns the ids, may disagree. Matching still uses them (actor-merge.ts).
    attackGroupIds: [],
    kind: kindFromMotive(meta.motive),
    countryCode,
    sponsorCountryCode,
    description: cleanDescription(value.description),
    references: distinctTexts(meta.refs ?? []),
    targetedSectors: distinctTexts([...asList(meta['cfr-target-category']), ...asList(meta['targeted-sector'])]),
    suspectedVictims: victims.map((victim) => ({ name: victim, countryCode: catalogueCountryCode(victim) })),
    attributionConfidence:
      meta['attribution-confidence'] !== undefined && Number.isInteger(confidence) && confidence >= 0 && confidence <= 100
        ? confidence
        : null,
  }, unresolved);
}

/** One ATT&CK group ("APT28 - G0007"). */
export function fromMitreIntrusionSet(value: MitreIntrusionSetValue): ActorRecord {
  const name = stripAttackId(value.value);
  return finish(Catalogue.MITRE_INTRUSION_SET, value.uuid, value.revoked === true, {
    name,
    synonyms: distinctNames([name, ...(value.meta.synonyms ?? [])]).slice(1),
    attackGroupIds: [value.meta.external_id],
    kind: ThreatActorKind.APT_GROUP,
    countryCode: null,
    sponsorCountryCode: null,
    description: cleanDescription(value.description),
    references: distinctTexts(value.meta.refs ?? []),
    targetedSectors: [],
    suspectedVictims: [],
    attributionConfidence: null,
  }, []);
}

/** One ATT&CK technique ("Brute Force - T1110"); null for the tactics (TA0011) the cluster also lists. */
export function fromMitreAttackPattern(value: MitreAttackPatternValue): TechniqueRecord | null {
  const id = value.meta.external_id;
  if (id.startsWith('TA')) return null;
  const refs = value.meta.refs ?? [];
  return {
    id,
    name: stripAttackId(value.value),
    description: cleanDescription(value.description),
    // "attack-Windows:credential-access" → "credential-access", once per tactic.
    tactics: distinctTexts((value.meta.kill_chain ?? []).map((phase) => phase.slice(phase.lastIndexOf(':') + 1))),
    platforms: distinctTexts(value.meta.mitre_platforms ?? []),
    url: refs.find((ref) => /^https:\/\/attack\.mitre\.org\/techniques\//.test(ref)) ?? null,
    parentId: id.includes('.') ? id.slice(0, id.indexOf('.')) : null,
    revoked: value.revoked === true,
  };
}
