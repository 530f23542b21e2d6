import { ActorTie, ThreatActorKind } from '../actors/threat-actor.entity';
import { AttributionBasis, AttributionStatus } from '../attributions/attribution.entity';
import { normalizeName } from '../common/names';
import { IncidentType } from '../incidents/incident.entity';
import { OrganizationKind } from '../organizations/organization.entity';
import { ResponseKind } from '../responses/response.entity';
import { seedId } from '../seed/seed';
import { EurepocFiles, EurepocRow, attributionRecordKeys } from './eurepoc-files';
import { ATTRIBUTION_BASES, INCIDENT_TYPES, attributionStatus, responseKind } from './eurepoc-mapping';
import { ActorString, Party, parseActorString, parseIndictment, parseParty } from './eurepoc-names';
import { Place, day, isPlaceholder, listCell, place, positions, value, values } from './eurepoc-values';

/**
 * The EuRepoC import as a pure function: from the three files and a snapshot of what the
 * database holds (EurepocState) to the rows to write (EurepocPlan) and the report. Every row
 * has a stable id derived from its record, so a second run finds its rows and writes nothing.
 */

export const EUREPOC_DATASET = {
  name: 'EuRepoC Global Dataset',
  version: '1.1',
  publisher: 'European Repository of Cyber Incidents (EuRepoC) consortium',
  url: 'https://doi.org/10.5281/zenodo.7848941',
  citation: 'EuRepoC, Global Dataset v1.1',
  licence: 'Open-access research data of the EuRepoC consortium',
};
/** Alias.source of the names EuRepoC gives. */
export const EUREPOC_LABEL = 'EuRepoC 1.1';

const id = (...parts: string[]) => seedId(`eurepoc-1.1:${parts.join(':')}`);

/** The one dataset row of EuRepoC 1.1. */
export const EUREPOC_DATASET_ID = id('dataset');

/** The id EuRepoC gives an actor it creates (from its name): how its own actors are told from the others'. */
export const eurepocActorId = (name: string) => id('actor', normalizeName(name));

/** The id EuRepoC gives an organization or person it creates, from the name and country it found them by. */
export const eurepocPartyId = (table: 'organization' | 'person', name: string, countryCode: string | null) =>
  id(table, `${name.toLowerCase()}|${countryCode ?? ''}`);

/** Numbers compared as numbers, other keys as text. */
const compareKeys = (a: string, b: string) => {
  const [x, y] = [Number(a), Number(b)];
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a.localeCompare(b);
};
/** `8664/2` → ['8664', '2'], compared part by part. */
export const compareRecordKeys = (a: string, b: string) => {
  const [pa, pb] = [a.split('/'), b.split('/')];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const c = compareKeys(pa[i] ?? '', pb[i] ?? '');
    if (c) return c;
  }
  return 0;
};

export interface StateActor {
  id: string;
  name: string;
  kind: ThreatActorKind;
  countryCode: string | null;
  sponsorCountryCode: string | null;
  parentId: string | null;
  parentTie: ActorTie | null;
}

export interface EurepocState {
  actors: Map<string, StateActor>;
  /** normalized name → alias row */
  aliases: Map<string, { id: string; actorId: string }>;
  /** ATT&CK group id → actor */
  attackIds: Map<string, string>;
  /** `${lower(name)}|${country}` → organization id */
  organizations: Map<string, string>;
  /** `${lower(name)}|${country}` → person id (only names held by one person) */
  people: Map<string, string>;
  /** url → article id */
  articles: Map<string, string>;
  /** lower(name) → ATT&CK technique id */
  techniques: Map<string, string>;
  countryNames: Map<string, string>;
}

export interface RecordIssue {
  recordType: 'incident' | 'attribution' | 'receiver';
  recordKey: string;
  action: 'skipped' | 'changed';
  reason: string;
}

export interface ActorConflict {
  record: string;
  name: string;
  actors: string[];
  outcome: string;
}

type Fact =
  | 'incident_id' | 'attribution_id' | 'response_id' | 'actor_alias_id' | 'actor_tie_actor_id' | 'incident_target_id'
  | 'threat_actor_id' | 'actor_member_id';

export interface PlannedCitation {
  fact: Fact;
  factId: string;
  recordId: string;
  fields: string[];
}

export interface EurepocPlan {
  datasetId: string;
  /** position: the row's place in its file (rows are planned in the files' order: the first of two disagreeing rows wins). */
  records: { id: string; recordType: string; recordKey: string; position: number; fields: EurepocRow }[];
  articles: { id: string; url: string }[];
  recordArticles: { recordId: string; articleId: string; field: string }[];
  organizations: { id: string; name: string; kind: OrganizationKind; countryCode: string | null }[];
  people: { id: string; name: string; role: string | null; countryCode: string | null }[];
  actors: StateActor[];
  /** Existing actors gaining a parent, a sponsor or an origin they did not have. */
  actorUpdates: Map<string, Partial<Pick<StateActor, 'parentId' | 'parentTie' | 'sponsorCountryCode' | 'countryCode'>>>;
  aliases: { id: string; actorId: string; name: string; normalized: string }[];
  attackIds: { actorId: string; externalId: string }[];
  members: { id: string; actorId: string; personId: string }[];
  incidents: {
    id: string; title: string; summary: string | null; startedFrom: string | null; endedFrom: string | null;
    types: IncidentType[]; techniqueIds: string[];
  }[];
  targets: {
    id: string; incidentId: string; countryCode: string | null; region: string | null; sector: string | null; kind: string | null; name: string | null;
  }[];
  attributions: {
    id: string; incidentId: string; actorId: string; organizationId: string | null; personId: string | null; attributedFrom: string | null;
    bases: AttributionBasis[]; status: AttributionStatus; codedType: string | null; codedBasis: string | null; countryCode: string | null;
  }[];
  responses: {
    id: string; incidentId: string; organizationId: string | null; personId: string | null; countryCode: string | null; region: string | null;
    responderText: string | null; respondedFrom: string | null; kind: ResponseKind; codedType: string | null; codedSubtype: string | null;
  }[];
  citations: PlannedCitation[];
  issues: RecordIssue[];
  conflicts: ActorConflict[];
}

const CATEGORY_STATE = 'state';
const CATEGORY_AFFILIATED = 'non-state actor, state-affiliation suggested';

export function planEurepocImport(files: EurepocFiles, state: EurepocState): EurepocPlan {
  const datasetId = EUREPOC_DATASET_ID;
  const plan: EurepocPlan = {
    datasetId, records: [], articles: [], recordArticles: [], organizations: [], people: [], actors: [], actorUpdates: new Map(),
    aliases: [], attackIds: [], members: [], incidents: [], targets: [], attributions: [], responses: [], citations: [], issues: [], conflicts: [],
  };
  const issue = (recordType: RecordIssue['recordType'], recordKey: string, action: RecordIssue['action'], reason: string) =>
    plan.issues.push({ recordType, recordKey, action, reason });
  const cite = (fact: Fact, factId: string, recordId: string, row: EurepocRow, fields: string[]) =>
    plan.citations.push({ fact, factId, recordId, fields: fields.filter((f) => (row[f] ?? '').trim() !== '') });
  const rowsSeen = new Map<string, number>();
  const record = (recordType: string, recordKey: string, fields: EurepocRow) => {
    const recordId = id('record', recordType, recordKey);
    const position = rowsSeen.get(recordType) ?? 0;
    rowsSeen.set(recordType, position + 1);
    plan.records.push({ id: recordId, recordType, recordKey, position, fields });
    return recordId;
  };
  const articleFor = (url: string) => {
    let articleId = state.articles.get(url);
    if (!articleId) {
      articleId = id('article', url);
      state.articles.set(url, articleId);
      plan.articles.push({ id: articleId, url });
    }
    return articleId;
  };
  const listArticles = (recordId: string, row: EurepocRow, field: string) => {
    for (const url of new Set(listCell(row[field]).filter((u) => /^https?:\/\//i.test(u)))) {
      plan.recordArticles.push({ recordId, articleId: articleFor(url), field });
    }
  };

  // Parties: organizations and people, found by name and country, else created once.
  const organization = (name: string, countryCode: string | null, kind: OrganizationKind) => {
    const k = `${name.toLowerCase()}|${countryCode ?? ''}`;
    let orgId = state.organizations.get(k);
    if (!orgId) {
      orgId = eurepocPartyId('organization', name, countryCode);
      state.organizations.set(k, orgId);
      plan.organizations.push({ id: orgId, name, kind, countryCode });
    }
    return orgId;
  };
  const person = (name: string, role: string | null, countryCode: string | null) => {
    const k = `${name.toLowerCase()}|${countryCode ?? ''}`;
    let personId = state.people.get(k);
    if (!personId) {
      personId = eurepocPartyId('person', name, countryCode);
      state.people.set(k, personId);
      plan.people.push({ id: personId, name, role, countryCode });
    }
    return personId;
  };
  const party = (p: Party, fallbackCountry: string | null) =>
    p.kind === 'person'
      ? { personId: person(p.name, p.role, p.countryCode ?? fallbackCountry), organizationId: null }
      : { personId: null, organizationId: organization(p.name, fallbackCountry, OrganizationKind.OTHER) };

  // ---- Incidents, their receivers and responses ----
  const incidentIds = new Map<string, string>();
  const incidentStarts = new Map<string, string | null>();
  for (const row of files.incidents) {
    const key = row.ID;
    const recordId = record('incident', key, row);
    listArticles(recordId, row, 'sources_url');
    const incidentId = id('incident', key);
    incidentIds.set(key, incidentId);
    const title = value(row.name) ?? `EuRepoC incident ${key}`;
    if (!value(row.name)) issue('incident', key, 'changed', 'no name: titled "EuRepoC incident <ID>"');
    const started = day(row.start_date);
    let ended = day(row.end_date);
    if (started === undefined) issue('incident', key, 'changed', `start_date ${JSON.stringify(row.start_date)} is not a date: no start stored`);
    if (started === null) issue('incident', key, 'changed', 'no start_date: no start stored');
    if (ended === undefined) {
      issue('incident', key, 'changed', `end_date ${JSON.stringify(row.end_date)} is not a date: no end stored`);
      ended = null;
    }
    if (started && ended && ended < started) {
      issue('incident', key, 'changed', `end_date ${ended} is before start_date ${started}: no end stored`);
      ended = null;
    }
    const types = new Set<IncidentType>();
    for (const coded of values(row.incident_type)) {
      const mapped = INCIDENT_TYPES[coded.toLowerCase()];
      if (mapped) mapped.forEach((t) => types.add(t));
      else issue('incident', key, 'changed', `incident_type "${coded}" has no mapping: not among the types`);
    }
    const techniques = new Set<string>();
    for (const field of ['MITRE_initial_access', 'MITRE_impact']) {
      for (const name of values(row[field])) {
        const technique = state.techniques.get(name.toLowerCase());
        if (technique) techniques.add(technique);
        else issue('incident', key, 'changed', `${field} "${name}" is no ATT&CK technique name in the catalogue: not stored as a technique`);
      }
    }
    plan.incidents.push({
      id: incidentId, title, summary: value(row.description), startedFrom: started ?? null, endedFrom: ended,
      types: [...types], techniqueIds: [...techniques].sort(),
    });
    incidentStarts.set(key, started ?? null);
    cite('incident_id', incidentId, recordId, row, ['name', 'description', 'start_date', 'end_date', 'incident_type', 'MITRE_initial_access', 'MITRE_impact']);
    planResponses(row, recordId, incidentId);
  }

  function planResponses(row: EurepocRow, recordId: string, incidentId: string) {
    for (const kind of ['political', 'legal'] as const) {
      const f = (name: string) => `${kind}_response_${name}`;
      const dates = positions(row[f('date')]);
      const types = positions(row[f('type')]);
      const subtypes = positions(row[f('type_subcode')]);
      const countries = positions(row[f('country')]);
      const actors = positions(row[f('actor')]);
      const count = Math.max(dates.length, types.length, subtypes.length, countries.length, actors.length);
      for (let i = 0; i < count; i++) {
        const label = `${kind} response ${i + 1}`;
        const responder = actors[i] ? parseParty(actors[i]!) : null;
        const where: Place | null = countries[i] ? place(countries[i]) : null;
        const countryCode = where?.kind === 'country' ? where.code : null;
        const region = where && where.kind !== 'country' ? where.name : null;
        if (!responder && !where) {
          if (types[i] || dates[i]) issue('incident', row.ID, 'changed', `${label}: no responder (actor and country are placeholders): not stored`);
          continue;
        }
        if (!types[i] && !subtypes[i] && !dates[i]) {
          issue('incident', row.ID, 'changed', `${label}: no type and no date: not stored`);
          continue;
        }
        const respondedFrom = dates[i] ? day(dates[i]) : null;
        if (respondedFrom === undefined) issue('incident', row.ID, 'changed', `${label}: date ${JSON.stringify(dates[i])} is not a date: undated`);
        const parties = responder ? party(responder, countryCode) : { personId: null, organizationId: null };
        const responseId = id('response', row.ID, kind, String(i + 1));
        plan.responses.push({
          id: responseId, incidentId, ...parties, countryCode, region, responderText: actors[i], respondedFrom: respondedFrom ?? null,
          kind: responseKind(types[i], subtypes[i]), codedType: types[i], codedSubtype: subtypes[i],
        });
        cite('response_id', responseId, recordId, row, [f('date'), f('type'), f('type_subcode'), f('country'), f('actor')]);
      }
    }
  }

  const receiverCounts = new Map<string, number>();
  const targetKeys = new Set<string>();
  for (const row of files.receivers) {
    const n = (receiverCounts.get(row.ID) ?? 0) + 1;
    receiverCounts.set(row.ID, n);
    const key = `${row.ID}/${n}`;
    const incidentId = incidentIds.get(row.ID);
    const recordId = record('receiver', key, row);
    if (!incidentId) {
      issue('receiver', key, 'skipped', `incident ${row.ID} is not in the incident file`);
      continue;
    }
    const where = place(row.receiver_country);
    if (where?.kind === 'other') issue('receiver', key, 'changed', `receiver_country "${where.name}" is neither a country nor a region: kept as the target's name`);
    const target = {
      id: id('target', key), incidentId,
      countryCode: where?.kind === 'country' ? where.code : null,
      region: where?.kind === 'region' ? where.name : null,
      sector: value(row.receiver_category),
      kind: value(row.receiver_category_subcode),
      name: value(row.receiver_name) ?? (where?.kind === 'other' ? where.name : null),
    };
    if (!target.countryCode && !target.region && !target.sector && !target.name) {
      issue('receiver', key, 'skipped', 'no country, region, category or name: nothing to record');
      continue;
    }
    const identity = JSON.stringify([incidentId, target.countryCode ?? target.region ?? '', target.sector?.toLowerCase(), target.kind?.toLowerCase(), target.name?.toLowerCase()]);
    if (targetKeys.has(identity)) {
      issue('receiver', key, 'skipped', `repeats an earlier receiver of incident ${row.ID}`);
      continue;
    }
    targetKeys.add(identity);
    plan.targets.push(target);
    cite('incident_target_id', target.id, recordId, row, ['receiver_country', 'receiver_region', 'receiver_name', 'receiver_category', 'receiver_category_subcode']);
  }

  // ---- Actors ----
  const actorName = (actorId: string) => state.actors.get(actorId)?.name ?? actorId;
  const createActor = (name: string, kind: ThreatActorKind, countryCode: string | null): StateActor => {
    const actor: StateActor = { id: eurepocActorId(name), name, kind, countryCode, sponsorCountryCode: null, parentId: null, parentTie: null };
    state.actors.set(actor.id, actor);
    plan.actors.push(actor);
    return actor;
  };
  const aliasOf = (actorId: string, name: string): string | null => {
    const normalized = normalizeName(name);
    if (!normalized) return null;
    const owner = state.aliases.get(normalized);
    if (owner) return owner.actorId === actorId ? owner.id : null;
    const aliasId = id('alias', normalized);
    state.aliases.set(normalized, { id: aliasId, actorId });
    plan.aliases.push({ id: aliasId, actorId, name, normalized });
    return aliasId;
  };
  const updateActor = (actor: StateActor, change: Partial<StateActor>) => {
    Object.assign(actor, change);
    if (!plan.actors.includes(actor)) plan.actorUpdates.set(actor.id, { ...plan.actorUpdates.get(actor.id), ...change });
  };

  /** The actor a parsed string names: by ATT&CK id first, then by names; null with a conflict reported. */
  const resolveActor = (parsed: ActorString, recordKey: string, kind: ThreatActorKind, countryCode: string | null): StateActor | null => {
    const byId = new Set(parsed.attackIds.map((g) => state.attackIds.get(g) ?? state.aliases.get(normalizeName(g))?.actorId).filter((a): a is string => !!a));
    const byName = new Set(parsed.names.map((n) => state.aliases.get(normalizeName(n))?.actorId).filter((a): a is string => !!a));
    const candidates = byId.size ? byId : byName;
    if (candidates.size > 1) {
      plan.conflicts.push({
        record: `attribution ${recordKey}`, name: parsed.text, actors: [...candidates].map(actorName),
        outcome: `not merged: its ${byId.size ? 'ATT&CK ids' : 'names'} point at ${candidates.size} different actors; the attribution is skipped`,
      });
      return null;
    }
    const actor = candidates.size ? state.actors.get([...candidates][0])! : createActor(parsed.names[0] ?? parsed.attackIds[0], kind, countryCode);
    for (const g of parsed.attackIds) {
      const owner = state.attackIds.get(g);
      if (!owner) {
        state.attackIds.set(g, actor.id);
        plan.attackIds.push({ actorId: actor.id, externalId: g });
      } else if (owner !== actor.id) {
        plan.conflicts.push({ record: `attribution ${recordKey}`, name: g, actors: [actor.name, actorName(owner)], outcome: `left with ${actorName(owner)}` });
      }
    }
    return actor;
  };

  /** Gives the actor its names from the record, each citing it; names owned by other actors are conflicts, left with them. */
  const nameActor = (actor: StateActor, parsed: ActorString, recordKey: string, recordId: string, row: EurepocRow) => {
    for (const name of parsed.names) {
      const aliasId = aliasOf(actor.id, name);
      if (aliasId) cite('actor_alias_id', aliasId, recordId, row, ['attributed_initiator']);
      else if (normalizeName(name)) {
        const owner = state.aliases.get(normalizeName(name))!.actorId;
        plan.conflicts.push({
          record: `attribution ${recordKey}`, name, actors: [actor.name, actorName(owner)], outcome: `left with ${actorName(owner)}, not given to ${actor.name}`,
        });
      }
    }
  };

  const stateActor = (countryCode: string): StateActor => {
    const existing = [...state.actors.values()].find((a) => a.kind === ThreatActorKind.STATE && a.countryCode === countryCode);
    if (existing) return existing;
    const name = state.countryNames.get(countryCode) ?? countryCode;
    const byName = state.aliases.get(normalizeName(name));
    if (byName) return state.actors.get(byName.actorId)!;
    const actor = createActor(name, ThreatActorKind.STATE, countryCode);
    aliasOf(actor.id, name);
    return actor;
  };

  /** Sets a parent the actor lacks; a different parent already recorded is kept and reported. */
  const tie = (child: StateActor, parent: StateActor, kind: ActorTie, recordKey: string, recordId: string, row: EurepocRow) => {
    if (child.id === parent.id) return;
    if (child.parentId && child.parentId !== parent.id) {
      plan.conflicts.push({
        record: `attribution ${recordKey}`, name: child.name, actors: [actorName(child.parentId), parent.name],
        outcome: `parent kept: ${child.name} stays under ${actorName(child.parentId)}; the record places it under ${parent.name}`,
      });
      return;
    }
    // A tie must not close a loop (the new parent below the child).
    for (let up: StateActor | undefined = parent; up; up = up.parentId ? state.actors.get(up.parentId) : undefined) {
      if (up.id === child.id) return;
    }
    if (!child.parentId) updateActor(child, { parentId: parent.id, parentTie: kind });
    else if (!child.parentTie) updateActor(child, { parentTie: kind });
    if (child.parentId === parent.id) cite('actor_tie_actor_id', child.id, recordId, row, ['attributed_initiator', 'attributed_initiator_category', 'attributed_initiator_country']);
  };

  const initiatorOf = (row: EurepocRow) => {
    const category = (value(row.attributed_initiator_category) ?? '').toLowerCase();
    const initiatorCountry = place(row.attributed_initiator_country);
    return { category, initiatorCode: initiatorCountry?.kind === 'country' ? initiatorCountry.code : null };
  };
  // Every distinct actor string is resolved once, those with the most names and ids first, so that
  // "Molerats/Gaza Cybergang 1" makes one actor before "Molerats" alone finds it.
  const resolved = new Map<string, StateActor | null>();
  const firstRow = new Map<string, { parsed: ActorString; row: EurepocRow; key: string }>();
  const keys = attributionRecordKeys(files.attributions);
  files.attributions.forEach((row, index) => {
    const indictment = parseIndictment(row.attributed_initiator);
    const parsed = parseActorString(indictment ? indictment.unit : row.attributed_initiator);
    if (parsed && !firstRow.has(parsed.text)) firstRow.set(parsed.text, { parsed, row, key: keys[index] });
  });
  const bySize = [...firstRow.values()].sort((a, b) =>
    (b.parsed.names.length + b.parsed.attackIds.length) - (a.parsed.names.length + a.parsed.attackIds.length) || a.parsed.text.localeCompare(b.parsed.text));
  for (const { parsed, row, key } of bySize) {
    const { category, initiatorCode } = initiatorOf(row);
    const kind = parsed.attackIds.length ? ThreatActorKind.APT_GROUP
      : category === 'individual hacker(s)' ? ThreatActorKind.INDIVIDUAL : ThreatActorKind.UNKNOWN;
    const actor = resolveActor(parsed, key, kind, category === CATEGORY_STATE || category === CATEGORY_AFFILIATED ? null : initiatorCode);
    resolved.set(parsed.text, actor);
    // Its names at once, so that the next strings find them.
    if (actor) for (const name of parsed.names) aliasOf(actor.id, name);
  }

  const attributionIds = new Set<string>();
  for (const [index, row] of files.attributions.entries()) {
    const key = keys[index];
    const recordId = record('attribution', key, row);
    if (Object.entries(row).every(([field, cell]) => field === 'incident_ID' || !cell.trim())) {
      issue('attribution', key, 'skipped', 'an empty row: only incident_ID is given');
      continue;
    }
    listArticles(recordId, row, 'sources_attribution');
    const incidentId = incidentIds.get(row.incident_ID);
    if (!incidentId) {
      issue('attribution', key, 'skipped', `incident ${row.incident_ID} is not in the incident file`);
      continue;
    }
    const indictment = parseIndictment(row.attributed_initiator);
    const parsed = parseActorString(indictment ? indictment.unit : row.attributed_initiator);
    if (!parsed) {
      issue('attribution', key, 'skipped', value(row.attributed_initiator) === null && isPlaceholder(row.attributed_initiator)
        ? `attributed_initiator is "${row.attributed_initiator.trim()}": no actor to attribute to`
        : 'no attributed_initiator: no actor to attribute to');
      continue;
    }
    const { category, initiatorCode } = initiatorOf(row);
    const actor = resolved.get(parsed.text) ?? null;
    if (!actor) {
      issue('attribution', key, 'skipped', `attributed_initiator "${parsed.text}" points at several known actors (reported as a conflict)`);
      continue;
    }
    nameActor(actor, parsed, key, recordId, row);
    cite('threat_actor_id', actor.id, recordId, row, ['attributed_initiator', 'attributed_initiator_country', 'attributed_initiator_category']);

    // The initiator's country is its sponsor when EuRepoC codes it as state or state-affiliated.
    const sponsored = category === CATEGORY_STATE || category === CATEGORY_AFFILIATED;
    if (initiatorCode && sponsored && actor.kind !== ThreatActorKind.STATE) {
      if (!actor.sponsorCountryCode) updateActor(actor, { sponsorCountryCode: initiatorCode });
      else if (actor.sponsorCountryCode !== initiatorCode) {
        plan.conflicts.push({
          record: `attribution ${key}`, name: actor.name, actors: [actor.name],
          outcome: `sponsor kept: ${actor.sponsorCountryCode}; the record gives ${initiatorCode}`,
        });
      }
    }
    // The parent chain: group → unit → agency → state, each tie as the record states it.
    if (parsed.parents.length > 2) {
      issue('attribution', key, 'changed', `parent chain "${parsed.parents.join(', ')}" lists more than an agency and a unit: tied to "${parsed.parents[0]}" only`);
    }
    const chain: StateActor[] = [];
    const parts = parsed.parents.length > 2 ? [parsed.parents[0]] : parsed.parents;
    for (const part of [...parts].reverse()) {
      const partName = part;
      const owner = state.aliases.get(normalizeName(partName));
      const unit = owner ? state.actors.get(owner.actorId)! : createActor(partName, /\bunit\b/i.test(partName) ? ThreatActorKind.MILITARY_UNIT : ThreatActorKind.UNKNOWN, null);
      if (!owner) aliasOf(unit.id, partName);
      chain.push(unit);
    }
    if (chain.length || sponsored) {
      const links: [StateActor, ActorTie][] = [];
      const groupTie = category === CATEGORY_STATE ? ActorTie.OPERATED_BY : ActorTie.HAS_TIES_TO;
      const top = initiatorCode && sponsored ? stateActor(initiatorCode) : null;
      const path = [...chain, ...(top ? [top] : [])];
      let child = actor;
      path.forEach((parent, i) => {
        links.push([parent, i === 0 ? (parent.kind === ThreatActorKind.STATE ? (category === CATEGORY_STATE ? ActorTie.OPERATED_BY : ActorTie.SPONSORED_BY) : groupTie) : ActorTie.UNIT_OF]);
      });
      for (const [parent, how] of links) {
        tie(child, parent, how, key, recordId, row);
        child = parent;
      }
    }
    if (parsed.umbrella) issue('attribution', key, 'changed', `umbrella group "${parsed.umbrella}" not linked: an actor has one parent, kept as in the record only`);

    // Who attributed: a person or organization ("Name (role; GBR)"), else the IT company.
    const attributingPlace = place(row.attributing_country);
    const attributingCode = attributingPlace?.kind === 'country' ? attributingPlace.code : null;
    if (attributingPlace && attributingPlace.kind !== 'country') {
      issue('attribution', key, 'changed', `attributing_country "${row.attributing_country.trim()}" is not a country: not stored as the attributing country`);
    }
    const attributing = parseParty(row.attributing_actor);
    const company = value(row.attribution_it_company);
    let parties: { personId: string | null; organizationId: string | null } = { personId: null, organizationId: null };
    if (attributing) parties = party(attributing, attributingCode);
    if (company) {
      if (!parties.organizationId) parties.organizationId = organization(company, null, OrganizationKind.SECURITY_COMPANY);
      else issue('attribution', key, 'changed', `attribution_it_company "${company}" not stored as the party: the attributing actor is an organization`);
    }
    const codedBasis = value(row.attribution_basis);
    const codedType = value(row.attribution_type);
    if (!parties.personId && !parties.organizationId && !codedBasis) {
      issue('attribution', key, 'skipped', 'no attributing actor, IT company or basis: no one is said to have made the claim');
      continue;
    }
    const attributedFrom = day(row.attribution_date);
    if (attributedFrom === undefined) issue('attribution', key, 'changed', `attribution_date ${JSON.stringify(row.attribution_date)} is not a date: undated`);
    const bases = codedType ? ATTRIBUTION_BASES[codedType.toLowerCase()] : [];
    if (codedType && !bases) issue('attribution', key, 'changed', `attribution_type "${codedType}" has no mapping: no basis`);
    // EuRepoC codes one claim as several rows (one per attributing country or initiator category): rows saying the
    // same claim become one attribution citing each of them.
    const claim = {
      incidentId, actorId: actor.id, ...parties, attributedFrom: attributedFrom ?? null, bases: bases ?? [],
      status: attributionStatus(codedBasis), codedType, codedBasis, countryCode: attributingCode,
    };
    const attributionId = id('attribution', JSON.stringify(claim));
    if (!attributionIds.has(attributionId)) {
      attributionIds.add(attributionId);
      plan.attributions.push({ id: attributionId, ...claim });
    }
    cite('attribution_id', attributionId, recordId, row, [
      'attribution_date', 'attribution_type', 'attribution_basis', 'attributing_actor', 'attribution_it_company', 'attributing_country', 'attributed_initiator',
    ]);

    if (indictment) {
      const personId = person(indictment.person, null, initiatorCode);
      const memberId = id('member', actor.id, personId);
      if (!plan.members.some((m) => m.id === memberId)) plan.members.push({ id: memberId, actorId: actor.id, personId });
      cite('actor_member_id', memberId, recordId, row, ['attributed_initiator', 'attributed_initiator_country']);
    }
  }
  plan.citations = mergeCitations(plan.citations);
  plan.conflicts = mergeConflicts(plan.conflicts);
  return plan;
}

/** One citation per fact and record, with the fields of every mention. */
function mergeCitations(citations: PlannedCitation[]): PlannedCitation[] {
  const merged = new Map<string, PlannedCitation>();
  for (const c of citations) {
    const k = `${c.fact}|${c.factId}|${c.recordId}`;
    const seen = merged.get(k);
    if (seen) seen.fields = [...new Set([...seen.fields, ...c.fields])];
    else merged.set(k, { ...c, fields: [...c.fields] });
  }
  return [...merged.values()];
}

/** The same conflict met in many records is reported once, naming its records. */
function mergeConflicts(conflicts: ActorConflict[]): ActorConflict[] {
  const merged = new Map<string, ActorConflict & { records: string[] }>();
  for (const c of conflicts) {
    const k = `${c.name}|${c.outcome}`;
    const seen = merged.get(k);
    if (seen) seen.records.push(c.record);
    else merged.set(k, { ...c, records: [c.record] });
  }
  return [...merged.values()].map(({ records, ...c }) => ({
    ...c, record: records.length > 3 ? `${records.slice(0, 3).join(', ')} and ${records.length - 3} more` : records.join(', '),
  }));
}
