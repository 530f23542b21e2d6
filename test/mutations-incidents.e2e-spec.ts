/**
 * Mutations of the linked records end to end over HTTP: incidents and their targets,
 * attributions, statements and their links to incidents, actors and source articles.
 * Multi-row mutations are all or nothing; deletes that would orphan a record are refused.
 */
import {
  countRows, createActor, createArticle, createAttribution, createCampaign, createIncident, createOrganization,
  createPerson, createStatement, expectError, unknownId,
} from './mutations-helpers';
import { TestApp, startTestApp } from './support/test-app';

const SPAN = `from to precision display text`;
const TARGET = `id role sector country { code } organization { id } person { id } incident { id }`;
const INCIDENT = `id title summary types techniqueIds
  started { ${SPAN} } ended { ${SPAN} } disclosed { ${SPAN} }
  campaign { id } targets { ${TARGET} } sources { id } statements { id } attributions { id } createdAt updatedAt`;
const ATTRIBUTION = `id confidence confidenceWords bases status notes attributed { ${SPAN} }
  actor { id } incident { id } campaign { id } attributedByOrganization { id } attributedByPerson { id } statements { id }
  createdAt updatedAt`;
const STATEMENT = `id speakerRole quote summary language stance said { ${SPAN} }
  speakerPerson { id } speakerOrganization { id } incidents { id } actors { id } countries { code }
  sources { excerpt article { id } } attributions { id } createdAt updatedAt`;

const ids = (list: { id: string }[]) => list.map((x) => x.id).sort();

describe('Incident mutations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const create = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: CreateIncidentInput!) { createIncident(input: $input) { ${INCIDENT} } }`, { input });
  const update = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: UpdateIncidentInput!) { updateIncident(input: $input) { ${INCIDENT} } }`, { input });
  const lookup = (id: string) => t.gql(`query ($id: ID!) { incident(id: $id) { ${INCIDENT} } }`, { id });
  const remove = (id: string) => t.gql(`mutation ($id: ID!) { deleteIncident(id: $id) }`, { id });
  const addTarget = (incidentId: string, target: Record<string, unknown>) =>
    t.gql(`mutation ($incidentId: ID!, $target: TargetInput!) { addIncidentTarget(incidentId: $incidentId, target: $target) { ${TARGET} } }`, {
      incidentId, target,
    });
  const removeTarget = (targetId: string) => t.gql(`mutation ($targetId: ID!) { removeIncidentTarget(targetId: $targetId) }`, { targetId });

  let storting: { id: string };
  let minister: { id: string };
  let article: { id: string };
  let campaign: { id: string };

  beforeAll(async () => {
    storting = await createOrganization(t, { name: 'Storting', kind: 'PARLIAMENT', country: 'NO' });
    minister = await createPerson(t, { name: 'A Minister', country: 'NO' });
    article = await createArticle(t, { url: 'https://example.org/storting-hack' });
    campaign = await createCampaign(t, { name: 'Storting campaign' });
  });

  it('creates an incident with dates, types, targets, sources and campaign, and finds it by id', async () => {
    const res = await create({
      title: ' Storting e-mail intrusion ',
      summary: 'Brute force against e-mail accounts.',
      started: { on: '2020-08' },
      ended: { on: '2020-09-01', text: 'early September' },
      disclosed: { from: '2020-09', to: '2020-10', text: 'in the autumn' },
      types: ['CREDENTIAL_ATTACK', 'INTRUSION', 'INTRUSION'],
      techniqueIds: ['T1110', 'T1110.003'],
      campaignId: campaign.id,
      targets: [
        { organizationId: storting.id },
        { personId: minister.id, role: 'INTENDED_TARGET' },
        { country: 'Norway', role: 'AFFECTED' },
        { sector: ' Government ' },
      ],
      sourceArticleIds: [article.id, article.id],
    });
    expect(res.errors).toBeUndefined();
    const incident = res.data.createIncident;
    expect(incident).toMatchObject({
      title: 'Storting e-mail intrusion',
      summary: 'Brute force against e-mail accounts.',
      started: { from: '2020-08-01', to: '2020-08-31', precision: 'MONTH', display: '2020-08', text: null },
      ended: { from: '2020-09-01', to: '2020-09-01', precision: 'DAY', display: '2020-09-01', text: 'early September' },
      disclosed: { from: '2020-09-01', to: '2020-10-31', precision: 'RANGE', display: '2020-09-01/2020-10-31', text: 'in the autumn' },
      types: ['CREDENTIAL_ATTACK', 'INTRUSION'],
      techniqueIds: ['T1110', 'T1110.003'],
      campaign: { id: campaign.id },
      sources: [{ id: article.id }],
      statements: [],
      attributions: [],
    });
    expect(incident.targets).toHaveLength(4);
    const byKind = (pick: (target: any) => boolean) => incident.targets.find(pick);
    expect(byKind((x) => x.organization)).toMatchObject({ role: 'VICTIM', organization: { id: storting.id }, person: null, country: null, sector: null });
    expect(byKind((x) => x.person)).toMatchObject({ role: 'INTENDED_TARGET', person: { id: minister.id }, organization: null });
    expect(byKind((x) => x.country)).toMatchObject({ role: 'AFFECTED', country: { code: 'NO' } });
    expect(byKind((x) => x.sector)).toMatchObject({ role: 'VICTIM', sector: 'Government' });
    for (const target of incident.targets) expect(target.incident).toEqual({ id: incident.id });

    const found = await lookup(incident.id);
    expect(found.errors).toBeUndefined();
    expect({ ...found.data.incident, targets: ids(found.data.incident.targets) }).toEqual({ ...incident, targets: ids(incident.targets) });
  });

  it('keeps an open start: { to: "2019", text: "since at least 2019" } is a RANGE "../2019-12-31"', async () => {
    const res = await create({ title: 'Long-running espionage', started: { to: '2019', text: 'since at least 2019' } });
    expect(res.errors).toBeUndefined();
    expect(res.data.createIncident.started).toEqual({
      from: null, to: '2019-12-31', precision: 'RANGE', display: '../2019-12-31', text: 'since at least 2019',
    });
    expect(res.data.createIncident.ended).toEqual({ from: null, to: null, precision: 'UNKNOWN', display: null, text: null });
  });

  it('refuses an incident that ended before it started (BAD_USER_INPUT) and writes nothing', async () => {
    const before = await countRows(t, 'incident');
    expectError(
      await create({ title: 'Time travel', started: { on: '2020-08-24' }, ended: { on: '2020-08-23' } }),
      'BAD_USER_INPUT',
      /ended \(2020-08-23\) is before started \(2020-08-24\)/,
    );
    expectError(
      await create({ title: 'Time travel', started: { on: '2021' }, ended: { on: '2020-12' } }),
      'BAD_USER_INPUT',
      /ended \(2020-12-31\) is before started \(2021-01-01\)/,
    );
    expect(await countRows(t, 'incident')).toBe(before);
    // Ending within the month it started is possible.
    expect((await create({ title: 'Same month', started: { on: '2020-08' }, ended: { on: '2020-08-02' } })).errors).toBeUndefined();
  });

  it('accepts an end that is only impossible for the latest possible start or earliest possible end', async () => {
    // Started at the latest in March 2020 (maybe long before), ended in February 2020: possible.
    const openStart = await create({ title: 'Open start', started: { to: '2020-03' }, ended: { on: '2020-02' } });
    expect(openStart.errors).toBeUndefined();
    expect(openStart.data.createIncident).toMatchObject({ started: { display: '../2020-03-31' }, ended: { display: '2020-02' } });
    // Started in August 2020, ended at the earliest in January 2020 (maybe long after): possible.
    const openEnd = await create({ title: 'Open end', started: { on: '2020-08' }, ended: { from: '2020-01' } });
    expect(openEnd.errors).toBeUndefined();
    expect(openEnd.data.createIncident).toMatchObject({ started: { display: '2020-08' }, ended: { display: '2020-01-01/..' } });
    // Still impossible: the latest possible end is before the earliest possible start.
    expectError(
      await create({ title: 'Impossible', started: { from: '2020-03' }, ended: { to: '2020-02' } }),
      'BAD_USER_INPUT',
      /ended \(2020-02-29\) is before started \(2020-03-01\)/,
    );
  });

  it.each([
    ['an empty title', { title: '' }, /title must not be empty/],
    ['a whitespace-only title', { title: '  \n ' }, /title must not be empty/],
    ['an impossible date', { title: 'x', started: { on: '2020-02-30' } }, /started\.on is not a real day: 2020-02-30/],
    ['an impossible disclosure date', { title: 'x', disclosed: { from: '2021-02-29' } }, /disclosed\.from is not a real day/],
    ['a malformed technique id', { title: 'x', techniqueIds: ['T11'] }, /technique id must be a MITRE ATT&CK id/],
    ['a malformed campaign id', { title: 'x', campaignId: 'campaign-1' }, /campaignId must be a UUID/],
    ['a malformed source id', { title: 'x', sourceArticleIds: ['nope'] }, /sourceArticleIds.*UUID/],
  ])('refuses %s (BAD_USER_INPUT)', async (_label, input, message) => {
    const before = await countRows(t, 'incident');
    expectError(await create(input), 'BAD_USER_INPUT', message);
    expect(await countRows(t, 'incident')).toBe(before);
  });

  it('refuses an unknown campaign or source article (NOT_FOUND) and writes nothing', async () => {
    const before = await countRows(t, 'incident');
    const missing = unknownId();
    expectError(await create({ title: 'Orphan', campaignId: missing }), 'NOT_FOUND', new RegExp(`Campaign "${missing}" does not exist`));
    expectError(
      await create({ title: 'Orphan', sourceArticleIds: [article.id, missing] }),
      'NOT_FOUND',
      new RegExp(`SourceArticle "${missing}" does not exist`),
    );
    expect(await countRows(t, 'incident')).toBe(before);
  });

  it('writes nothing when one target names an unknown organization (atomic)', async () => {
    const incidentsBefore = await countRows(t, 'incident');
    const targetsBefore = await t.dataSource.query(`SELECT id FROM incident_target ORDER BY id`);
    const sourcesBefore = await countRows(t, 'incident_source');
    const missing = unknownId();
    const res = await create({
      title: 'Half-written incident',
      targets: [{ organizationId: storting.id }, { country: 'NO' }, { organizationId: missing }],
      sourceArticleIds: [article.id],
    });
    expectError(res, 'NOT_FOUND', new RegExp(`Organization "${missing}" does not exist`));
    expect(await countRows(t, 'incident', `title = 'Half-written incident'`)).toBe(0);
    expect(await countRows(t, 'incident')).toBe(incidentsBefore);
    expect(await t.dataSource.query(`SELECT id FROM incident_target ORDER BY id`)).toEqual(targetsBefore);
    expect(await countRows(t, 'incident_source')).toBe(sourcesBefore);
    const search = await t.data(`{ incidents(filter: { search: "Half-written" }) { totalCount } }`);
    expect(search.incidents.totalCount).toBe(0);
  });

  it.each([
    ['two kinds', (o: string, p: string) => [{ organizationId: o }, { organizationId: o, personId: p }], 'BAD_USER_INPUT', /a target is exactly one of organizationId, personId, country or sector/],
    ['country and sector', () => [{ country: 'NO', sector: 'Energy' }], 'BAD_USER_INPUT', /exactly one of/],
    ['no kind at all', () => [{ role: 'VICTIM' }], 'BAD_USER_INPUT', /exactly one of/],
    ['a blank sector only', () => [{ sector: '   ' }], 'BAD_USER_INPUT', /exactly one of/],
    ['an unknown country', (o: string) => [{ organizationId: o }, { country: 'Atlantis' }], 'BAD_USER_INPUT', /target\.country: "Atlantis" is not a country/],
    ['an unknown person', (o: string) => [{ organizationId: o }, { personId: '00000000-0000-4000-8000-000000000000' }], 'NOT_FOUND', /Person "00000000-0000-4000-8000-000000000000" does not exist/],
    ['the same target twice', (o: string) => [{ organizationId: o }, { organizationId: o }], 'CONFLICT', /This target is already recorded for the incident with this role/],
  ])('refuses targets with %s and writes nothing', async (_label, targets, code, message) => {
    const incidentsBefore = await countRows(t, 'incident');
    const targetsBefore = await countRows(t, 'incident_target');
    expectError(await create({ title: 'Bad targets', targets: targets(storting.id, minister.id) }), code, message);
    expect(await countRows(t, 'incident')).toBe(incidentsBefore);
    expect(await countRows(t, 'incident_target')).toBe(targetsBefore);
  });

  it('update: left-out fields keep their value, explicit null clears an optional field, lists replace', async () => {
    const other = await createArticle(t);
    const { id } = await createIncident(t, {
      title: 'Updatable', summary: 'First summary', started: { on: '2020-08' }, ended: { on: '2020-09' }, disclosed: { on: '2020-10-13' },
      types: ['INTRUSION'], techniqueIds: ['T1110'], campaignId: campaign.id, sourceArticleIds: [article.id], targets: [{ sector: 'Energy' }],
    });

    const res = await update({ id, summary: 'Second summary', types: ['ESPIONAGE', 'DATA_THEFT'], sourceArticleIds: [other.id] });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateIncident).toMatchObject({
      title: 'Updatable', summary: 'Second summary', started: { display: '2020-08' }, ended: { display: '2020-09' },
      disclosed: { display: '2020-10-13' }, types: ['ESPIONAGE', 'DATA_THEFT'], techniqueIds: ['T1110'], campaign: { id: campaign.id },
      sources: [{ id: other.id }],
    });
    expect(res.data.updateIncident.targets).toHaveLength(1);

    const cleared = await update({ id, summary: null, ended: null, disclosed: null, campaignId: null, techniqueIds: [], sourceArticleIds: [] });
    expect(cleared.errors).toBeUndefined();
    expect(cleared.data.updateIncident).toMatchObject({
      title: 'Updatable', summary: null, started: { display: '2020-08' }, ended: { precision: 'UNKNOWN' }, disclosed: { precision: 'UNKNOWN' },
      types: ['ESPIONAGE', 'DATA_THEFT'], techniqueIds: [], campaign: null, sources: [],
    });
    expect((await lookup(id)).data.incident).toMatchObject({ summary: null, campaign: null, sources: [], ended: { precision: 'UNKNOWN' } });
  });

  it('update refuses an end before the stored start, and a blank title, changing nothing', async () => {
    const { id } = await createIncident(t, { title: 'Dated', summary: 'unchanged', started: { on: '2020-08-24' } });
    expectError(await update({ id, summary: 'changed', ended: { on: '2020-08-01' } }), 'BAD_USER_INPUT', /ended \(2020-08-01\) is before started \(2020-08-24\)/);
    expectError(await update({ id, started: { on: '2020-09' }, ended: { to: '2020-08-31' } }), 'BAD_USER_INPUT', /is before started/);
    expectError(await update({ id, title: ' ' }), 'BAD_USER_INPUT', /title must not be empty/);
    expectError(await update({ id, started: { on: '2020-04-31' } }), 'BAD_USER_INPUT', /started\.on is not a real day/);
    expect((await lookup(id)).data.incident).toMatchObject({
      title: 'Dated', summary: 'unchanged', started: { display: '2020-08-24' }, ended: { precision: 'UNKNOWN' },
    });
  });

  it('update refuses an unknown campaign or source, changing nothing', async () => {
    const { id } = await createIncident(t, { title: 'Sourced', sourceArticleIds: [article.id] });
    const missing = unknownId();
    expectError(await update({ id, campaignId: missing }), 'NOT_FOUND', new RegExp(`Campaign "${missing}" does not exist`));
    expectError(await update({ id, title: 'Renamed', sourceArticleIds: [missing] }), 'NOT_FOUND', new RegExp(`SourceArticle "${missing}"`));
    expect((await lookup(id)).data.incident).toMatchObject({ title: 'Sourced', sources: [{ id: article.id }] });
  });

  it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const id = unknownId();
    expectError(await lookup(id), 'NOT_FOUND', new RegExp(`Incident "${id}" does not exist`));
    expectError(await update({ id, title: 'x' }), 'NOT_FOUND', new RegExp(`Incident "${id}" does not exist`));
    expectError(await remove(id), 'NOT_FOUND', new RegExp(`Incident "${id}" does not exist`));
    expectError(await lookup('incident-1'), 'BAD_USER_INPUT', /"incident-1" is not a valid Incident id/);
    expectError(await update({ id: 'incident-1' }), 'BAD_USER_INPUT', /id must be a UUID/);
    expectError(await remove('incident-1'), 'BAD_USER_INPUT', /"incident-1" is not a valid Incident id/);
  });

  it('addIncidentTarget adds one target; removeIncidentTarget removes it', async () => {
    const { id } = await createIncident(t);
    const res = await addTarget(id, { organizationId: storting.id, role: 'AFFECTED' });
    expect(res.errors).toBeUndefined();
    const target = res.data.addIncidentTarget;
    expect(target).toMatchObject({ role: 'AFFECTED', organization: { id: storting.id }, person: null, country: null, sector: null, incident: { id } });

    const defaulted = (await addTarget(id, { country: 'se' })).data.addIncidentTarget;
    expect(defaulted).toMatchObject({ role: 'VICTIM', country: { code: 'SE' } });
    expect(ids((await lookup(id)).data.incident.targets)).toEqual([target.id, defaulted.id].sort());

    const organization = await t.data(`query ($id: ID!) { organization(id: $id) { targetedIn { id } } }`, { id: storting.id });
    expect(organization.organization.targetedIn).toContainEqual({ id: target.id });

    const removed = await removeTarget(target.id);
    expect(removed.errors).toBeUndefined();
    expect(removed.data.removeIncidentTarget).toBe(target.id);
    expect((await lookup(id)).data.incident.targets).toEqual([expect.objectContaining({ id: defaulted.id })]);
    expectError(await removeTarget(target.id), 'NOT_FOUND', new RegExp(`IncidentTarget "${target.id}" does not exist`));
  });

  it('addIncidentTarget refuses bad targets, unknown incidents and duplicates; removeIncidentTarget refuses bad ids', async () => {
    const { id } = await createIncident(t);
    await addTarget(id, { sector: 'Health' });
    const before = await countRows(t, 'incident_target', 'incident_id = $1', [id]);

    expectError(await addTarget(id, { organizationId: storting.id, country: 'NO' }), 'BAD_USER_INPUT', /exactly one of organizationId, personId, country or sector/);
    expectError(await addTarget(id, {}), 'BAD_USER_INPUT', /exactly one of/);
    expectError(await addTarget(id, { country: 'Wakanda' }), 'BAD_USER_INPUT', /target\.country: "Wakanda" is not a country/);
    expectError(await addTarget(id, { sector: 'health' }), 'CONFLICT', /This target is already recorded for the incident with this role/);
    const missing = unknownId();
    expectError(await addTarget(id, { organizationId: missing }), 'NOT_FOUND', new RegExp(`Organization "${missing}" does not exist`));
    expectError(await addTarget(id, { personId: 'someone' }), 'BAD_USER_INPUT', /personId must be a UUID/);
    expectError(await addTarget(missing, { sector: 'Health' }), 'NOT_FOUND', new RegExp(`Incident "${missing}" does not exist`));
    expectError(await addTarget('incident', { sector: 'Health' }), 'BAD_USER_INPUT', /"incident" is not a valid Incident id/);
    expect(await countRows(t, 'incident_target', 'incident_id = $1', [id])).toBe(before);

    // The same sector with another role is another target.
    expect((await addTarget(id, { sector: 'Health', role: 'AFFECTED' })).errors).toBeUndefined();

    expectError(await removeTarget(missing), 'NOT_FOUND', new RegExp(`IncidentTarget "${missing}" does not exist`));
    expectError(await removeTarget('target-1'), 'BAD_USER_INPUT', /"target-1" is not a valid IncidentTarget id/);
  });

  it('deletes an incident with its targets, sources and statement links; the statements and articles stay', async () => {
    const { id } = await createIncident(t, { targets: [{ organizationId: storting.id }, { sector: 'Defence' }], sourceArticleIds: [article.id] });
    const statement = await createStatement(t, { speakerPersonId: minister.id, incidentIds: [id] });

    const res = await remove(id);
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteIncident).toBe(id);
    expectError(await lookup(id), 'NOT_FOUND', /does not exist/);
    expect(await countRows(t, 'incident_target', 'incident_id = $1', [id])).toBe(0);
    expect(await countRows(t, 'incident_source', 'incident_id = $1', [id])).toBe(0);
    expect(await countRows(t, 'statement_incident', 'incident_id = $1', [id])).toBe(0);
    const kept = await t.data(`query ($id: ID!) { statement(id: $id) { id incidents { id } } }`, { id: statement.id });
    expect(kept.statement).toEqual({ id: statement.id, incidents: [] });
    expect((await t.data(`query ($id: ID!) { sourceArticle(id: $id) { id } }`, { id: article.id })).sourceArticle.id).toBe(article.id);
  });

  it('refuses to delete an incident with attributions (CONFLICT)', async () => {
    const { id } = await createIncident(t, { targets: [{ sector: 'Finance' }] });
    const actor = await createActor(t);
    await createAttribution(t, { incidentId: id, actorId: actor.id, attributedByPersonId: minister.id });
    expectError(await remove(id), 'CONFLICT', /This incident has attributions; delete those first/);
    expect((await lookup(id)).data.incident.targets).toHaveLength(1);
  });

  it('refuses to delete a source article that an incident cites (CONFLICT)', async () => {
    const cited = await createArticle(t);
    const { id } = await createIncident(t, { sourceArticleIds: [cited.id] });
    expectError(await t.gql(`mutation ($id: ID!) { deleteSourceArticle(id: $id) { id } }`, { id: cited.id }), 'CONFLICT', /cited by incidents/);
    await update({ id, sourceArticleIds: [] });
    expect((await t.gql(`mutation ($id: ID!) { deleteSourceArticle(id: $id) { id } }`, { id: cited.id })).data.deleteSourceArticle.id).toBe(cited.id);
  });

  it('deleting a campaign keeps its incidents, without campaign; refused while attributions name it', async () => {
    const doomed = await createCampaign(t);
    const { id } = await createIncident(t, { campaignId: doomed.id });
    const res = await t.gql(`mutation ($id: ID!) { deleteCampaign(id: $id) }`, { id: doomed.id });
    expect(res.errors).toBeUndefined();
    expect((await lookup(id)).data.incident.campaign).toBeNull();

    const attributed = await createCampaign(t);
    const actor = await createActor(t);
    await createAttribution(t, { campaignId: attributed.id, actorId: actor.id, attributedByOrganizationId: storting.id });
    expectError(await t.gql(`mutation ($id: ID!) { deleteCampaign(id: $id) }`, { id: attributed.id }), 'CONFLICT', /This campaign has attributions/);
  });

  it('refuses to delete a person or organization that is a target (CONFLICT)', async () => {
    const person = await createPerson(t);
    const organization = await createOrganization(t);
    await createIncident(t, { targets: [{ personId: person.id }, { organizationId: organization.id }] });
    expectError(await t.gql(`mutation ($id: ID!) { deletePerson(id: $id) }`, { id: person.id }), 'CONFLICT', /This person is an incident target/);
    expectError(
      await t.gql(`mutation ($id: ID!) { deleteOrganization(id: $id) }`, { id: organization.id }),
      'CONFLICT',
      /This organization is an incident target/,
    );
  });
});

describe('Attribution mutations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const create = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: CreateAttributionInput!) { createAttribution(input: $input) { ${ATTRIBUTION} } }`, { input });
  const update = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: UpdateAttributionInput!) { updateAttribution(input: $input) { ${ATTRIBUTION} } }`, { input });
  const lookup = (id: string) => t.gql(`query ($id: ID!) { attribution(id: $id) { ${ATTRIBUTION} } }`, { id });
  const remove = (id: string) => t.gql(`mutation ($id: ID!) { deleteAttribution(id: $id) }`, { id });

  let actor: { id: string };
  let incident: { id: string };
  let campaign: { id: string };
  let government: { id: string };
  let minister: { id: string };
  let statement: { id: string };
  // Every attribution cites the article that reports it.
  let sources: { sourceArticleId: string; excerpt: string }[];

  beforeAll(async () => {
    actor = await createActor(t, { name: 'APT28' });
    incident = await createIncident(t, { title: 'Storting hack' });
    campaign = await createCampaign(t);
    government = await createOrganization(t, { name: 'Government of Norway' });
    minister = await createPerson(t, { name: 'Foreign Minister', organizationId: government.id });
    statement = await createStatement(t, { speakerPersonId: minister.id, quote: 'Russia is behind this.' });
    const report = await createArticle(t, { body: 'The foreign minister said APT28 was likely behind the Storting hack.' });
    sources = [{ sourceArticleId: report.id, excerpt: 'APT28 was likely behind the Storting hack' }];
  });

  it('creates an attribution of an incident and finds it by id', async () => {
    const res = await create({
      incidentId: incident.id,
      actorId: actor.id,
      attributedByOrganizationId: government.id,
      attributedByPersonId: minister.id,
      attributed: { on: '2020-10-13' },
      confidenceWords: ' Likely ',
      bases: ['INTELLIGENCE', 'TECHNICAL', 'TECHNICAL'],
      status: 'ASSERTED',
      notes: 'Said in parliament',
      statementIds: [statement.id],
      sources,
    });
    expect(res.errors).toBeUndefined();
    const attribution = res.data.createAttribution;
    expect(attribution).toMatchObject({
      confidence: 70,
      confidenceWords: 'Likely',
      bases: ['INTELLIGENCE', 'TECHNICAL'],
      status: 'ASSERTED',
      notes: 'Said in parliament',
      attributed: { from: '2020-10-13', to: '2020-10-13', precision: 'DAY', display: '2020-10-13' },
      actor: { id: actor.id },
      incident: { id: incident.id },
      campaign: null,
      attributedByOrganization: { id: government.id },
      attributedByPerson: { id: minister.id },
      statements: [{ id: statement.id }],
    });
    expect((await lookup(attribution.id)).data.attribution).toEqual(attribution);

    const seen = await t.data(
      `query ($incident: ID!, $actor: ID!, $statement: ID!) {
         incident(id: $incident) { attributions { id } }
         threatActor(id: $actor) { incidents { id } attributions { id } }
         statement(id: $statement) { attributions { id } }
       }`,
      { incident: incident.id, actor: actor.id, statement: statement.id },
    );
    expect(seen.incident.attributions).toEqual([{ id: attribution.id }]);
    expect(seen.threatActor).toEqual({ incidents: [{ id: incident.id }], attributions: [{ id: attribution.id }] });
    expect(seen.statement.attributions).toEqual([{ id: attribution.id }]);
  });

  it('creates an attribution of a campaign; an explicit confidence wins over the words; status defaults to ASSERTED', async () => {
    const res = await create({ campaignId: campaign.id, actorId: actor.id, attributedByPersonId: minister.id, confidence: 40, confidenceWords: 'likely', sources });
    expect(res.errors).toBeUndefined();
    expect(res.data.createAttribution).toMatchObject({
      campaign: { id: campaign.id }, incident: null, confidence: 40, confidenceWords: 'likely', status: 'ASSERTED', bases: [],
      attributed: { precision: 'UNKNOWN' }, attributedByOrganization: null, statements: [],
    });
  });

  it.each([
    ['neither incidentId nor campaignId', {}, /an attribution is about exactly one of incidentId or campaignId/],
    ['both incidentId and campaignId', { both: true }, /an attribution is about exactly one of incidentId or campaignId/],
  ])('refuses %s (BAD_USER_INPUT)', async (_label, { both }: { both?: boolean }, message) => {
    const before = await countRows(t, 'attribution');
    const subject = both ? { incidentId: incident.id, campaignId: campaign.id } : {};
    expectError(await create({ ...subject, actorId: actor.id, attributedByOrganizationId: government.id, sources }), 'BAD_USER_INPUT', message);
    expect(await countRows(t, 'attribution')).toBe(before);
  });

  it.each([101, -1, 1000])('refuses confidence %d (BAD_USER_INPUT)', async (confidence) => {
    const before = await countRows(t, 'attribution');
    expectError(
      await create({ incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: government.id, confidence, sources }),
      'BAD_USER_INPUT',
      /confidence must be between 0 and 100/,
    );
    expect(await countRows(t, 'attribution')).toBe(before);
  });

  it('accepts the confidence bounds 0 and 100', async () => {
    for (const confidence of [0, 100]) {
      const res = await create({ incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: government.id, confidence, sources });
      expect(res.errors).toBeUndefined();
      expect(res.data.createAttribution.confidence).toBe(confidence);
    }
  });

  it('refuses an attribution without a party, or with an impossible date (BAD_USER_INPUT)', async () => {
    expectError(await create({ incidentId: incident.id, actorId: actor.id, sources }), 'BAD_USER_INPUT', /who made the claim\?/);
    expectError(
      await create({ incidentId: incident.id, actorId: actor.id, attributedByPersonId: minister.id, attributed: { on: '2020-02-30' }, sources }),
      'BAD_USER_INPUT',
      /attributed\.on is not a real day: 2020-02-30/,
    );
  });

  it('refuses unknown ids (NOT_FOUND) and malformed ids (BAD_USER_INPUT), writing nothing', async () => {
    const before = await countRows(t, 'attribution');
    const links = await countRows(t, 'attribution_statement');
    const missing = unknownId();
    const base = { incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: government.id, sources };
    expectError(await create({ ...base, actorId: missing }), 'NOT_FOUND', new RegExp(`ThreatActor "${missing}" does not exist`));
    expectError(await create({ ...base, incidentId: missing }), 'NOT_FOUND', new RegExp(`Incident "${missing}" does not exist`));
    expectError(await create({ ...base, incidentId: undefined, campaignId: missing }), 'NOT_FOUND', new RegExp(`Campaign "${missing}" does not exist`));
    expectError(await create({ ...base, attributedByOrganizationId: missing }), 'NOT_FOUND', new RegExp(`Organization "${missing}" does not exist`));
    expectError(await create({ ...base, attributedByPersonId: missing }), 'NOT_FOUND', new RegExp(`Person "${missing}" does not exist`));
    // The attribution row is written before its statement links: the unknown statement undoes it.
    expectError(await create({ ...base, statementIds: [statement.id, missing] }), 'NOT_FOUND', new RegExp(`Statement "${missing}" does not exist`));
    expectError(await create({ ...base, actorId: 'APT28' }), 'BAD_USER_INPUT', /actorId must be a UUID/);
    expectError(await create({ ...base, statementIds: ['s1'] }), 'BAD_USER_INPUT', /statementIds.*UUID/);
    expect(await countRows(t, 'attribution')).toBe(before);
    expect(await countRows(t, 'attribution_statement')).toBe(links);
  });

  it('update: left-out fields keep their value, explicit null clears an optional field, statementIds replace', async () => {
    const other = await createStatement(t, { speakerOrganizationId: government.id, summary: 'Government statement' });
    const { id } = await createAttribution(t, {
      incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: government.id, attributedByPersonId: minister.id,
      confidence: 90, confidenceWords: 'very likely', bases: ['TECHNICAL'], notes: 'first', attributed: { on: '2020-10' },
      statementIds: [statement.id],
    });

    const res = await update({ id, status: 'RETRACTED', statementIds: [other.id] });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateAttribution).toMatchObject({
      status: 'RETRACTED', confidence: 90, confidenceWords: 'very likely', bases: ['TECHNICAL'], notes: 'first',
      attributed: { display: '2020-10' }, actor: { id: actor.id }, incident: { id: incident.id },
      attributedByOrganization: { id: government.id }, attributedByPerson: { id: minister.id }, statements: [{ id: other.id }],
    });

    const cleared = await update({ id, confidence: null, confidenceWords: null, notes: null, attributed: null, attributedByPersonId: null, bases: [] });
    expect(cleared.errors).toBeUndefined();
    expect(cleared.data.updateAttribution).toMatchObject({
      status: 'RETRACTED', confidence: null, confidenceWords: null, notes: null, bases: [], attributed: { precision: 'UNKNOWN' },
      attributedByPerson: null, attributedByOrganization: { id: government.id }, statements: [{ id: other.id }],
    });
    expect((await lookup(id)).data.attribution).toMatchObject({ confidence: null, notes: null, attributedByPerson: null, status: 'RETRACTED' });

    // STIX 2.1 WEP: "almost certain(ly)" is in the 80-99 band (90); only "certain" is 100.
    const worded = await update({ id, confidenceWords: 'almost certainly' });
    expect(worded.data.updateAttribution).toMatchObject({ confidence: 90, confidenceWords: 'almost certainly' });
  });

  it('update refuses bad values and changes nothing', async () => {
    const { id } = await createAttribution(t, { incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: government.id, confidence: 50 });
    expectError(await update({ id, confidence: 101 }), 'BAD_USER_INPUT', /confidence must be between 0 and 100/);
    expectError(await update({ id, confidence: -1 }), 'BAD_USER_INPUT', /confidence must be between 0 and 100/);
    expectError(await update({ id, notes: 'x', attributedByOrganizationId: null }), 'BAD_USER_INPUT', /needs the party that made it/);
    const missing = unknownId();
    expectError(await update({ id, actorId: missing }), 'NOT_FOUND', new RegExp(`ThreatActor "${missing}" does not exist`));
    expectError(await update({ id, notes: 'x', statementIds: [missing] }), 'NOT_FOUND', new RegExp(`Statement "${missing}" does not exist`));
    expectError(await update({ id: missing, notes: 'x' }), 'NOT_FOUND', new RegExp(`Attribution "${missing}" does not exist`));
    expectError(await update({ id: 'a1', notes: 'x' }), 'BAD_USER_INPUT', /id must be a UUID/);
    expect((await lookup(id)).data.attribution).toMatchObject({
      confidence: 50, notes: null, attributedByOrganization: { id: government.id }, actor: { id: actor.id }, statements: [],
    });
  });

  it('deletes an attribution and its statement links; the statement stays', async () => {
    const { id } = await createAttribution(t, {
      incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: government.id, statementIds: [statement.id],
    });
    const res = await remove(id);
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteAttribution).toBe(id);
    expectError(await lookup(id), 'NOT_FOUND', new RegExp(`Attribution "${id}" does not exist`));
    expect(await countRows(t, 'attribution_statement', 'attribution_id = $1', [id])).toBe(0);
    expect((await t.data(`query ($id: ID!) { statement(id: $id) { id } }`, { id: statement.id })).statement.id).toBe(statement.id);
    expectError(await remove(id), 'NOT_FOUND', /does not exist/);
    expectError(await remove('a1'), 'BAD_USER_INPUT', /"a1" is not a valid Attribution id/);
  });

  it('refuses to delete the organization or person that made an attribution (CONFLICT)', async () => {
    const organization = await createOrganization(t);
    const person = await createPerson(t);
    await createAttribution(t, { campaignId: campaign.id, actorId: actor.id, attributedByOrganizationId: organization.id, attributedByPersonId: person.id });
    expectError(
      await t.gql(`mutation ($id: ID!) { deleteOrganization(id: $id) }`, { id: organization.id }),
      'CONFLICT',
      /This organization made attributions/,
    );
    expectError(await t.gql(`mutation ($id: ID!) { deletePerson(id: $id) }`, { id: person.id }), 'CONFLICT', /This person made attributions/);
  });
});

describe('Statement mutations and links', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const create = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: CreateStatementInput!) { createStatement(input: $input) { ${STATEMENT} } }`, { input });
  const update = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: UpdateStatementInput!) { updateStatement(input: $input) { ${STATEMENT} } }`, { input });
  const lookup = (id: string) => t.gql(`query ($id: ID!) { statement(id: $id) { ${STATEMENT} } }`, { id });
  const remove = (id: string) => t.gql(`mutation ($id: ID!) { deleteStatement(id: $id) }`, { id });
  const link = (mutation: string, args: Record<string, unknown>) => {
    const params = Object.keys(args).map((name) => `$${name}: ${name === 'source' ? 'CitationInput!' : 'ID!'}`);
    const pass = Object.keys(args).map((name) => `${name}: $${name}`);
    return t.gql(`mutation (${params.join(', ')}) { ${mutation}(${pass.join(', ')}) { ${STATEMENT} } }`, args);
  };

  let person: { id: string };
  let ministry: { id: string };
  let incident: { id: string };
  let otherIncident: { id: string };
  let actor: { id: string };
  let article: { id: string };
  let otherArticle: { id: string };

  beforeAll(async () => {
    ministry = await createOrganization(t, { name: 'Ministry of Foreign Affairs', kind: 'MINISTRY', country: 'NO' });
    person = await createPerson(t, { name: 'Ine Eriksen Søreide', organizationId: ministry.id });
    incident = await createIncident(t, { title: 'Storting hack' });
    otherIncident = await createIncident(t, { title: 'Another hack' });
    actor = await createActor(t, { name: 'APT28' });
    article = await createArticle(t, {
      url: 'https://example.org/statement',
      // Quotes must be the article's words: the ones these tests record are in it.
      body: 'The minister said: "Russia is behind this" on Tuesday. This was the first excerpt, and a better excerpt followed. '
        + '"Based on the information we have, Russia is behind this." "Not us." "Careful." "Half-written statement" "Who said it?" '
        + '"Original words" "Changed"',
    });
    otherArticle = await createArticle(t, { body: 'Norway blames Russia for the attack on its parliament. "Original words", said the minister.' });
  });

  // Every statement cites the article that reports it.
  const cited = () => [{ sourceArticleId: article.id, excerpt: 'Russia is behind this' }];

  it('creates a statement with its speaker, date, links and sources, and finds it by id', async () => {
    const res = await create({
      speakerPersonId: person.id,
      speakerOrganizationId: ministry.id,
      speakerRole: ' Foreign Minister ',
      said: { on: '2020-10-13', text: 'on Tuesday' },
      quote: ' Based on the information we have, Russia is behind this. ',
      summary: 'Norway blames Russia.',
      language: 'en',
      stance: 'ACCUSES',
      incidentIds: [incident.id, incident.id],
      actorIds: [actor.id],
      countries: ['Russia', 'no'],
      sources: [{ sourceArticleId: article.id, excerpt: ' "Russia is behind this" ' }, { sourceArticleId: otherArticle.id, excerpt: 'Norway blames Russia' }],
    });
    expect(res.errors).toBeUndefined();
    const statement = res.data.createStatement;
    expect(statement).toMatchObject({
      speakerRole: 'Foreign Minister',
      quote: 'Based on the information we have, Russia is behind this.',
      summary: 'Norway blames Russia.',
      language: 'en',
      stance: 'ACCUSES',
      said: { from: '2020-10-13', to: '2020-10-13', precision: 'DAY', display: '2020-10-13', text: 'on Tuesday' },
      speakerPerson: { id: person.id },
      speakerOrganization: { id: ministry.id },
      incidents: [{ id: incident.id }],
      actors: [{ id: actor.id }],
      attributions: [],
    });
    expect(statement.countries.map((c: { code: string }) => c.code).sort()).toEqual(['NO', 'RU']);
    expect(statement.sources).toHaveLength(2);
    expect(statement.sources).toEqual(
      expect.arrayContaining([
        { excerpt: '"Russia is behind this"', article: { id: article.id } },
        { excerpt: 'Norway blames Russia', article: { id: otherArticle.id } },
      ]),
    );
    const codes = (s: { countries: { code: string }[] }) => ({ ...s, countries: s.countries.map((c) => c.code).sort() });
    expect(codes((await lookup(statement.id)).data.statement)).toEqual(codes(statement));

    const reverse = await t.data(
      `query ($p: ID!, $i: ID!, $a: ID!, $s: ID!) {
         person(id: $p) { statements { id } } incident(id: $i) { statements { id } }
         threatActor(id: $a) { statements { id } } sourceArticle(id: $s) { statements { id } }
       }`,
      { p: person.id, i: incident.id, a: actor.id, s: article.id },
    );
    for (const side of ['person', 'incident', 'threatActor', 'sourceArticle']) expect(reverse[side].statements).toEqual([{ id: statement.id }]);
  });

  it('refuses a statement without a speaker (BAD_USER_INPUT)', async () => {
    const before = await countRows(t, 'statement');
    expectError(await create({ stance: 'DENIES', quote: 'Not us.', sources: cited() }), 'BAD_USER_INPUT', /a statement needs a speaker/);
    expectError(
      await create({ stance: 'DENIES', quote: 'Not us.', speakerPersonId: null, speakerRole: 'spokesman', sources: cited() }),
      'BAD_USER_INPUT',
      /needs a speaker/,
    );
    expect(await countRows(t, 'statement')).toBe(before);
  });

  it.each([
    ['neither quote nor summary', {}],
    ['an empty quote', { quote: '' }],
    ['whitespace-only quote and summary', { quote: '  ', summary: '\t' }],
  ])('refuses a statement with %s (BAD_USER_INPUT)', async (_label, content) => {
    const before = await countRows(t, 'statement');
    expectError(await create({ stance: 'COMMENTS', speakerPersonId: person.id, ...content, sources: cited() }), 'BAD_USER_INPUT', /needs a quote or a summary/);
    expect(await countRows(t, 'statement')).toBe(before);
  });

  it('refuses an unknown country, an impossible date and a bad language tag (BAD_USER_INPUT)', async () => {
    const base = { stance: 'WARNS', speakerPersonId: person.id, quote: 'Careful.', sources: cited() };
    const before = await countRows(t, 'statement');
    expectError(await create({ ...base, countries: ['NO', 'Atlantis'] }), 'BAD_USER_INPUT', /countries: "Atlantis" is not a country/);
    expectError(await create({ ...base, said: { on: '2020-02-30' } }), 'BAD_USER_INPUT', /said\.on is not a real day: 2020-02-30/);
    expectError(await create({ ...base, language: 'English' }), 'BAD_USER_INPUT', /language must be a BCP 47 tag/);
    expectError(
      await create({ ...base, sources: [{ sourceArticleId: article.id, excerpt: 'first' }, { sourceArticleId: article.id, excerpt: 'Tuesday' }] }),
      'BAD_USER_INPUT',
      /sources: an article is listed twice/,
    );
    expect(await countRows(t, 'statement')).toBe(before);
  });

  it('writes nothing when one incident id is unknown (atomic)', async () => {
    const statements = await countRows(t, 'statement');
    const links = {
      statement_incident: await countRows(t, 'statement_incident'),
      statement_actor: await countRows(t, 'statement_actor'),
      statement_country: await countRows(t, 'statement_country'),
      statement_source: await countRows(t, 'statement_source'),
    };
    const missing = unknownId();
    const res = await create({
      stance: 'ACCUSES', speakerPersonId: person.id, quote: 'Half-written statement',
      actorIds: [actor.id], countries: ['RU'], sources: [{ sourceArticleId: article.id, excerpt: 'Russia is behind this' }],
      incidentIds: [incident.id, missing],
    });
    expectError(res, 'NOT_FOUND', new RegExp(`Incident "${missing}" does not exist`));
    expect(await countRows(t, 'statement')).toBe(statements);
    expect(await countRows(t, 'statement', `quote = 'Half-written statement'`)).toBe(0);
    for (const [table, count] of Object.entries(links)) expect(await countRows(t, table)).toBe(count);
  });

  it('refuses unknown speakers, actors and sources (NOT_FOUND) and malformed ids (BAD_USER_INPUT), writing nothing', async () => {
    const before = await countRows(t, 'statement');
    const missing = unknownId();
    const base = { stance: 'ACCUSES', quote: 'Who said it?', sources: cited() };
    expectError(await create({ ...base, speakerPersonId: missing }), 'NOT_FOUND', new RegExp(`Person "${missing}" does not exist`));
    expectError(await create({ ...base, speakerOrganizationId: missing }), 'NOT_FOUND', new RegExp(`Organization "${missing}" does not exist`));
    expectError(await create({ ...base, speakerPersonId: person.id, actorIds: [missing] }), 'NOT_FOUND', new RegExp(`ThreatActor "${missing}"`));
    expectError(
      await create({ ...base, speakerPersonId: person.id, sources: [{ sourceArticleId: missing, excerpt: 'Who said it?' }] }),
      'NOT_FOUND',
      new RegExp(`SourceArticle "${missing}" does not exist`),
    );
    expectError(await create({ ...base, speakerPersonId: 'minister' }), 'BAD_USER_INPUT', /speakerPersonId must be a UUID/);
    expectError(await create({ ...base, speakerPersonId: person.id, incidentIds: ['i1'] }), 'BAD_USER_INPUT', /incidentIds.*UUID/);
    expect(await countRows(t, 'statement')).toBe(before);
  });

  it('update: left-out fields keep their value, explicit null clears an optional field, lists given replace', async () => {
    const { id } = await createStatement(t, {
      speakerPersonId: person.id, speakerOrganizationId: ministry.id, speakerRole: 'Minister', quote: 'Original words', summary: 'Original summary',
      language: 'en', said: { on: '2020-10' }, incidentIds: [incident.id], actorIds: [actor.id], countries: ['RU'],
      sources: [{ sourceArticleId: article.id, excerpt: 'first' }],
    });

    const res = await update({ id, stance: 'CONDEMNS', incidentIds: [otherIncident.id], countries: ['CN', 'Iran'] });
    expect(res.errors).toBeUndefined();
    const updated = res.data.updateStatement;
    expect(updated).toMatchObject({
      stance: 'CONDEMNS', quote: 'Original words', summary: 'Original summary', speakerRole: 'Minister', language: 'en',
      said: { display: '2020-10' }, speakerPerson: { id: person.id }, speakerOrganization: { id: ministry.id },
      incidents: [{ id: otherIncident.id }], actors: [{ id: actor.id }], sources: [{ excerpt: 'first', article: { id: article.id } }],
    });
    expect(updated.countries.map((c: { code: string }) => c.code).sort()).toEqual(['CN', 'IR']);

    // Sources are replaced, never emptied: a statement keeps at least one citation.
    const other = [{ sourceArticleId: otherArticle.id, excerpt: 'Norway blames Russia' }];
    const cleared = await update({
      id, summary: null, speakerRole: null, language: null, said: null, speakerOrganizationId: null, actorIds: [], sources: other,
    });
    expect(cleared.errors).toBeUndefined();
    expect(cleared.data.updateStatement).toMatchObject({
      stance: 'CONDEMNS', quote: 'Original words', summary: null, speakerRole: null, language: null, said: { precision: 'UNKNOWN' },
      speakerPerson: { id: person.id }, speakerOrganization: null, incidents: [{ id: otherIncident.id }], actors: [],
      sources: [{ excerpt: 'Norway blames Russia', article: { id: otherArticle.id } }],
    });
    expect((await lookup(id)).data.statement).toMatchObject({ summary: null, speakerOrganization: null, actors: [] });
    expectError(await update({ id, sources: [] }), 'BAD_USER_INPUT', /sources: cite at least one source article/);
    expect((await lookup(id)).data.statement.sources).toEqual([{ excerpt: 'Norway blames Russia', article: { id: otherArticle.id } }]);
  });

  it('update refuses removing the last speaker or all content, and bad links, changing nothing', async () => {
    const { id } = await createStatement(t, { speakerPersonId: person.id, quote: 'Keep me', incidentIds: [incident.id] });
    expectError(await update({ id, speakerPersonId: null }), 'BAD_USER_INPUT', /needs a speaker/);
    expectError(await update({ id, quote: null }), 'BAD_USER_INPUT', /needs a quote or a summary/);
    expectError(await update({ id, quote: '   ', summary: '' }), 'BAD_USER_INPUT', /needs a quote or a summary/);
    const missing = unknownId();
    expectError(await update({ id, quote: 'Changed', incidentIds: [otherIncident.id, missing] }), 'NOT_FOUND', new RegExp(`Incident "${missing}"`));
    expectError(await update({ id, speakerOrganizationId: missing }), 'NOT_FOUND', new RegExp(`Organization "${missing}" does not exist`));
    expectError(await update({ id, countries: ['Mordor'] }), 'BAD_USER_INPUT', /countries: "Mordor" is not a country/);
    expectError(await update({ id: missing, stance: 'DENIES' }), 'NOT_FOUND', new RegExp(`Statement "${missing}" does not exist`));
    expectError(await update({ id: 's-1', stance: 'DENIES' }), 'BAD_USER_INPUT', /id must be a UUID/);
    expect((await lookup(id)).data.statement).toMatchObject({ quote: 'Keep me', speakerPerson: { id: person.id }, incidents: [{ id: incident.id }] });
  });

  it('linkStatementToIncident / unlinkStatementFromIncident', async () => {
    const { id } = await createStatement(t, { speakerPersonId: person.id });
    const linked = await link('linkStatementToIncident', { statementId: id, incidentId: incident.id });
    expect(linked.errors).toBeUndefined();
    expect(linked.data.linkStatementToIncident).toMatchObject({ id, incidents: [{ id: incident.id }] });
    // Linking twice is harmless.
    const again = await link('linkStatementToIncident', { statementId: id, incidentId: incident.id });
    expect(again.data.linkStatementToIncident.incidents).toEqual([{ id: incident.id }]);
    expect(await countRows(t, 'statement_incident', 'statement_id = $1', [id])).toBe(1);

    const unlinked = await link('unlinkStatementFromIncident', { statementId: id, incidentId: incident.id });
    expect(unlinked.errors).toBeUndefined();
    expect(unlinked.data.unlinkStatementFromIncident).toMatchObject({ id, incidents: [] });
    expectError(
      await link('unlinkStatementFromIncident', { statementId: id, incidentId: incident.id }),
      'NOT_FOUND',
      new RegExp(`Incident linked to this statement "${incident.id}" does not exist`),
    );

    const missing = unknownId();
    expectError(await link('linkStatementToIncident', { statementId: id, incidentId: missing }), 'NOT_FOUND', new RegExp(`Incident "${missing}" does not exist`));
    expectError(await link('linkStatementToIncident', { statementId: missing, incidentId: incident.id }), 'NOT_FOUND', new RegExp(`Statement "${missing}" does not exist`));
    expectError(await link('unlinkStatementFromIncident', { statementId: missing, incidentId: incident.id }), 'NOT_FOUND', new RegExp(`Statement "${missing}"`));
    expectError(await link('linkStatementToIncident', { statementId: id, incidentId: 'hack' }), 'BAD_USER_INPUT', /"hack" is not a valid Incident id/);
    expectError(await link('unlinkStatementFromIncident', { statementId: id, incidentId: 'hack' }), 'BAD_USER_INPUT', /"hack" is not a valid Incident id/);
    expectError(await link('linkStatementToIncident', { statementId: 'st', incidentId: incident.id }), 'BAD_USER_INPUT', /"st" is not a valid Statement id/);
    expect(await countRows(t, 'statement_incident', 'statement_id = $1', [id])).toBe(0);
  });

  it('linkStatementToActor / unlinkStatementFromActor', async () => {
    const { id } = await createStatement(t, { speakerOrganizationId: ministry.id, summary: 'About APT28' });
    const linked = await link('linkStatementToActor', { statementId: id, actorId: actor.id });
    expect(linked.errors).toBeUndefined();
    expect(linked.data.linkStatementToActor).toMatchObject({ id, actors: [{ id: actor.id }] });
    expect((await lookup(id)).data.statement.actors).toEqual([{ id: actor.id }]);

    const unlinked = await link('unlinkStatementFromActor', { statementId: id, actorId: actor.id });
    expect(unlinked.errors).toBeUndefined();
    expect(unlinked.data.unlinkStatementFromActor.actors).toEqual([]);
    expectError(
      await link('unlinkStatementFromActor', { statementId: id, actorId: actor.id }),
      'NOT_FOUND',
      new RegExp(`ThreatActor linked to this statement "${actor.id}" does not exist`),
    );

    const missing = unknownId();
    expectError(await link('linkStatementToActor', { statementId: id, actorId: missing }), 'NOT_FOUND', new RegExp(`ThreatActor "${missing}" does not exist`));
    expectError(await link('linkStatementToActor', { statementId: missing, actorId: actor.id }), 'NOT_FOUND', new RegExp(`Statement "${missing}" does not exist`));
    expectError(await link('linkStatementToActor', { statementId: id, actorId: 'APT28' }), 'BAD_USER_INPUT', /"APT28" is not a valid ThreatActor id/);
    expectError(await link('unlinkStatementFromActor', { statementId: 'st', actorId: actor.id }), 'BAD_USER_INPUT', /"st" is not a valid Statement id/);
    expect(await countRows(t, 'statement_actor', 'statement_id = $1', [id])).toBe(0);
  });

  it('linkStatementToSource cites an article or updates its excerpt; unlinkStatementFromSource removes it, but never the last', async () => {
    const first = { excerpt: 'Norway blames Russia', article: { id: otherArticle.id } };
    const { id } = await createStatement(t, { speakerPersonId: person.id, sources: [{ sourceArticleId: otherArticle.id, excerpt: first.excerpt }] });
    const linked = await link('linkStatementToSource', { statementId: id, source: { sourceArticleId: article.id, excerpt: 'first excerpt' } });
    expect(linked.errors).toBeUndefined();
    expect(linked.data.linkStatementToSource.sources).toHaveLength(2);
    expect(linked.data.linkStatementToSource.sources).toEqual(expect.arrayContaining([{ excerpt: 'first excerpt', article: { id: article.id } }, first]));

    const relinked = await link('linkStatementToSource', { statementId: id, source: { sourceArticleId: article.id, excerpt: ' better excerpt ' } });
    expect(relinked.data.linkStatementToSource.sources).toEqual(expect.arrayContaining([{ excerpt: 'better excerpt', article: { id: article.id } }, first]));
    expect(await countRows(t, 'statement_source', 'statement_id = $1', [id])).toBe(2);

    const unlinked = await link('unlinkStatementFromSource', { statementId: id, sourceArticleId: article.id });
    expect(unlinked.errors).toBeUndefined();
    expect(unlinked.data.unlinkStatementFromSource.sources).toEqual([first]);
    expectError(
      await link('unlinkStatementFromSource', { statementId: id, sourceArticleId: otherArticle.id }),
      'CONFLICT',
      /This is the statement's only citation; cite another article first, or delete the statement/,
    );
    expectError(
      await link('unlinkStatementFromSource', { statementId: id, sourceArticleId: article.id }),
      'NOT_FOUND',
      new RegExp(`SourceArticle linked to this statement "${article.id}" does not exist`),
    );

    const missing = unknownId();
    expectError(
      await link('linkStatementToSource', { statementId: id, source: { sourceArticleId: missing, excerpt: 'first' } }),
      'NOT_FOUND',
      new RegExp(`SourceArticle "${missing}" does not exist`),
    );
    expectError(
      await link('linkStatementToSource', { statementId: missing, source: { sourceArticleId: article.id, excerpt: 'first' } }),
      'NOT_FOUND',
      new RegExp(`Statement "${missing}" does not exist`),
    );
    expectError(
      await link('linkStatementToSource', { statementId: id, source: { sourceArticleId: 'article', excerpt: 'first' } }),
      'BAD_USER_INPUT',
      /sourceArticleId must be a UUID/,
    );
    expectError(await link('unlinkStatementFromSource', { statementId: id, sourceArticleId: 'article' }), 'BAD_USER_INPUT', /"article" is not a valid SourceArticle id/);
    expect(await countRows(t, 'statement_source', 'statement_id = $1', [id])).toBe(1);
  });

  it('refuses to delete an article a statement cites (CONFLICT), and allows it once unlinked', async () => {
    const cited = await createArticle(t, { body: 'The cited words of the article.' });
    const { id } = await createStatement(t, {
      speakerPersonId: person.id,
      sources: [{ sourceArticleId: cited.id, excerpt: 'cited words' }, { sourceArticleId: otherArticle.id, excerpt: 'Norway blames Russia' }],
    });
    const deleteArticle = () => t.gql(`mutation ($id: ID!) { deleteSourceArticle(id: $id) { id } }`, { id: cited.id });

    expectError(await deleteArticle(), 'CONFLICT', /This source article is cited by statements \(1\); unlink them first/);
    expect((await lookup(id)).data.statement.sources).toEqual(expect.arrayContaining([{ excerpt: 'cited words', article: { id: cited.id } }]));

    await link('unlinkStatementFromSource', { statementId: id, sourceArticleId: cited.id });
    const res = await deleteArticle();
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteSourceArticle.id).toBe(cited.id);
  });

  it('refuses to delete the speaker of a statement (CONFLICT)', async () => {
    const speaker = await createPerson(t);
    const body = await createOrganization(t);
    await createStatement(t, { speakerPersonId: speaker.id, speakerOrganizationId: body.id });
    expectError(await t.gql(`mutation ($id: ID!) { deletePerson(id: $id) }`, { id: speaker.id }), 'CONFLICT', /This person is the speaker of statements/);
    expectError(
      await t.gql(`mutation ($id: ID!) { deleteOrganization(id: $id) }`, { id: body.id }),
      'CONFLICT',
      /This organization is the speaker of statements/,
    );
  });

  it('deletes a statement with its links; what it was about stays', async () => {
    const { id } = await createStatement(t, {
      speakerPersonId: person.id, incidentIds: [incident.id], actorIds: [actor.id], countries: ['RU'], sources: cited(),
    });
    const res = await remove(id);
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteStatement).toBe(id);
    expectError(await lookup(id), 'NOT_FOUND', new RegExp(`Statement "${id}" does not exist`));
    for (const table of ['statement_incident', 'statement_actor', 'statement_country', 'statement_source']) {
      expect(await countRows(t, table, 'statement_id = $1', [id])).toBe(0);
    }
    const kept = await t.data(`query ($i: ID!, $a: ID!) { incident(id: $i) { id } threatActor(id: $a) { id } }`, { i: incident.id, a: actor.id });
    expect(kept).toEqual({ incident: { id: incident.id }, threatActor: { id: actor.id } });

    expectError(await remove(id), 'NOT_FOUND', /does not exist/);
    expectError(await remove('st'), 'BAD_USER_INPUT', /"st" is not a valid Statement id/);
  });
});
