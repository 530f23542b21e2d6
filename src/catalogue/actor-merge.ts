import { randomUUID } from 'node:crypto';
import { ThreatActorKind } from '../actors/threat-actor.entity';
import { normalizeName } from '../common/names';
import { CATALOGUE_LABEL, Catalogue, MITRE_ATTACK_SCHEME } from './actor-catalogue.entity';
import { ActorRecord, ActorRecordContent } from './catalogue-records';

const ATTACK_GROUP_ID = /^G\d{4}$/;
const EMPTY_CONTENT: Omit<ActorRecordContent, 'name' | 'kind'> = {
  synonyms: [], attackGroupIds: [], countryCode: null, sponsorCountryCode: null, description: null,
  references: [], targetedSectors: [], suspectedVictims: [], attributionConfidence: null,
};

/**
 * The merge of catalogue entries into the actors already known, as a pure function:
 * it reads a snapshot of the database (CatalogueState), decides, and returns what to
 * write (CataloguePlan) with a report. Nothing here touches the database.
 *
 * How an entry finds its actor, strongest first:
 *  1. the actor it was bound to by an earlier import (catalogue + entry uuid);
 *  2. its external ids (G0007) and its primary name, among existing names;
 *  3. its other names (synonyms).
 * An actor already bound to another entry of the same catalogue is never a match: one
 * catalogue lists one actor once, so a shared name there is ambiguous, not a merge.
 * Entries whose strongest clues point at two or more actors are conflicts: skipped,
 * reported, never guessed. A name listed by two entries of one catalogue is given to
 * neither (unless it is the primary name of exactly one of them), and reported.
 * Catalogues are merged in a fixed order (MISP, then ATT&CK) and, within one, the surest
 * matches first, so that the outcome does not depend on the order of files or entries.
 */

export interface StateActor {
  id: string;
  name: string;
  kind: ThreatActorKind;
  countryCode: string | null;
  sponsorCountryCode: string | null;
  description: string | null;
}

export interface StateRecord {
  actorId: string;
  hash: string;
  content: ActorRecordContent;
}

/** What the database holds, keyed for lookups. Mutated by planMerge as it decides. */
export interface CatalogueState {
  actors: Map<string, StateActor>;
  /** normalized name → owner */
  aliases: Map<string, { actorId: string; name: string; source: string | null }>;
  /** `${scheme}\0${id}` → actor id */
  externalIds: Map<string, string>;
  /** `${catalogue}\0${uuid}` → bound actor and last content */
  records: Map<string, StateRecord>;
  /** `${actorId}\0${url}` → source */
  references: Map<string, string | null>;
  /** `${actorId}\0${lower(sector)}` → row */
  sectors: Map<string, { sector: string; source: string | null }>;
  /** `${actorId}\0${lower(name)}` → row */
  victims: Map<string, { name: string; source: string | null }>;
}

export function emptyState(): CatalogueState {
  return {
    actors: new Map(), aliases: new Map(), externalIds: new Map(), records: new Map(),
    references: new Map(), sectors: new Map(), victims: new Map(),
  };
}

export const key = (...parts: string[]) => parts.join('\0');
const recordKey = (record: Pick<ActorRecord, 'catalogue' | 'uuid'>) => key(record.catalogue, record.uuid);

export interface CatalogueConflict {
  kind: 'ALIAS' | 'EXTERNAL_ID' | 'RECORD';
  /** The entry, as "MISP threat-actor galaxy: APT29 (b2056ff0-…)". */
  record: string;
  /** The disputed name or id. */
  name: string;
  /** Names of the actors involved. */
  actors: string[];
  /** What the importer did about it. */
  outcome: string;
}

export interface ImportReport {
  records: number;
  created: number;
  merged: number;
  updated: number;
  unchanged: number;
  conflicts: CatalogueConflict[];
  skipped: { record: string; reason: string }[];
  /** Values kept out of country columns because they are not a country. */
  unresolved: { record: string; field: string; text: string }[];
  /** An entry gives another origin or sponsor than the actor has; the actor's value is kept. */
  disagreements: { record: string; actor: string; field: string; kept: string; given: string }[];
}

export interface CataloguePlan {
  newActors: StateActor[];
  /** Full new values of the country / sponsor / description columns of existing actors. */
  actorUpdates: Map<string, Pick<StateActor, 'countryCode' | 'sponsorCountryCode' | 'description'>>;
  aliasInserts: { actorId: string; name: string; normalized: string; source: string }[];
  aliasDeletes: { actorId: string; normalized: string }[];
  externalIdInserts: { actorId: string; source: string; externalId: string }[];
  externalIdDeletes: { source: string; externalId: string }[];
  referenceInserts: { actorId: string; url: string; source: string }[];
  referenceDeletes: { actorId: string; url: string }[];
  sectorInserts: { actorId: string; sector: string; source: string }[];
  sectorDeletes: { actorId: string; sector: string }[];
  victimInserts: { actorId: string; name: string; countryCode: string | null; source: string }[];
  victimDeletes: { actorId: string; name: string }[];
  /** Entries newly bound or changed since the last import. */
  recordUpserts: { source: string; recordUuid: string; actorId: string; contentHash: string; content: ActorRecordContent; attributionConfidence: number | null }[];
  report: ImportReport;
}

export function describeRecord(record: ActorRecord): string {
  return `${CATALOGUE_LABEL[record.catalogue]}: ${record.content.name} (${record.uuid})`;
}

function allNames(content: ActorRecordContent): string[] {
  return [content.name, ...content.synonyms];
}

/** Per catalogue: names (and ids) listed by two or more entries, with the entry whose primary name it is, if exactly one. */
function sharedWithinCatalogue(records: ActorRecord[]) {
  const names = new Map<string, number[]>();
  const ids = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, k: string, i: number) => {
    const list = map.get(k) ?? [];
    if (list[list.length - 1] !== i) list.push(i);
    map.set(k, list);
  };
  records.forEach((record, i) => {
    if (record.revoked) return;
    for (const name of allNames(record.content)) push(names, key(record.catalogue, normalizeName(name)), i);
    for (const id of record.content.attackGroupIds) push(ids, key(record.catalogue, id), i);
  });
  const owner = (k: string, claimants: number[]): number | null => {
    const normalized = k.slice(k.indexOf('\0') + 1);
    const primary = claimants.filter((i) => normalizeName(records[i].content.name) === normalized);
    return primary.length === 1 ? primary[0] : null;
  };
  const sharedNames = new Map<string, { claimants: number[]; owner: number | null }>();
  for (const [k, claimants] of names) if (claimants.length > 1) sharedNames.set(k, { claimants, owner: owner(k, claimants) });
  const sharedIds = new Map<string, { claimants: number[] }>();
  for (const [k, claimants] of ids) if (claimants.length > 1) sharedIds.set(k, { claimants });
  return { sharedNames, sharedIds };
}

export function planMerge(state: CatalogueState, records: ActorRecord[], onRecord: () => void = () => undefined): CataloguePlan {
  const plan: CataloguePlan = {
    newActors: [], actorUpdates: new Map(), aliasInserts: [], aliasDeletes: [], externalIdInserts: [], externalIdDeletes: [],
    referenceInserts: [], referenceDeletes: [], sectorInserts: [], sectorDeletes: [], victimInserts: [], victimDeletes: [],
    recordUpserts: [],
    report: { records: records.length, created: 0, merged: 0, updated: 0, unchanged: 0, conflicts: [], skipped: [], unresolved: [], disagreements: [] },
  };
  const report = plan.report;
  const { sharedNames, sharedIds } = sharedWithinCatalogue(records);

  // Which entries of which catalogue each actor is bound to.
  const boundEntries = new Map<string, Set<string>>();
  const bind = (actorId: string, k: string) => {
    const set = boundEntries.get(actorId) ?? new Set<string>();
    set.add(k);
    boundEntries.set(actorId, set);
  };
  for (const [k, record] of state.records) bind(record.actorId, k);
  /** True when the actor came from another entry of this catalogue. */
  const takenInCatalogue = (actorId: string, record: ActorRecord) =>
    [...(boundEntries.get(actorId) ?? [])].some((k) => k.startsWith(`${record.catalogue}\0`) && k !== recordKey(record));
  /** The contents of the other entries (any catalogue) bound to the actor. */
  const otherContents = (actorId: string, record: ActorRecord): ActorRecordContent[] =>
    [...(boundEntries.get(actorId) ?? [])].filter((k) => k !== recordKey(record)).map((k) => state.records.get(k)!.content);

  const actorName = (id: string) => state.actors.get(id)?.name ?? id;
  let actorUpdateCount = 0;
  const writes = () => countWrites(plan) + actorUpdateCount;

  /** What the entry's ids and names point at, as the state is now. */
  const cluesOf = (record: ActorRecord, index: number) => {
    const primary = normalizeName(record.content.name);
    const bound = state.records.get(recordKey(record));
    const boundActor = bound && state.actors.has(bound.actorId) ? bound.actorId : null;
    // Names and ids that another entry of the same catalogue also lists are set aside.
    const isShared = (normalized: string) => {
      const shared = sharedNames.get(key(record.catalogue, normalized));
      return shared !== undefined && shared.owner !== index;
    };
    const groupIds = record.content.attackGroupIds.filter((id) => !sharedIds.has(key(record.catalogue, id)));
    const idNames = new Set(groupIds.map(normalizeName));
    const names = allNames(record.content).filter((name) => !isShared(normalizeName(name)));
    const strong = new Map<string, string[]>();
    const weak = new Map<string, string[]>();
    const blocked: { name: string; actorId: string; externalId: boolean }[] = [];
    const note = (map: Map<string, string[]>, actorId: string, why: string) => map.set(actorId, [...(map.get(actorId) ?? []), why]);
    // An ATT&CK id points at the actor that has it, or that goes by it (MISP lists "G0007" among APT28's names).
    for (const id of groupIds) {
      const owners = new Set([state.externalIds.get(key(MITRE_ATTACK_SCHEME, id)), state.aliases.get(normalizeName(id))?.actorId]);
      for (const actorId of owners) {
        if (!actorId) continue;
        if (takenInCatalogue(actorId, record)) blocked.push({ name: id, actorId, externalId: true });
        else note(strong, actorId, id);
      }
    }
    for (const name of names) {
      const normalized = normalizeName(name);
      // A name that is an ATT&CK id (MISP lists "G0007") also points at the actor with that id.
      // (Only to find the actor: an entry bound by an earlier import needs no clue.)
      const withId = ATTACK_GROUP_ID.test(name) && !boundActor ? state.externalIds.get(key(MITRE_ATTACK_SCHEME, name)) : undefined;
      if (withId && !idNames.has(normalized)) {
        if (takenInCatalogue(withId, record)) blocked.push({ name, actorId: withId, externalId: true });
        else note(strong, withId, name);
      }
      const alias = state.aliases.get(normalized);
      if (!alias || idNames.has(normalized)) continue;
      if (takenInCatalogue(alias.actorId, record)) blocked.push({ name, actorId: alias.actorId, externalId: false });
      else note(normalized === primary ? strong : weak, alias.actorId, name);
    }
    return { primary, isShared, names, groupIds, strong, weak, blocked, bound, boundActor };
  };

  const merge = (record: ActorRecord, index: number) => {
    onRecord();
    const label = CATALOGUE_LABEL[record.catalogue];
    const described = describeRecord(record);
    const content = record.content;
    const writesBefore = writes();

    if (record.revoked) {
      report.skipped.push({ record: described, reason: 'revoked by the catalogue' });
      return;
    }
    const { primary, isShared, names, groupIds, strong, weak, blocked, bound, boundActor } = cluesOf(record, index);
    if (!primary) {
      report.skipped.push({ record: described, reason: 'its name has no letters or digits' });
      return;
    }
    if (isShared(primary)) {
      const shared = sharedNames.get(key(record.catalogue, primary))!;
      report.conflicts.push({
        kind: 'RECORD', record: described, name: content.name,
        actors: shared.claimants.map((i) => records[i].content.name),
        outcome: 'entry skipped: other entries of the same catalogue have the same name',
      });
      report.skipped.push({ record: described, reason: `its name "${content.name}" is also the name of other entries of the catalogue` });
      return;
    }
    for (const u of record.unresolved) report.unresolved.push({ record: described, field: u.field, text: u.text });

    let targetId: string | null = boundActor;
    if (!targetId) {
      const candidates = strong.size > 0 ? strong : weak;
      if (candidates.size > 1) {
        const clues = [...candidates].map(([id, why]) => `${actorName(id)} (by ${why.join(', ')})`);
        report.conflicts.push({
          kind: 'RECORD', record: described, name: [...candidates.values()].flat().join(', '),
          actors: [...candidates.keys()].map(actorName),
          outcome: `entry skipped: its ${strong.size > 0 ? 'ids and name' : 'names'} point at ${clues.join(' and ')}`,
        });
        report.skipped.push({ record: described, reason: `conflict: its names point at ${candidates.size} different actors` });
        return;
      }
      targetId = candidates.size === 1 ? [...candidates.keys()][0] : null;
    }

    let created = false;
    if (!targetId) {
      const owner = state.aliases.get(primary);
      if (owner) {
        // Only when the name is an actor's from another entry of this catalogue.
        const other = [...(boundEntries.get(owner.actorId) ?? [])].find((k) => k.startsWith(`${record.catalogue}\0`));
        const otherName = other ? state.records.get(other)!.content.name : '?';
        report.conflicts.push({
          kind: 'RECORD', record: described, name: content.name, actors: [actorName(owner.actorId)],
          outcome: `entry skipped: its name is a name of ${actorName(owner.actorId)}, which is already the entry "${otherName}" of ${label}`,
        });
        report.skipped.push({
          record: described,
          reason: `conflict: its name is a name of ${actorName(owner.actorId)}, already the entry "${otherName}" of the same catalogue`,
        });
        return;
      }
      const actor: StateActor = {
        id: randomUUID(), name: content.name, kind: content.kind, countryCode: content.countryCode,
        sponsorCountryCode: content.sponsorCountryCode, description: content.description,
      };
      state.actors.set(actor.id, actor);
      plan.newActors.push(actor);
      targetId = actor.id;
      created = true;
    }
    const target = state.actors.get(targetId)!;
    // What the entry said last time, when it has changed since (lists default to empty for contents stored by older importers).
    const previous: ActorRecordContent | null = bound && bound.actorId === targetId && bound.hash !== record.hash
      ? { ...EMPTY_CONTENT, ...bound.content }
      : null;

    for (const b of blocked) {
      if (b.actorId === targetId) continue;
      report.conflicts.push({
        kind: b.externalId ? 'EXTERNAL_ID' : 'ALIAS', record: described, name: b.name, actors: [target.name, actorName(b.actorId)],
        outcome: b.externalId
          ? `points at ${actorName(b.actorId)}, which another entry of the same catalogue already is; not merged into it`
          : `left with ${actorName(b.actorId)} (from another entry of the same catalogue), not given to ${target.name}`,
      });
    }

    // Names.
    for (const name of names) {
      const normalized = normalizeName(name);
      const owner = state.aliases.get(normalized);
      if (!owner) {
        state.aliases.set(normalized, { actorId: targetId, name, source: label });
        plan.aliasInserts.push({ actorId: targetId, name, normalized, source: label });
      } else if (owner.actorId !== targetId && !blocked.some((b) => normalizeName(b.name) === normalized && b.actorId === owner.actorId)) {
        report.conflicts.push({
          kind: 'ALIAS', record: described, name, actors: [target.name, actorName(owner.actorId)],
          outcome: `left with ${actorName(owner.actorId)}, not given to ${target.name}`,
        });
      }
    }
    // External ids.
    for (const id of groupIds) {
      const owner = state.externalIds.get(key(MITRE_ATTACK_SCHEME, id));
      if (!owner) {
        state.externalIds.set(key(MITRE_ATTACK_SCHEME, id), targetId);
        plan.externalIdInserts.push({ actorId: targetId, source: MITRE_ATTACK_SCHEME, externalId: id });
      } else if (owner !== targetId && !blocked.some((b) => b.externalId && b.name === id && b.actorId === owner)) {
        report.conflicts.push({
          kind: 'EXTERNAL_ID', record: described, name: id, actors: [target.name, actorName(owner)],
          outcome: `left with ${actorName(owner)}, not given to ${target.name}`,
        });
      }
    }

    // Origin, sponsor, description: fill what is empty; follow the entry where the actor
    // still holds what the entry said last time; otherwise keep the actor's value.
    if (!created) {
      const next = { countryCode: target.countryCode, sponsorCountryCode: target.sponsorCountryCode, description: target.description };
      for (const field of ['countryCode', 'sponsorCountryCode', 'description'] as const) {
        const given = content[field];
        const held = target[field];
        if (given === null || given === held) continue;
        if (held === null || (previous && previous[field] === held)) next[field] = given;
        else if (field !== 'description') {
          report.disagreements.push({ record: described, actor: target.name, field, kept: held, given });
        }
      }
      if (next.countryCode !== target.countryCode || next.sponsorCountryCode !== target.sponsorCountryCode || next.description !== target.description) {
        Object.assign(target, next);
        plan.actorUpdates.set(targetId, next);
        actorUpdateCount += 1;
      }
    }

    // Lists: add what is new; drop what this entry gave before and no longer gives,
    // unless another entry of the actor still gives it.
    const others = previous ? otherContents(targetId, record) : [];
    for (const url of content.references) {
      if (state.references.has(key(targetId, url))) continue;
      state.references.set(key(targetId, url), label);
      plan.referenceInserts.push({ actorId: targetId, url, source: label });
    }
    for (const sector of content.targetedSectors) {
      const k = key(targetId, sector.toLowerCase());
      if (state.sectors.has(k)) continue;
      state.sectors.set(k, { sector, source: label });
      plan.sectorInserts.push({ actorId: targetId, sector, source: label });
    }
    for (const victim of content.suspectedVictims) {
      const k = key(targetId, victim.name.toLowerCase());
      if (state.victims.has(k)) continue;
      state.victims.set(k, { name: victim.name, source: label });
      plan.victimInserts.push({ actorId: targetId, name: victim.name, countryCode: victim.countryCode, source: label });
    }
    if (previous) {
      const stillGiven = (values: (c: ActorRecordContent) => string[], value: string, fold = (s: string) => s) =>
        [content, ...others].some((c) => (values({ ...EMPTY_CONTENT, ...c }) ?? []).some((v) => fold(v) === fold(value)));
      const lower = (s: string) => s.toLowerCase();
      for (const name of allNames(previous)) {
        const normalized = normalizeName(name);
        const alias = state.aliases.get(normalized);
        if (!alias || alias.actorId !== targetId || alias.source !== label || normalized === normalizeName(target.name)) continue;
        if (stillGiven(allNames, name, normalizeName)) continue;
        state.aliases.delete(normalized);
        plan.aliasDeletes.push({ actorId: targetId, normalized });
      }
      for (const id of previous.attackGroupIds) {
        if (state.externalIds.get(key(MITRE_ATTACK_SCHEME, id)) !== targetId || stillGiven((c) => c.attackGroupIds, id)) continue;
        state.externalIds.delete(key(MITRE_ATTACK_SCHEME, id));
        plan.externalIdDeletes.push({ source: MITRE_ATTACK_SCHEME, externalId: id });
      }
      for (const url of previous.references) {
        if (state.references.get(key(targetId, url)) !== label || stillGiven((c) => c.references, url)) continue;
        state.references.delete(key(targetId, url));
        plan.referenceDeletes.push({ actorId: targetId, url });
      }
      for (const sector of previous.targetedSectors) {
        const row = state.sectors.get(key(targetId, sector.toLowerCase()));
        if (row?.source !== label || stillGiven((c) => c.targetedSectors, sector, lower)) continue;
        state.sectors.delete(key(targetId, sector.toLowerCase()));
        plan.sectorDeletes.push({ actorId: targetId, sector: row.sector });
      }
      for (const victim of previous.suspectedVictims) {
        const row = state.victims.get(key(targetId, victim.name.toLowerCase()));
        if (row?.source !== label || stillGiven((c) => c.suspectedVictims.map((v) => v.name), victim.name, lower)) continue;
        state.victims.delete(key(targetId, victim.name.toLowerCase()));
        plan.victimDeletes.push({ actorId: targetId, name: row.name });
      }
    }

    // The binding, and what the entry said, for the next import.
    if (!bound || bound.actorId !== targetId || bound.hash !== record.hash) {
      state.records.set(recordKey(record), { actorId: targetId, hash: record.hash, content });
      bind(targetId, recordKey(record));
      plan.recordUpserts.push({
        source: record.catalogue, recordUuid: record.uuid, actorId: targetId, contentHash: record.hash, content,
        attributionConfidence: content.attributionConfidence,
      });
    }

    if (created) report.created += 1;
    else if (!boundActor) report.merged += 1;
    else if (writes() > writesBefore) report.updated += 1;
    else report.unchanged += 1;
  };

  // Catalogue by catalogue; within one, the surest matches first (an earlier
  // import, then an exact name or id), so that an entry matching only by a synonym
  // cannot take the actor that another entry of the catalogue names exactly.
  const rank = (record: ActorRecord, index: number): number => {
    const clues = cluesOf(record, index);
    if (record.revoked || !clues.primary || clues.boundActor) return 0;
    if (clues.strong.size === 1) return normalizeName(actorName([...clues.strong.keys()][0])) === clues.primary ? 1 : 2;
    if (clues.strong.size > 1) return 2;
    return clues.weak.size > 0 ? 3 : 4;
  };
  /** The entry each conflict and skip is about, to report them in file order. */
  const entryOf = new Map<object, number>();
  // Names and ids listed by several entries of one catalogue: reported once, under the first entry.
  const reportShared = (index: number, conflict: CatalogueConflict) => {
    report.conflicts.push(conflict);
    entryOf.set(conflict, index);
  };
  for (const [k, shared] of sharedNames) {
    const first = records[shared.claimants[0]];
    const name = allNames(first.content).find((n) => key(first.catalogue, normalizeName(n)) === k)!;
    const owner = shared.owner === null ? null : records[shared.owner].content.name;
    const label = CATALOGUE_LABEL[first.catalogue];
    reportShared(shared.claimants[0], {
      kind: 'ALIAS', record: describeRecord(first), name, actors: shared.claimants.map((i) => records[i].content.name),
      outcome: owner
        ? `listed by ${shared.claimants.length} entries of ${label}: kept only by ${owner}, whose primary name it is`
        : `listed by ${shared.claimants.length} entries of ${label}: given to none of them`,
    });
  }
  for (const [k, shared] of sharedIds) {
    const first = records[shared.claimants[0]];
    reportShared(shared.claimants[0], {
      kind: 'EXTERNAL_ID', record: describeRecord(first), name: k.slice(k.indexOf('\0') + 1),
      actors: shared.claimants.map((i) => records[i].content.name),
      outcome: `listed by ${shared.claimants.length} entries of ${CATALOGUE_LABEL[first.catalogue]}: given to none of them`,
    });
  }

  // A fixed order of catalogues, so the outcome does not depend on the order of the files.
  const catalogues = [Catalogue.MISP_THREAT_ACTOR, Catalogue.MITRE_INTRUSION_SET];
  for (const catalogue of catalogues) {
    const indexes = records.map((r, i) => (r.catalogue === catalogue ? i : -1)).filter((i) => i >= 0);
    const ranks = new Map(indexes.map((i) => [i, rank(records[i], i)]));
    indexes.sort((a, b) => ranks.get(a)! - ranks.get(b)! || a - b);
    for (const index of indexes) {
      const [conflicts, skipped] = [report.conflicts.length, report.skipped.length];
      merge(records[index], index);
      report.conflicts.slice(conflicts).forEach((c) => entryOf.set(c, index));
      report.skipped.slice(skipped).forEach((s) => entryOf.set(s, index));
    }
  }
  // Reported in the order of the files, whatever the order of deciding.
  const place = (item: object) => {
    const index = entryOf.get(item) ?? -1;
    return index < 0 ? -1 : catalogues.indexOf(records[index].catalogue) * records.length + index;
  };
  report.conflicts.sort((a, b) => place(a) - place(b));
  report.skipped.sort((a, b) => place(a) - place(b));
  return plan;
}

function countWrites(plan: CataloguePlan): number {
  return plan.newActors.length + plan.aliasInserts.length + plan.aliasDeletes.length +
    plan.externalIdInserts.length + plan.externalIdDeletes.length + plan.referenceInserts.length + plan.referenceDeletes.length +
    plan.sectorInserts.length + plan.sectorDeletes.length + plan.victimInserts.length + plan.victimDeletes.length +
    plan.recordUpserts.length;
}
