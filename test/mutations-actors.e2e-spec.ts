/**
 * Threat actor mutations end to end over HTTP: aliases (unique across actors, compared
 * ignoring case, accents and punctuation), renaming, the actor hierarchy, and deletes
 * refused while something depends on the actor.
 */
import {
  countRows, createActor, createAttribution, createIncident, createOrganization, expectError, unknownId,
} from './mutations-helpers';
import { TestApp, startTestApp } from './support/test-app';

const ACTOR = `id name kind description country { code } sponsorCountry { code } parent { id name }
  children { id } ancestors { id } aliases { name source } createdAt updatedAt`;

describe('ThreatActor mutations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const create = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: CreateThreatActorInput!) { createThreatActor(input: $input) { ${ACTOR} } }`, { input });
  const update = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: UpdateThreatActorInput!) { updateThreatActor(input: $input) { ${ACTOR} } }`, { input });
  const lookup = (id: string) => t.gql(`query ($id: ID!) { threatActor(id: $id) { ${ACTOR} } }`, { id });
  const byName = (name: string) => t.gql(`query ($name: String!) { threatActorByName(name: $name) { id name } }`, { name });
  const remove = (id: string) => t.gql(`mutation ($id: ID!) { deleteThreatActor(id: $id) }`, { id });
  const addAlias = (actorId: string, alias: Record<string, unknown>) =>
    t.gql(`mutation ($actorId: ID!, $alias: AliasInput!) { addThreatActorAlias(actorId: $actorId, alias: $alias) { id aliases { name source } } }`, {
      actorId, alias,
    });
  const removeAlias = (actorId: string, name: string) =>
    t.gql(`mutation ($actorId: ID!, $name: String!) { removeThreatActorAlias(actorId: $actorId, name: $name) { id aliases { name } } }`, {
      actorId, name,
    });
  const aliasNames = (actor: { aliases: { name: string }[] }) => actor.aliases.map((a) => a.name).sort();

  let gru: { id: string };
  let apt28: { id: string };

  beforeAll(async () => {
    gru = await createActor(t, { name: 'GRU', kind: 'INTELLIGENCE_AGENCY', country: 'RU' });
  });

  it('creates an actor with aliases, countries and a parent, and finds it by id and by any name', async () => {
    const res = await create({
      name: ' APT28 ',
      kind: 'APT_GROUP',
      aliases: [{ name: 'Fancy Bear', source: ' CrowdStrike ' }, { name: 'Sofacy' }, { name: 'FANCY-BEAR' }],
      country: 'Russia',
      sponsorCountry: 'RU',
      parentId: gru.id,
      description: 'Unit 26165',
    });
    expect(res.errors).toBeUndefined();
    const actor = res.data.createThreatActor;
    apt28 = actor;
    expect(actor).toMatchObject({
      name: 'APT28',
      kind: 'APT_GROUP',
      description: 'Unit 26165',
      country: { code: 'RU' },
      sponsorCountry: { code: 'RU' },
      parent: { id: gru.id, name: 'GRU' },
      children: [],
      ancestors: [{ id: gru.id }],
    });
    // The primary name is an alias too; "FANCY-BEAR" is the same alias as "Fancy Bear".
    expect(actor.aliases).toEqual(
      expect.arrayContaining([{ name: 'APT28', source: null }, { name: 'Fancy Bear', source: 'CrowdStrike' }, { name: 'Sofacy', source: null }]),
    );
    expect(actor.aliases).toHaveLength(3);

    expect((await lookup(actor.id)).data.threatActor).toEqual(actor);
    for (const name of ['fancy-bear', 'FANCY BEAR', 'fáncy bear', 'apt 28', 'Sofacy']) {
      expect((await byName(name)).data.threatActorByName).toEqual({ id: actor.id, name: 'APT28' });
    }
    const parent = (await lookup(gru.id)).data.threatActor;
    expect(parent.children).toEqual([{ id: actor.id }]);
  });

  it('refuses an alias another actor has, compared ignoring case, accents and hyphens (CONFLICT)', async () => {
    const before = await countRows(t, 'threat_actor');
    const res = await create({ name: 'Copycat', kind: 'HACKTIVIST', aliases: [{ name: 'fancy-bear' }] });
    expectError(res, 'CONFLICT', /Alias "Fancy Bear" already belongs to threat actor "APT28"/);
    expect(res.errors![0].extensions).toMatchObject({ alias: 'Fancy Bear', actorId: apt28.id });
    expectError(await create({ name: 'Fäncy Bëar', kind: 'HACKTIVIST' }), 'CONFLICT', /already belongs to threat actor "APT28"/);
    expect(await countRows(t, 'threat_actor')).toBe(before);
  });

  it('writes nothing when the second alias of a new actor conflicts (atomic)', async () => {
    const actorsBefore = await countRows(t, 'threat_actor');
    const aliasesBefore = await countRows(t, 'actor_alias');
    const res = await create({
      name: 'Strontium Copy', kind: 'APT_GROUP', aliases: [{ name: 'Brand New Alias' }, { name: 'SOFACY' }],
    });
    expectError(res, 'CONFLICT', /Alias "Sofacy" already belongs to threat actor "APT28"/);
    expect(await countRows(t, 'threat_actor', `name = 'Strontium Copy'`)).toBe(0);
    expect(await countRows(t, 'threat_actor')).toBe(actorsBefore);
    expect(await countRows(t, 'actor_alias')).toBe(aliasesBefore);
    expect(await countRows(t, 'actor_alias', `normalized IN ('strontiumcopy', 'brandnewalias')`)).toBe(0);
    expectError(await byName('Brand New Alias'), 'NOT_FOUND', /ThreatActor "Brand New Alias" does not exist/);
  });

  it('refuses empty and whitespace-only names, and aliases without letters (BAD_USER_INPUT)', async () => {
    expectError(await create({ name: '', kind: 'UNKNOWN' }), 'BAD_USER_INPUT', /name must not be empty/);
    expectError(await create({ name: '  ', kind: 'UNKNOWN' }), 'BAD_USER_INPUT', /name must not be empty/);
    expectError(await create({ name: 'Fine', kind: 'UNKNOWN', aliases: [{ name: '' }] }), 'BAD_USER_INPUT', /alias name must not be empty/);
    expectError(await create({ name: 'Fine', kind: 'UNKNOWN', aliases: [{ name: ' - ' }] }), 'BAD_USER_INPUT', /alias " - " has no letters or digits/);
    expect(await countRows(t, 'threat_actor', `name = 'Fine'`)).toBe(0);
    expectError(await update({ id: apt28.id, name: ' ' }), 'BAD_USER_INPUT', /name must not be empty/);
  });

  it('refuses unknown countries, naming the field (BAD_USER_INPUT)', async () => {
    expectError(await create({ name: 'Nowhere Group', kind: 'UNKNOWN', country: 'Atlantis' }), 'BAD_USER_INPUT', /^country: "Atlantis" is not a country/);
    expectError(
      await create({ name: 'Nowhere Group', kind: 'UNKNOWN', sponsorCountry: 'Oceania' }),
      'BAD_USER_INPUT',
      /^sponsorCountry: "Oceania" is not a country/,
    );
    expect(await countRows(t, 'threat_actor', `name = 'Nowhere Group'`)).toBe(0);
    expectError(await update({ id: apt28.id, country: 'Xanadu' }), 'BAD_USER_INPUT', /country: "Xanadu" is not a country/);
  });

  it('refuses an unknown parent (NOT_FOUND) and writes nothing', async () => {
    const parentId = unknownId();
    expectError(await create({ name: 'Lost Child', kind: 'APT_GROUP', parentId }), 'NOT_FOUND', new RegExp(`ThreatActor "${parentId}" does not exist`));
    expect(await countRows(t, 'threat_actor', `name = 'Lost Child'`)).toBe(0);
    expectError(await byName('Lost Child'), 'NOT_FOUND', /does not exist/);
  });

  it('addThreatActorAlias adds a name; the same name in another spelling is not added twice', async () => {
    const res = await addAlias(apt28.id, { name: 'Strontium', source: 'Microsoft' });
    expect(res.errors).toBeUndefined();
    expect(res.data.addThreatActorAlias.aliases).toContainEqual({ name: 'Strontium', source: 'Microsoft' });

    const again = await addAlias(apt28.id, { name: 'STRONTIUM' });
    expect(again.errors).toBeUndefined();
    expect(aliasNames(again.data.addThreatActorAlias)).toEqual(['APT28', 'Fancy Bear', 'Sofacy', 'Strontium']);
    expect((await byName('strontium')).data.threatActorByName.id).toBe(apt28.id);
  });

  it('addThreatActorAlias refuses a name another actor has (CONFLICT), an unknown actor (NOT_FOUND), a malformed id', async () => {
    const other = await createActor(t, { name: 'APT29', aliases: [{ name: 'Cozy Bear' }] });
    expectError(await addAlias(other.id, { name: 'Fancy  Bear' }), 'CONFLICT', /Alias "Fancy Bear" already belongs to threat actor "APT28"/);
    expectError(await addAlias(apt28.id, { name: 'cozy-bear' }), 'CONFLICT', /Alias "Cozy Bear" already belongs to threat actor "APT29"/);
    const missing = unknownId();
    expectError(await addAlias(missing, { name: 'Nobody' }), 'NOT_FOUND', new RegExp(`ThreatActor "${missing}" does not exist`));
    expectError(await addAlias('apt28', { name: 'Nobody' }), 'BAD_USER_INPUT', /"apt28" is not a valid ThreatActor id/);
    expectError(await addAlias(other.id, { name: '' }), 'BAD_USER_INPUT', /alias name must not be empty/);
    expect(await countRows(t, 'actor_alias', `normalized = 'nobody'`)).toBe(0);
  });

  it('removeThreatActorAlias removes a name in any spelling, but never the primary name', async () => {
    const res = await removeAlias(apt28.id, 'strontium');
    expect(res.errors).toBeUndefined();
    expect(aliasNames(res.data.removeThreatActorAlias)).toEqual(['APT28', 'Fancy Bear', 'Sofacy']);
    expectError(await byName('Strontium'), 'NOT_FOUND', /ThreatActor "Strontium" does not exist/);

    expectError(await removeAlias(apt28.id, 'apt-28'), 'BAD_USER_INPUT', /"apt-28" is the primary name of APT28/);
    expectError(await removeAlias(apt28.id, 'Strontium'), 'NOT_FOUND', /ActorAlias "Strontium" does not exist/);
    // An alias of another actor is not this actor's to remove.
    expectError(await removeAlias(gru.id, 'Sofacy'), 'NOT_FOUND', /ActorAlias "Sofacy" does not exist/);
    expect((await byName('Sofacy')).data.threatActorByName.id).toBe(apt28.id);
    expectError(await removeAlias(unknownId(), 'Sofacy'), 'NOT_FOUND', /ThreatActor ".*" does not exist/);
  });

  it('update: left-out fields keep their value, explicit null clears an optional field', async () => {
    const { id } = await createActor(t, {
      name: 'Turla', kind: 'APT_GROUP', country: 'RU', sponsorCountry: 'RU', description: 'Snake', parentId: gru.id,
    });
    const res = await update({ id, kind: 'MILITARY_UNIT' });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateThreatActor).toMatchObject({
      name: 'Turla', kind: 'MILITARY_UNIT', country: { code: 'RU' }, sponsorCountry: { code: 'RU' }, description: 'Snake', parent: { id: gru.id },
    });

    const cleared = await update({ id, description: null, sponsorCountry: null, parentId: null });
    expect(cleared.data.updateThreatActor).toMatchObject({
      name: 'Turla', kind: 'MILITARY_UNIT', country: { code: 'RU' }, sponsorCountry: null, description: null, parent: null, ancestors: [],
    });
    expect((await lookup(id)).data.threatActor).toMatchObject({ sponsorCountry: null, description: null, parent: null });
  });

  it('renaming an actor keeps its old name as an alias', async () => {
    const res = await update({ id: apt28.id, name: 'Forest Blizzard' });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateThreatActor.name).toBe('Forest Blizzard');
    expect(aliasNames(res.data.updateThreatActor)).toEqual(['APT28', 'Fancy Bear', 'Forest Blizzard', 'Sofacy']);
    expect((await byName('APT28')).data.threatActorByName).toEqual({ id: apt28.id, name: 'Forest Blizzard' });
    expect((await byName('forest-blizzard')).data.threatActorByName.id).toBe(apt28.id);

    // The old primary name is now an ordinary alias, and can be removed.
    expect(aliasNames((await removeAlias(apt28.id, 'APT28')).data.removeThreatActorAlias)).toEqual(['Fancy Bear', 'Forest Blizzard', 'Sofacy']);
    // Renaming back to an alias it has does not duplicate it.
    const back = await update({ id: apt28.id, name: 'Fancy Bear' });
    expect(back.data.updateThreatActor.name).toBe('Fancy Bear');
    expect(aliasNames(back.data.updateThreatActor)).toEqual(['Fancy Bear', 'Forest Blizzard', 'Sofacy']);
  });

  it('refuses to rename an actor to another actor\'s alias (CONFLICT) and changes nothing', async () => {
    const res = await update({ id: apt28.id, name: 'Cozy Bear', description: 'changed' });
    expectError(res, 'CONFLICT', /Alias "Cozy Bear" already belongs to threat actor "APT29"/);
    expect((await lookup(apt28.id)).data.threatActor).toMatchObject({ name: 'Fancy Bear', description: 'Unit 26165' });
  });

  it('refuses a parent that would make a cycle (BAD_USER_INPUT)', async () => {
    // GRU → APT28 (Fancy Bear) → Unit 74455
    const grandchild = await createActor(t, { name: 'Unit 74455', parentId: apt28.id });
    expectError(await update({ id: gru.id, parentId: grandchild.id }), 'BAD_USER_INPUT', /parentId would make a cycle/);
    expectError(await update({ id: gru.id, parentId: apt28.id }), 'BAD_USER_INPUT', /parentId would make a cycle/);
    expectError(await update({ id: apt28.id, parentId: apt28.id }), 'BAD_USER_INPUT', /parentId would make a cycle/);
    expect((await lookup(gru.id)).data.threatActor.parent).toBeNull();
    expect((await lookup(apt28.id)).data.threatActor.parent).toEqual({ id: gru.id, name: 'GRU' });

    const missing = unknownId();
    expectError(await update({ id: grandchild.id, parentId: missing }), 'NOT_FOUND', new RegExp(`ThreatActor "${missing}" does not exist`));
    expectError(await update({ id: grandchild.id, parentId: 'gru' }), 'BAD_USER_INPUT', /parentId must be a UUID/);

    // Moving an actor under a sibling branch is fine.
    const state = await createActor(t, { name: 'Russian Federation', kind: 'STATE' });
    const moved = await update({ id: gru.id, parentId: state.id });
    expect(moved.errors).toBeUndefined();
    expect((await lookup(grandchild.id)).data.threatActor.ancestors).toEqual([{ id: apt28.id }, { id: gru.id }, { id: state.id }]);
  });

  it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const id = unknownId();
    expectError(await lookup(id), 'NOT_FOUND', new RegExp(`ThreatActor "${id}" does not exist`));
    expectError(await update({ id, name: 'x' }), 'NOT_FOUND', new RegExp(`ThreatActor "${id}" does not exist`));
    expectError(await remove(id), 'NOT_FOUND', new RegExp(`ThreatActor "${id}" does not exist`));
    expectError(await lookup('APT28'), 'BAD_USER_INPUT', /"APT28" is not a valid ThreatActor id/);
    expectError(await update({ id: 'APT28' }), 'BAD_USER_INPUT', /id must be a UUID/);
    expectError(await remove('APT28'), 'BAD_USER_INPUT', /"APT28" is not a valid ThreatActor id/);
  });

  it('refuses to delete an actor that has child actors (CONFLICT)', async () => {
    expectError(await remove(gru.id), 'CONFLICT', /still has child actors/);
    expect((await lookup(gru.id)).data.threatActor.id).toBe(gru.id);
    expect(await countRows(t, 'actor_alias', 'actor_id = $1', [gru.id])).toBe(1);
  });

  it('refuses to delete an actor named in attributions (CONFLICT), and allows it once they are gone', async () => {
    const actor = await createActor(t, { name: 'Sandworm' });
    const incident = await createIncident(t);
    const organization = await createOrganization(t);
    const attribution = await createAttribution(t, { actorId: actor.id, incidentId: incident.id, attributedByOrganizationId: organization.id });

    expectError(await remove(actor.id), 'CONFLICT', /named in attributions/);
    expect((await lookup(actor.id)).data.threatActor.name).toBe('Sandworm');
    expect(await countRows(t, 'actor_alias', 'actor_id = $1', [actor.id])).toBe(1);

    await t.data(`mutation ($id: ID!) { deleteAttribution(id: $id) }`, { id: attribution.id });
    expect((await remove(actor.id)).data.deleteThreatActor).toBe(actor.id);
  });

  it('deletes an actor with its aliases, freeing its names for another actor', async () => {
    const { id } = await createActor(t, { name: 'Short Lived', aliases: [{ name: 'Ephemeral Panda' }] });
    const res = await remove(id);
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteThreatActor).toBe(id);
    expectError(await lookup(id), 'NOT_FOUND', /does not exist/);
    expect(await countRows(t, 'actor_alias', 'actor_id = $1', [id])).toBe(0);

    const reuse = await createActor(t, { name: 'Ephemeral Panda' });
    expect((await byName('ephemeral-panda')).data.threatActorByName.id).toBe(reuse.id);
  });
});
