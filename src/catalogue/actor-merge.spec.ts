import { ThreatActorKind } from '../actors/threat-actor.entity';
import { normalizeName } from '../common/names';
import { CatalogueState, emptyState, planMerge } from './actor-merge';
import { fromMispThreatActor, fromMitreIntrusionSet } from './catalogue-records';

let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const misp = (value: string, synonyms: string[] = [], { description, ...meta }: Record<string, unknown> = {}, id = uuid()) =>
  fromMispThreatActor({ value, uuid: id, description: description as string | undefined, meta: { synonyms, ...meta } });
const attack = (value: string, synonyms: string[] = [], id = uuid()) =>
  fromMitreIntrusionSet({ value, uuid: id, meta: { external_id: value.slice(-5), synonyms } });

/** A state with the seeded APT28 ("Fancy Bear", from an article) under GRU. */
function seededState(): CatalogueState {
  const state = emptyState();
  const actor = (id: string, name: string, kind: ThreatActorKind, aliases: [string, string | null][]) => {
    state.actors.set(id, { id, name, kind, countryCode: 'RU', sponsorCountryCode: 'RU', description: null });
    for (const [alias, source] of aliases) state.aliases.set(normalizeName(alias), { actorId: id, name: alias, source });
  };
  actor('gru', 'GRU', ThreatActorKind.INTELLIGENCE_AGENCY, [['GRU', null]]);
  actor('apt28', 'APT28', ThreatActorKind.APT_GROUP, [['APT28', null], ['Fancy Bear', 'Article 2']]);
  return state;
}

const namesOf = (state: CatalogueState, actorId: string) =>
  [...state.aliases.values()].filter((a) => a.actorId === actorId).map((a) => `${a.name} (${a.source})`).sort();

describe('planMerge: catalogue entries merged into the actors already known', () => {
  it('merges entries of both catalogues into the one known actor, and a second run writes nothing', () => {
    const state = seededState();
    const records = [
      misp('APT28', ['Fancy Bear', 'Sofacy', 'G0007'], { country: 'RU', refs: ['https://r/1'] }),
      attack('APT28 - G0007', ['APT28', 'Sofacy', 'Threat Group-4127']),
    ];
    const plan = planMerge(state, records);
    expect(plan.report).toMatchObject({ created: 0, merged: 2, updated: 0, unchanged: 0, conflicts: [], skipped: [] });
    expect(plan.newActors).toEqual([]);
    expect(namesOf(state, 'apt28')).toEqual([
      'APT28 (null)', 'Fancy Bear (Article 2)', 'G0007 (MISP threat-actor galaxy)', 'Sofacy (MISP threat-actor galaxy)',
      'Threat Group-4127 (MITRE ATT&CK)',
    ]);
    expect(plan.externalIdInserts).toEqual([{ actorId: 'apt28', source: 'mitre-attack', externalId: 'G0007' }]);
    expect(plan.recordUpserts.map((r) => r.actorId)).toEqual(['apt28', 'apt28']);

    const again = planMerge(state, records);
    expect(again.report).toMatchObject({ created: 0, merged: 0, updated: 0, unchanged: 2 });
    expect(again.aliasInserts.length + again.recordUpserts.length + again.referenceInserts.length + again.actorUpdates.size).toBe(0);
  });

  it('does not guess when the names of one entry point at two actors: the entry is skipped and reported', () => {
    const state = seededState();
    const plan = planMerge(state, [misp('Mixed Up', ['Fancy Bear', 'GRU'])]);
    expect(plan.report.skipped).toEqual([expect.objectContaining({ reason: 'conflict: its names point at 2 different actors' })]);
    expect(plan.report.conflicts).toEqual([expect.objectContaining({ kind: 'RECORD', actors: ['APT28', 'GRU'] })]);
    expect(plan.newActors).toEqual([]);
    expect(plan.aliasInserts).toEqual([]);
  });

  it('gives a name that two entries of one catalogue list to neither, and reports it once', () => {
    const plan = planMerge(emptyState(), [misp('APT28', ['Grizzly Steppe']), misp('APT29', ['Grizzly Steppe', 'Cozy Bear'])]);
    expect(plan.report.created).toBe(2);
    expect(plan.aliasInserts.map((a) => a.name)).toEqual(['APT28', 'APT29', 'Cozy Bear']);
    expect(plan.report.conflicts).toEqual([
      expect.objectContaining({ kind: 'ALIAS', name: 'Grizzly Steppe', actors: ['APT28', 'APT29'], outcome: expect.stringContaining('given to none') }),
    ]);
  });

  it('never merges two entries of the same catalogue: an overlapping name stays with the first actor', () => {
    const state = emptyState();
    planMerge(state, [misp('Alpha', ['Shared'])]);
    const plan = planMerge(state, [misp('Beta', ['Shared'])]);
    expect(plan.report).toMatchObject({ created: 1, merged: 0 });
    expect(plan.report.conflicts).toEqual([expect.objectContaining({ kind: 'ALIAS', name: 'Shared', actors: ['Beta', 'Alpha'] })]);
  });

  it('lets the entry that names an actor exactly take it before an entry that only lists one of its names', () => {
    const state = emptyState();
    planMerge(state, [misp('APT17', ['Axiom', 'G0025', 'G0001'])]);
    // ATT&CK lists Axiom (G0001) first, which MISP counts as APT17; ATT&CK's own APT17 must still get APT17.
    const plan = planMerge(state, [attack('Axiom - G0001', ['Axiom']), attack('APT17 - G0025', ['APT17'])]);
    const apt17 = [...state.actors.values()].find((a) => a.name === 'APT17')!;
    expect(plan.recordUpserts).toEqual([expect.objectContaining({ actorId: apt17.id, content: expect.objectContaining({ name: 'APT17' }) })]);
    expect(plan.externalIdInserts).toEqual([{ actorId: apt17.id, source: 'mitre-attack', externalId: 'G0025' }]);
    expect(plan.report.skipped).toEqual([expect.objectContaining({ record: expect.stringContaining('Axiom') })]);
  });

  it('updates only what a changed entry changed, and keeps what people or other catalogues gave', () => {
    const state = seededState();
    const id = uuid();
    planMerge(state, [
      misp('APT28', ['Sofacy', 'Pawn Storm'], { description: 'Old words.', refs: ['https://r/1', 'https://r/2'] }, id),
      attack('APT28 - G0007', ['Pawn Storm']),
    ]);
    state.actors.get('apt28')!.countryCode = 'BY'; // an analyst's edit, to be kept
    const plan = planMerge(state, [
      misp('APT28', ['Sofacy', 'Forest Blizzard'], { description: 'New words.', country: 'RU', refs: ['https://r/1'] }, id),
    ]);
    expect(plan.report).toMatchObject({ updated: 1, unchanged: 0, created: 0, merged: 0 });
    expect(plan.aliasInserts.map((a) => a.name)).toEqual(['Forest Blizzard']);
    expect(plan.aliasDeletes).toEqual([]); // Pawn Storm: ATT&CK still gives it
    expect(plan.referenceDeletes).toEqual([{ actorId: 'apt28', url: 'https://r/2' }]);
    expect(plan.actorUpdates.get('apt28')).toEqual({ countryCode: 'BY', sponsorCountryCode: 'RU', description: 'New words.' });
    expect(plan.report.disagreements).toEqual([expect.objectContaining({ field: 'countryCode', kept: 'BY', given: 'RU' })]);

    const dropped = planMerge(state, [misp('APT28', ['Forest Blizzard'], { description: 'New words.', country: 'RU', refs: ['https://r/1'] }, id)]);
    expect(dropped.aliasDeletes).toEqual([{ actorId: 'apt28', normalized: 'sofacy' }]);
  });
});
