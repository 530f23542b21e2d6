/**
 * Mutations of the plain entities (Organization, Person, Campaign, SourceArticle) and
 * list pagination, end to end over HTTP: what is written, what is read back, and how
 * each bad input is refused.
 */
import {
  countRows, createArticle, createIncident, createOrganization, createPerson, expectError, unknownId,
} from './mutations-helpers';
import { TestApp, startTestApp } from './support/test-app';

const ORGANIZATION = `id name kind sector description country { code name } createdAt updatedAt`;
const PERSON = `id name role country { code } organization { id name } createdAt updatedAt`;
const SPAN = `from to precision display text`;
const CAMPAIGN = `id name description started { ${SPAN} } incidents { nodes { id } } createdAt updatedAt`;
const ARTICLE = `id url title publisher section published { ${SPAN} } authors language body retrievedAt createdAt updatedAt`;

describe('Organization mutations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const create = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { ${ORGANIZATION} } }`, { input });
  const update = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { ${ORGANIZATION} } }`, { input });
  const lookup = (id: string) => t.gql(`query ($id: ID!) { organization(id: $id) { ${ORGANIZATION} } }`, { id });
  const remove = (id: string) => t.gql(`mutation ($id: ID!) { deleteOrganization(id: $id) }`, { id });

  it('creates an organization, resolving the country by English name, and finds it by id', async () => {
    const res = await create({
      name: '  Norwegian Police Security Service ',
      kind: 'SECURITY_AGENCY',
      country: 'Norway',
      sector: 'Government',
      description: 'PST',
    });
    expect(res.errors).toBeUndefined();
    const created = res.data.createOrganization;
    expect(created).toMatchObject({
      name: 'Norwegian Police Security Service',
      kind: 'SECURITY_AGENCY',
      sector: 'Government',
      description: 'PST',
      country: { code: 'NO', name: 'Norway' },
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);

    const found = await lookup(created.id);
    expect(found.errors).toBeUndefined();
    expect(found.data.organization).toEqual(created);
  });

  it('accepts an ISO code and a common country name ("Russia")', async () => {
    const byCode = await create({ name: 'Ministry of Foreign Affairs', kind: 'MINISTRY', country: 'ru' });
    expect(byCode.data.createOrganization.country).toEqual({ code: 'RU', name: 'Russian Federation' });
    const byName = await create({ name: 'GRU', kind: 'INTELLIGENCE_AGENCY', country: 'Russia' });
    expect(byName.data.createOrganization.country.code).toBe('RU');
  });

  it('update: left-out fields keep their value, explicit null clears an optional field', async () => {
    const { id } = await createOrganization(t, {
      name: 'Stortinget', kind: 'PARLIAMENT', country: 'NO', sector: 'Government', description: 'The parliament',
    });
    const res = await update({ id, sector: 'Legislature', description: null });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateOrganization).toMatchObject({
      id, name: 'Stortinget', kind: 'PARLIAMENT', country: { code: 'NO' }, sector: 'Legislature', description: null,
    });

    const original = (await lookup(id)).data.organization;
    expect(res.data.updateOrganization.createdAt).toBe(original.createdAt);
    expect(new Date(res.data.updateOrganization.updatedAt).getTime()).toBeGreaterThan(new Date(original.createdAt).getTime());

    const cleared = await update({ id, country: null, kind: 'GOVERNMENT' });
    expect(cleared.data.updateOrganization).toMatchObject({ name: 'Stortinget', kind: 'GOVERNMENT', country: null, sector: 'Legislature' });
    expect((await lookup(id)).data.organization).toMatchObject({ kind: 'GOVERNMENT', country: null, sector: 'Legislature', description: null });
  });

  it.each([
    ['empty', ''],
    ['whitespace-only', '   \t '],
  ])('refuses an %s name on create and on update (BAD_USER_INPUT)', async (_label, name) => {
    expectError(await create({ name, kind: 'COMPANY' }), 'BAD_USER_INPUT', /name must not be empty/);
    const { id } = await createOrganization(t);
    expectError(await update({ id, name }), 'BAD_USER_INPUT', /name must not be empty/);
  });

  it('refuses null as the new name of an organization (the name is required)', async () => {
    const { id, name } = await createOrganization(t);
    expectError(await update({ id, name: null }), 'BAD_USER_INPUT', /name must not be empty/);
    expect((await lookup(id)).data.organization.name).toBe(name);
  });

  it('refuses an unknown country name, naming the field and the value (BAD_USER_INPUT)', async () => {
    const before = await countRows(t, 'organization');
    expectError(await create({ name: 'Atlantean Navy', kind: 'MILITARY', country: 'Atlantis' }), 'BAD_USER_INPUT', /country.*"Atlantis"/);
    expect(await countRows(t, 'organization')).toBe(before);
    const { id } = await createOrganization(t);
    expectError(await update({ id, country: 'Narnia' }), 'BAD_USER_INPUT', /country.*"Narnia".*not a country/);
  });

  it('refuses a second organization with the same name in the same country (CONFLICT)', async () => {
    await createOrganization(t, { name: 'National Cyber Security Centre', country: 'GB' });
    expectError(
      await create({ name: 'national cyber security centre', kind: 'SECURITY_AGENCY', country: 'GB' }),
      'CONFLICT',
      /organization with this name already exists/i,
    );
    // The same name in another country is another organization.
    const other = await create({ name: 'National Cyber Security Centre', kind: 'SECURITY_AGENCY', country: 'NZ' });
    expect(other.errors).toBeUndefined();
  });

  it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const id = unknownId();
    expectError(await lookup(id), 'NOT_FOUND', new RegExp(`Organization "${id}" does not exist`));
    expectError(await update({ id, name: 'x' }), 'NOT_FOUND', new RegExp(`Organization "${id}" does not exist`));
    expectError(await remove(id), 'NOT_FOUND', new RegExp(`Organization "${id}" does not exist`));

    expectError(await lookup('not-an-id'), 'BAD_USER_INPUT', /"not-an-id" is not a valid Organization id/);
    expectError(await update({ id: '42', name: 'x' }), 'BAD_USER_INPUT', /id must be a UUID/);
    expectError(await remove('42'), 'BAD_USER_INPUT', /"42" is not a valid Organization id/);
  });

  it('deletes an organization and returns its id; it is gone afterwards', async () => {
    const { id } = await createOrganization(t);
    const res = await remove(id);
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteOrganization).toBe(id);
    expectError(await lookup(id), 'NOT_FOUND', /does not exist/);
    expect(await countRows(t, 'organization', 'id = $1', [id])).toBe(0);
  });

  it('refuses to delete an organization that people belong to (CONFLICT), and allows it once they are moved', async () => {
    const organization = await createOrganization(t);
    const person = await createPerson(t, { organizationId: organization.id });
    expectError(await remove(organization.id), 'CONFLICT', /People belong to this organization/);
    expect((await lookup(organization.id)).data.organization.id).toBe(organization.id);

    await t.data(`mutation ($input: UpdatePersonInput!) { updatePerson(input: $input) { id } }`, {
      input: { id: person.id, organizationId: null },
    });
    expect((await remove(organization.id)).data.deleteOrganization).toBe(organization.id);
  });
});

describe('Person mutations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const create = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: CreatePersonInput!) { createPerson(input: $input) { ${PERSON} } }`, { input });
  const update = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: UpdatePersonInput!) { updatePerson(input: $input) { ${PERSON} } }`, { input });
  const lookup = (id: string) => t.gql(`query ($id: ID!) { person(id: $id) { ${PERSON} } }`, { id });
  const remove = (id: string) => t.gql(`mutation ($id: ID!) { deletePerson(id: $id) }`, { id });

  it('creates a person in an organization and finds them by id', async () => {
    const organization = await createOrganization(t, { name: 'Ministry of Foreign Affairs of Norway', kind: 'MINISTRY' });
    const res = await create({ name: ' Ine Eriksen Søreide ', role: 'Foreign Minister', country: 'NO', organizationId: organization.id });
    expect(res.errors).toBeUndefined();
    const person = res.data.createPerson;
    expect(person).toMatchObject({
      name: 'Ine Eriksen Søreide',
      role: 'Foreign Minister',
      country: { code: 'NO' },
      organization: { id: organization.id, name: 'Ministry of Foreign Affairs of Norway' },
    });
    expect((await lookup(person.id)).data.person).toEqual(person);

    const people = await t.data(`query ($id: ID!) { organization(id: $id) { people { nodes { id } } } }`, { id: organization.id });
    expect(people.organization.people.nodes).toEqual([{ id: person.id }]);
  });

  it('update: left-out fields keep their value, explicit null clears an optional field', async () => {
    const organization = await createOrganization(t);
    const { id } = await createPerson(t, { name: 'Jens Stoltenberg', role: 'Secretary General', country: 'NO', organizationId: organization.id });

    const res = await update({ id, role: 'Finance Minister' });
    expect(res.errors).toBeUndefined();
    expect(res.data.updatePerson).toMatchObject({
      name: 'Jens Stoltenberg', role: 'Finance Minister', country: { code: 'NO' }, organization: { id: organization.id },
    });

    const cleared = await update({ id, role: null, organizationId: null, country: null });
    expect(cleared.data.updatePerson).toMatchObject({ name: 'Jens Stoltenberg', role: null, organization: null, country: null });
    expect((await lookup(id)).data.person).toMatchObject({ name: 'Jens Stoltenberg', role: null, organization: null, country: null });
  });

  it('refuses empty and whitespace-only names (BAD_USER_INPUT)', async () => {
    expectError(await create({ name: '' }), 'BAD_USER_INPUT', /name must not be empty/);
    expectError(await create({ name: '  ' }), 'BAD_USER_INPUT', /name must not be empty/);
    const { id } = await createPerson(t);
    expectError(await update({ id, name: ' ' }), 'BAD_USER_INPUT', /name must not be empty/);
  });

  it('refuses an unknown country (BAD_USER_INPUT)', async () => {
    expectError(await create({ name: 'Nobody', country: 'Freedonia' }), 'BAD_USER_INPUT', /country.*"Freedonia"/);
  });

  it('refuses an unknown organization (NOT_FOUND) and a malformed organization id (BAD_USER_INPUT)', async () => {
    const missing = unknownId();
    const before = await countRows(t, 'person');
    expectError(await create({ name: 'Orphan', organizationId: missing }), 'NOT_FOUND', new RegExp(`Organization "${missing}"`));
    expectError(await create({ name: 'Orphan', organizationId: 'org-1' }), 'BAD_USER_INPUT', /organizationId must be a UUID/);
    expect(await countRows(t, 'person')).toBe(before);

    const { id } = await createPerson(t);
    expectError(await update({ id, organizationId: missing }), 'NOT_FOUND', new RegExp(`Organization "${missing}"`));
  });

  it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const id = unknownId();
    expectError(await lookup(id), 'NOT_FOUND', new RegExp(`Person "${id}" does not exist`));
    expectError(await update({ id, role: 'x' }), 'NOT_FOUND', new RegExp(`Person "${id}" does not exist`));
    expectError(await remove(id), 'NOT_FOUND', new RegExp(`Person "${id}" does not exist`));
    expectError(await lookup('p-1'), 'BAD_USER_INPUT', /"p-1" is not a valid Person id/);
    expectError(await remove('p-1'), 'BAD_USER_INPUT', /"p-1" is not a valid Person id/);
  });

  it('deletes a person and returns the id', async () => {
    const { id } = await createPerson(t);
    expect((await remove(id)).data.deletePerson).toBe(id);
    expectError(await lookup(id), 'NOT_FOUND', /does not exist/);
  });
});

describe('Campaign mutations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const create = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { ${CAMPAIGN} } }`, { input });
  const update = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: UpdateCampaignInput!) { updateCampaign(input: $input) { ${CAMPAIGN} } }`, { input });
  const lookup = (id: string) => t.gql(`query ($id: ID!) { campaign(id: $id) { ${CAMPAIGN} } }`, { id });
  const remove = (id: string) => t.gql(`mutation ($id: ID!) { deleteCampaign(id: $id) }`, { id });

  it('creates a campaign with an open-ended start ("since at least 2019") and finds it by id', async () => {
    const res = await create({ name: 'Ghostwriter', description: 'Influence operation', started: { to: '2019', text: 'since at least 2019' } });
    expect(res.errors).toBeUndefined();
    const campaign = res.data.createCampaign;
    expect(campaign).toMatchObject({
      name: 'Ghostwriter',
      description: 'Influence operation',
      started: { from: null, to: '2019-12-31', precision: 'RANGE', display: '../2019-12-31', text: 'since at least 2019' },
      incidents: { nodes: [] },
    });
    expect((await lookup(campaign.id)).data.campaign).toEqual(campaign);
  });

  it.each([
    [{ on: '2020-08' }, { from: '2020-08-01', to: '2020-08-31', precision: 'MONTH', display: '2020-08', text: null }],
    [{ on: '2020-02-29' }, { from: '2020-02-29', to: '2020-02-29', precision: 'DAY', display: '2020-02-29', text: null }],
    [{ on: '2016' }, { from: '2016-01-01', to: '2016-12-31', precision: 'YEAR', display: '2016', text: null }],
    [{ from: '2019-03', to: '2019-05-10' }, { from: '2019-03-01', to: '2019-05-10', precision: 'RANGE', display: '2019-03-01/2019-05-10', text: null }],
    [{ from: '2021', text: 'from 2021 on' }, { from: '2021-01-01', to: null, precision: 'RANGE', display: '2021-01-01/..', text: 'from 2021 on' }],
    [{ text: 'some time ago' }, { from: null, to: null, precision: 'UNKNOWN', display: null, text: 'some time ago' }],
  ])('stores the partial date %j as %j', async (started, expected) => {
    const res = await create({ name: `Dated campaign ${JSON.stringify(started)}`, started });
    expect(res.errors).toBeUndefined();
    expect(res.data.createCampaign.started).toEqual(expected);
  });

  it.each([
    [{ on: '2020-02-30' }, /started\.on is not a real day: 2020-02-30/],
    [{ on: '2019-02-29' }, /started\.on is not a real day: 2019-02-29/],
    [{ on: '2020-13' }, /started\.on has no month 13/],
    [{ on: '2020-00-10' }, /started\.on has no month 0/],
    [{ from: '2021-04-31' }, /started\.from is not a real day/],
    [{ on: '20-1-1' }, /on must be a date as YYYY, YYYY-MM or YYYY-MM-DD/],
    [{ on: 'yesterday' }, /on must be a date as YYYY, YYYY-MM or YYYY-MM-DD/],
    [{ from: '2020-05', to: '2020-04' }, /started: "from" \(2020-05\) is after "to" \(2020-04\)/],
    [{ on: '2020', from: '2019' }, /started: give either "on" or "from"\/"to", not both/],
  ])('refuses the impossible or malformed date %j (BAD_USER_INPUT)', async (started, message) => {
    const before = await countRows(t, 'campaign');
    expectError(await create({ name: `Bad date ${JSON.stringify(started)}`, started }), 'BAD_USER_INPUT', message);
    expect(await countRows(t, 'campaign')).toBe(before);
  });

  it('refuses empty and whitespace-only names (BAD_USER_INPUT)', async () => {
    expectError(await create({ name: '' }), 'BAD_USER_INPUT', /name must not be empty/);
    expectError(await create({ name: '   ' }), 'BAD_USER_INPUT', /name must not be empty/);
    const { id } = (await create({ name: 'Named campaign' })).data.createCampaign;
    expectError(await update({ id, name: '\n' }), 'BAD_USER_INPUT', /name must not be empty/);
    expect((await lookup(id)).data.campaign.name).toBe('Named campaign');
  });

  it('refuses a second campaign with the same name in another case (CONFLICT)', async () => {
    await create({ name: 'Operation Ghost' });
    expectError(await create({ name: 'OPERATION GHOST' }), 'CONFLICT', /campaign with this name already exists/);
    expect(await countRows(t, 'campaign', `lower(name) = 'operation ghost'`)).toBe(1);
  });

  it('update: left-out fields keep their value, explicit null clears description and start', async () => {
    const { id } = (await create({ name: 'Dragonfly', description: 'Energy sector', started: { on: '2011' } })).data.createCampaign;

    const renamed = await update({ id, name: 'Dragonfly 2.0' });
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data.updateCampaign).toMatchObject({
      name: 'Dragonfly 2.0', description: 'Energy sector', started: { from: '2011-01-01', to: '2011-12-31', precision: 'YEAR' },
    });

    const redated = await update({ id, started: { on: '2015-12' } });
    expect(redated.data.updateCampaign).toMatchObject({ name: 'Dragonfly 2.0', started: { display: '2015-12', precision: 'MONTH' } });

    const cleared = await update({ id, description: null, started: null });
    expect(cleared.data.updateCampaign).toMatchObject({
      name: 'Dragonfly 2.0', description: null, started: { from: null, to: null, precision: 'UNKNOWN', display: null, text: null },
    });
    expect((await lookup(id)).data.campaign).toMatchObject({ name: 'Dragonfly 2.0', description: null, started: { precision: 'UNKNOWN' } });
  });

  it('refuses an impossible date on update and keeps the stored one', async () => {
    const { id } = (await create({ name: 'Sandworm wave', started: { on: '2017-06-27' } })).data.createCampaign;
    expectError(await update({ id, started: { on: '2017-06-31' } }), 'BAD_USER_INPUT', /not a real day: 2017-06-31/);
    expect((await lookup(id)).data.campaign.started.display).toBe('2017-06-27');
  });

  it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const id = unknownId();
    expectError(await lookup(id), 'NOT_FOUND', new RegExp(`Campaign "${id}" does not exist`));
    expectError(await update({ id, name: 'x' }), 'NOT_FOUND', new RegExp(`Campaign "${id}" does not exist`));
    expectError(await remove(id), 'NOT_FOUND', new RegExp(`Campaign "${id}" does not exist`));
    expectError(await lookup('c1'), 'BAD_USER_INPUT', /"c1" is not a valid Campaign id/);
    expectError(await update({ id: 'c1' }), 'BAD_USER_INPUT', /id must be a UUID/);
  });

  it('deletes a campaign and returns the id', async () => {
    const { id } = (await create({ name: 'Short-lived' })).data.createCampaign;
    expect((await remove(id)).data.deleteCampaign).toBe(id);
    expectError(await lookup(id), 'NOT_FOUND', /does not exist/);
  });
});

describe('SourceArticle mutations', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const create = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: CreateSourceArticleInput!) { createSourceArticle(input: $input) { ${ARTICLE} } }`, { input });
  const update = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: UpdateSourceArticleInput!) { updateSourceArticle(input: $input) { ${ARTICLE} } }`, { input });
  const lookup = (id: string) => t.gql(`query ($id: ID!) { sourceArticle(id: $id) { ${ARTICLE} } }`, { id });
  const remove = (id: string) => t.gql(`mutation ($id: ID!) { deleteSourceArticle(id: $id) { id } }`, { id });

  it('creates an article and finds it by id', async () => {
    const res = await create({
      url: 'https://www.regjeringen.no/en/aktuelt/attack/id2773271/',
      title: '  Cyber attack on the Storting ',
      publisher: 'Government.no',
      section: 'News',
      published: { on: '2020-10-13', text: '13 October 2020' },
      authors: [' Ministry of Foreign Affairs '],
      language: 'en',
      body: 'The Storting was hit.',
      retrievedAt: '2024-05-01T12:00:00.000Z',
    });
    expect(res.errors).toBeUndefined();
    const article = res.data.createSourceArticle;
    expect(article).toMatchObject({
      url: 'https://www.regjeringen.no/en/aktuelt/attack/id2773271/',
      title: 'Cyber attack on the Storting',
      publisher: 'Government.no',
      section: 'News',
      published: { from: '2020-10-13', to: '2020-10-13', precision: 'DAY', display: '2020-10-13', text: '13 October 2020' },
      authors: ['Ministry of Foreign Affairs'],
      language: 'en',
      body: 'The Storting was hit.',
      retrievedAt: '2024-05-01T12:00:00.000Z',
    });
    expect((await lookup(article.id)).data.sourceArticle).toEqual(article);
  });

  it('refuses a second article with the same URL (CONFLICT) and writes nothing', async () => {
    const url = 'https://example.org/news/duplicate';
    await createArticle(t, { url });
    expectError(await create({ url, title: 'Same URL, other title' }), 'CONFLICT', /source article with this URL already exists/);
    expect(await countRows(t, 'source_article', 'url = $1', [url])).toBe(1);

    const other = await createArticle(t, { url: 'https://example.org/news/other' });
    expectError(await update({ id: other.id, url }), 'CONFLICT', /source article with this URL already exists/);
    expect((await lookup(other.id)).data.sourceArticle.url).toBe('https://example.org/news/other');
  });

  it('allows many articles without a URL', async () => {
    await createArticle(t, { url: null });
    await createArticle(t);
    expect(await countRows(t, 'source_article', 'url IS NULL')).toBeGreaterThanOrEqual(2);
  });

  it('refuses a URL that is not http(s), an empty title and a bad language tag (BAD_USER_INPUT)', async () => {
    expectError(await create({ title: 'x', url: 'ftp://example.org/file' }), 'BAD_USER_INPUT', /url must be an http\(s\) URL/);
    expectError(await create({ title: 'x', url: 'not a url' }), 'BAD_USER_INPUT', /url must be an http\(s\) URL/);
    expectError(await create({ title: '' }), 'BAD_USER_INPUT', /title must not be empty/);
    expectError(await create({ title: '  ' }), 'BAD_USER_INPUT', /title must not be empty/);
    expectError(await create({ title: 'x', language: 'English' }), 'BAD_USER_INPUT', /language must be a BCP 47 tag/);
    expectError(await create({ title: 'x', published: { on: '2023-02-29' } }), 'BAD_USER_INPUT', /published\.on is not a real day/);
  });

  it('update: left-out fields keep their value, explicit null clears an optional field', async () => {
    const { id } = await createArticle(t, {
      url: 'https://example.org/update-me', title: 'Original', publisher: 'NRK', body: 'Text', language: 'nb', published: { on: '2021-03' },
      authors: ['A', 'B'],
    });
    const res = await update({ id, title: 'Corrected title', authors: ['C'] });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateSourceArticle).toMatchObject({
      url: 'https://example.org/update-me', title: 'Corrected title', publisher: 'NRK', body: 'Text', language: 'nb',
      published: { display: '2021-03' }, authors: ['C'],
    });

    const cleared = await update({ id, url: null, publisher: null, body: null, language: null, published: null });
    expect(cleared.data.updateSourceArticle).toMatchObject({
      url: null, title: 'Corrected title', publisher: null, body: null, language: null, published: { precision: 'UNKNOWN' }, authors: ['C'],
    });
    expect((await lookup(id)).data.sourceArticle).toMatchObject({ url: null, publisher: null, title: 'Corrected title' });

    expectError(await update({ id, title: ' ' }), 'BAD_USER_INPUT', /title must not be empty/);
  });

  it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const id = unknownId();
    expectError(await lookup(id), 'NOT_FOUND', new RegExp(`SourceArticle "${id}" does not exist`));
    expectError(await update({ id, title: 'x' }), 'NOT_FOUND', new RegExp(`SourceArticle "${id}" does not exist`));
    expectError(await remove(id), 'NOT_FOUND', new RegExp(`SourceArticle "${id}" does not exist`));
    expectError(await lookup('https://example.org'), 'BAD_USER_INPUT', /is not a valid SourceArticle id/);
  });

  it('deletes an article nobody cites and returns the id', async () => {
    const { id } = await createArticle(t);
    expect((await remove(id)).data.deleteSourceArticle.id).toBe(id);
    expectError(await lookup(id), 'NOT_FOUND', /does not exist/);
  });
});

describe('Pagination of lists', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const page = (variables: Record<string, unknown>) =>
    t.gql(
      `query ($first: Int, $after: String) {
         organizations(first: $first, after: $after) {
           totalCount
           edges { cursor node { id name } }
           nodes { id name }
           pageInfo { hasNextPage endCursor }
         }
       }`,
      variables,
    );

  it('walks every organization exactly once, two at a time, in name order', async () => {
    const names = ['Echo Ministry', 'alpha agency', 'Delta Bureau', 'Charlie Corps', 'Bravo Board'];
    const ids = new Map<string, string>();
    for (const name of names) ids.set((await createOrganization(t, { name })).id, name);

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res = await page({ first: 2, after });
      expect(res.errors).toBeUndefined();
      const connection = res.data.organizations;
      pages += 1;
      expect(connection.totalCount).toBe(5);
      expect(connection.nodes.length).toBeLessThanOrEqual(2);
      expect(connection.edges.map((e: { node: unknown }) => e.node)).toEqual(connection.nodes);
      expect(connection.pageInfo.endCursor).toBe(connection.edges[connection.edges.length - 1].cursor);
      seen.push(...connection.nodes.map((n: { id: string }) => n.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
      expect(pages).toBeLessThan(5);
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(ids.keys()));
    expect(seen.map((id) => ids.get(id))).toEqual(['alpha agency', 'Bravo Board', 'Charlie Corps', 'Delta Bureau', 'Echo Ministry']);
  });

  it('walks incidents by start date (ties and undated ones included) exactly once, one at a time', async () => {
    const dated = [
      ['Open start', { to: '2019' }],
      ['Same day one', { on: '2020-08-24' }],
      ['Latest', { on: '2021-05' }],
      ['Same day two', { on: '2020-08-24' }],
      ['Month only', { on: '2020-08' }],
      ['Undated one', null],
      ['Undated two', null],
    ] as const;
    for (const [title, started] of dated) await createIncident(t, { title, started });

    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res: any = await t.gql(
        `query ($after: String) { incidents(first: 1, after: $after) { totalCount nodes { title } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.incidents.totalCount).toBe(7);
      seen.push(...res.data.incidents.nodes.map((n: { title: string }) => n.title));
      if (!res.data.incidents.pageInfo.hasNextPage) break;
      after = res.data.incidents.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(dated.map(([title]) => title)));
    // Latest start first; the open start counts from its latest day; undated last.
    expect(seen[0]).toBe('Latest');
    expect(new Set(seen.slice(1, 3))).toEqual(new Set(['Same day one', 'Same day two']));
    expect(seen.slice(3, 5)).toEqual(['Month only', 'Open start']);
    expect(new Set(seen.slice(5))).toEqual(new Set(['Undated one', 'Undated two']));
  });

  it('the page after the last one is empty', async () => {
    const all = (await page({ first: 200 })).data.organizations;
    expect(all.pageInfo.hasNextPage).toBe(false);
    const after = await page({ first: 2, after: all.pageInfo.endCursor });
    expect(after.data.organizations).toMatchObject({ nodes: [], totalCount: all.totalCount, pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it.each(['garbage', 'bm90IGpzb24', Buffer.from('[1,2,3]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')])(
    'refuses the cursor %j (BAD_USER_INPUT)',
    async (after) => {
      expectError(await page({ first: 2, after }), 'BAD_USER_INPUT', /"after" is not a cursor of this list/);
    },
  );

  it.each([0, -1, 201, 500])('refuses first: %d (BAD_USER_INPUT)', async (first) => {
    expectError(await page({ first }), 'BAD_USER_INPUT', /first must not be (less than 1|greater than 200)/);
  });
});
