/**
 * The one check every argument passes (src/common/storable-input.pipe.ts) on a sample of
 * text inputs and filters, and database errors in the project's words (issue 12 §4):
 * NUL bytes, lone surrogates and out-of-range dates are BAD_USER_INPUT naming the field,
 * with nothing written; a foreign-key race answers NOT_FOUND, never PostgreSQL's text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GraphQLField, GraphQLInputType, buildSchema, getNamedType, isInputObjectType, isLeafType, isListType, isNonNullType,
  isScalarType,
} from 'graphql';
import { QueryFailedError } from 'typeorm';
import { ErrorCode, fromDatabaseError } from '../src/common/errors';
import { countRows, createActor, createCampaign, createIncident, createOrganization, expectError } from './mutations-helpers';
import { sampleValue } from './support/schema-samples';
import { TestApp, startTestApp } from './support/test-app';

const NUL = 'before\u0000after';
const LONE_SURROGATE = 'half of an emoji: \ud83d';

/** Words PostgreSQL uses in its own messages; none may reach a client. */
const POSTGRES_TEXT = /violates|constraint "|Key \(|syntax for type|out of range for type|invalid byte sequence|relation "|SQL|pg_|is not present in table/;

/** One application with the default settings for the suites below that need no others. */
let t: TestApp;
beforeAll(async () => (t = await startTestApp()));
afterAll(() => t.close());

describe('text inputs and filters: NUL, lone surrogates and out-of-range dates are refused, naming the field', () => {

  const createIncidentWith = (input: Record<string, unknown>) =>
    t.gql(`mutation ($input: CreateIncidentInput!) { createIncident(input: $input) { id title } }`, { input });

  it.each([
    ['a NUL byte', NUL, /^input\.title contains a NUL character/],
    ['a lone surrogate', LONE_SURROGATE, /^input\.title contains a lone UTF-16 surrogate/],
  ])('createIncident refuses %s in the title and writes nothing', async (_what, title, message) => {
    const before = await countRows(t, 'incident');
    const res = await createIncidentWith({ title });
    expectError(res, ErrorCode.BadUserInput, message);
    expect(res.errors![0].extensions).toMatchObject({ field: 'input.title' });
    expect(await countRows(t, 'incident')).toBe(before);
  });

  it('keeps a well-formed surrogate pair (an emoji) as it is', async () => {
    const res = await createIncidentWith({ title: 'Phishing wave 🎣' });
    expect(res.errors).toBeUndefined();
    expect(res.data.createIncident.title).toBe('Phishing wave 🎣');
    const [row] = await t.dataSource.query(`SELECT title FROM incident WHERE id = $1`, [res.data.createIncident.id]);
    expect(row.title).toBe('Phishing wave 🎣');
  });

  it('names nested fields by their path: a target inside a list, a date span, an alias', async () => {
    expectError(await createIncidentWith({ title: 'Nested', targets: [{ sector: 'Energy' }, { sector: NUL }] }),
      ErrorCode.BadUserInput, /^input\.targets\[1\]\.sector contains a NUL/);
    expectError(await createIncidentWith({ title: 'Nested', started: { on: '2020', text: LONE_SURROGATE } }),
      ErrorCode.BadUserInput, /^input\.started\.text contains a lone UTF-16 surrogate/);
    const actor = await createActor(t);
    expectError(await t.gql(`mutation ($id: ID!, $alias: AliasInput!) { addThreatActorAlias(actorId: $id, alias: $alias) { id } }`,
      { id: actor.id, alias: { name: `Bear${'\u0000'}` } }), ErrorCode.BadUserInput, /^alias\.name contains a NUL/);
  });

  it('checks the other text inputs the same way: article body, organization update, statement quote', async () => {
    const articles = await countRows(t, 'source_article');
    expectError(await t.gql(`mutation ($input: CreateSourceArticleInput!) { createSourceArticle(input: $input) { id } }`,
      { input: { title: 'Report', body: `A long report ${LONE_SURROGATE}` } }), ErrorCode.BadUserInput, /^input\.body contains a lone/);
    expect(await countRows(t, 'source_article')).toBe(articles);
    const organization = await createOrganization(t);
    expectError(await t.gql(`mutation ($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { id } }`,
      { input: { id: organization.id, description: NUL } }), ErrorCode.BadUserInput, /^input\.description contains a NUL/);
    const [row] = await t.dataSource.query(`SELECT description FROM organization WHERE id = $1`, [organization.id]);
    expect(row.description).toBeNull();
  });

  it.each([
    ['incidents(filter.search)', `query ($v: String) { incidents(filter: { search: $v }) { totalCount } }`, 'filter.search'],
    ['threatActors(filter.search)', `query ($v: String) { threatActors(filter: { search: $v }) { totalCount } }`, 'filter.search'],
    ['threatActorByName(name)', `query ($v: String!) { threatActorByName(name: $v) { id } }`, 'name'],
    ['search(query)', `query ($v: String!) { search(query: $v) { totalCount } }`, 'query'],
    ['sourceArticles(filter.search)', `query ($v: String) { sourceArticles(filter: { search: $v }) { totalCount } }`, 'filter.search'],
  ])('filter %s refuses NUL and lone surrogates', async (_name, query, field) => {
    for (const value of [NUL, LONE_SURROGATE]) {
      const res = await t.gql(query, { v: value });
      expect(res.status).toBeLessThan(500);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual([ErrorCode.BadUserInput]);
      expect(res.errors![0].message.startsWith(`${field} contains`)).toBe(true);
    }
  });

  it.each([
    [{ started: { on: '0000' } }, 'input.started.on has the year 0000'],
    [{ started: { from: '0000-01-01' } }, 'input.started.from has the year 0000'],
    [{ disclosed: { to: '0000-12' } }, 'input.disclosed.to has the year 0000'],
  ])('createIncident refuses the year 0 in a date span: %j', async (dates, message) => {
    const before = await countRows(t, 'incident');
    const res = await createIncidentWith({ title: 'Dated', ...dates });
    expectError(res, ErrorCode.BadUserInput, new RegExp(`^${message.replace(/\./g, '\\.')}`));
    expect(res.errors![0].message).not.toMatch(POSTGRES_TEXT);
    expect(await countRows(t, 'incident')).toBe(before);
  });

  it.each([
    ['0000-01-01T00:00:00Z', /^input\.retrievedAt is out of range: dates must fall between the years 0001 and 9999$/],
    ['+010000-01-01T00:00:00Z', /^input\.retrievedAt|DateTime/],
  ])('createSourceArticle refuses retrievedAt %s, beyond what PostgreSQL stores', async (retrievedAt, message) => {
    const before = await countRows(t, 'source_article');
    const res = await t.gql(`mutation ($input: CreateSourceArticleInput!) { createSourceArticle(input: $input) { id } }`,
      { input: { title: 'Old news', retrievedAt } });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual([ErrorCode.BadUserInput]);
    expect(res.errors![0].message).toMatch(message);
    expect(res.errors![0].message).not.toMatch(POSTGRES_TEXT);
    expect(await countRows(t, 'source_article')).toBe(before);
  });

  it.each([
    [`{ incidents(filter: { occurredFrom: "0000" }) { totalCount } }`, /^filter\.occurredFrom has the year 0000/],
    [`{ attributions(asOf: "0000-06-01") { totalCount } }`, /^asOf has the year 0000|^asOf must be/],
    [`{ incidentStats { timeline(interval: YEAR, from: "0000") { buckets { count } } } }`, /from has the year 0000/],
  ])('date filters refuse the year 0: %s', async (query, message) => {
    const res = await t.gql(query);
    expect(res.status).toBeLessThan(500);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual([ErrorCode.BadUserInput]);
    expect(res.errors![0].message).toMatch(message);
  });
});

const schema = buildSchema(readFileSync(join(process.cwd(), 'schema.graphql'), 'utf8'));

/** A value of the right type, so that only the checks on the one broken field can refuse a call. */
const sample = (type: GraphQLInputType) => sampleValue(type, 'Sample text');

/** Every text the field takes (String and ID, in input objects and lists too) by its path: "input.targets[0].sector". */
function textPaths(type: GraphQLInputType, path: string, depth = 0): { path: string; set: (root: unknown, value: string) => unknown }[] {
  const named = getNamedType(type);
  const inList = isListType(isNonNullType(type) ? type.ofType : type);
  const here = inList ? `${path}[0]` : path;
  const wrap = (value: unknown) => (inList ? [value] : value);
  if (isScalarType(named) && (named.name === 'String' || named.name === 'ID')) return [{ path: here, set: (_root, value) => wrap(value) }];
  if (!isInputObjectType(named) || depth > 3) return [];
  return Object.values(named.getFields()).flatMap((field) =>
    textPaths(field.type, `${here}.${field.name}`, depth + 1).map((inner) => ({
      path: inner.path,
      set: (_root: unknown, value: string) => wrap({ ...(sample(named) as object), [field.name]: inner.set(undefined, value) }),
    })));
}

/** Every root field of Query and Mutation with, for each text it takes, a call that puts `value` there and valid values elsewhere. */
function textInputCalls(value: string) {
  const roots = [['query', schema.getQueryType()!], ['mutation', schema.getMutationType()!]] as const;
  return roots.flatMap(([operation, root]) => Object.values(root.getFields()).flatMap((field: GraphQLField<unknown, unknown>) =>
    field.args.flatMap((arg) => textPaths(arg.type, arg.name).map(({ path, set }) => {
      const args = field.args.filter((a) => a === arg || (isNonNullType(a.type) && a.defaultValue === undefined));
      const declared = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
      const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
      return {
        name: `${operation} ${field.name}(${path})`,
        path,
        mutation: operation === 'mutation',
        query: `${operation} (${declared}) { ${field.name}(${passed})${selection} }`,
        variables: Object.fromEntries(args.map((a) => [a.name, a === arg ? set(undefined, value) : sample(a.type)])),
      };
    }))));
}

describe('every text input and filter of the schema: a NUL or a lone surrogate is BAD_USER_INPUT naming the field, nothing written', () => {
  const calls = textInputCalls(NUL);
  let tables: string[];
  const rowCounts = async (): Promise<Record<string, number>> => {
    const [row] = await t.dataSource.query(`SELECT ${tables.map((name) => `(SELECT count(*)::int FROM "${name}") AS "${name}"`).join(', ')}`);
    return row;
  };
  beforeAll(async () => {
    tables = (await t.dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`))
      .map((r: { tablename: string }) => r.tablename);
  });

  it('walks every one of them', () => {
    // The review counted 34 text inputs and 11 filters; the schema has grown since.
    expect(calls.filter((c) => c.mutation).length).toBeGreaterThan(34);
    expect(calls.filter((c) => !c.mutation).length).toBeGreaterThan(11);
  });

  it.each([['a NUL byte', NUL], ['a lone surrogate', LONE_SURROGATE]])('%s in each', async (_what, value) => {
    const failures: string[] = [];
    let refusals = 0;
    const before = await rowCounts();
    for (const call of textInputCalls(value)) {
      const res = await t.gql(call.query, call.variables);
      const error = res.errors?.[0];
      // Our check names the field by its path (extensions.field).
      // class-validator, when it refuses the same field first, lists it in extensions.fields by a
      // path that may start inside the argument, with list items as ".0" or as the list itself.
      const bare = (path: string) => path.replace(/\[\d+\]|\.\d+(?=\.|$)/g, '');
      const names = [bare(call.path), bare(call.path).replace(/^[^.]+\./, '')];
      const named = error?.extensions?.field === call.path
        || (error?.extensions?.fields as { field: string }[] | undefined)?.some((f) => names.includes(bare(f.field)));
      const codes = (res.errors ?? []).map((e) => e.extensions?.code).join('+') || 'OK';
      if (res.status >= 500 || codes !== ErrorCode.BadUserInput || !named) failures.push(`${call.name}: ${res.status} ${codes} (${error?.message})`);
      else refusals += 1;
    }
    expect(failures).toEqual([]);
    expect(await rowCounts()).toEqual(before);
    const inMutations = calls.filter((c) => c.mutation).length;
    console.log(`${_what}: ${refusals} text inputs and filters (${inMutations} of mutations, ${calls.length - inMutations} of queries) refused with BAD_USER_INPUT naming the field`);
  }, 180_000);
});

describe('database errors reach a client in the project\'s words only', () => {

  /** The error PostgreSQL raises for `sql`, as the API's data source sees it. */
  async function databaseError(sql: string, params: unknown[] = []): Promise<QueryFailedError> {
    const error = await t.dataSource.query(sql, params).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    return error as QueryFailedError;
  }

  it('a campaign deleted while an incident is created under it: NOT_FOUND, nothing written', async () => {
    const campaign = await createCampaign(t);
    // The race, made certain: the campaign disappears after the service has checked it and
    // before the incident row is inserted, as when another request deletes it in between.
    await t.dataSource.query(`
      CREATE FUNCTION test_race_delete_campaign() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN DELETE FROM campaign WHERE id = NEW.campaign_id; RETURN NEW; END $$;
      CREATE TRIGGER test_race BEFORE INSERT ON incident FOR EACH ROW EXECUTE FUNCTION test_race_delete_campaign();`);
    try {
      const before = await countRows(t, 'incident');
      const res = await t.gql(`mutation ($input: CreateIncidentInput!) { createIncident(input: $input) { id } }`,
        { input: { title: 'Raced', campaignId: campaign.id, targets: [{ sector: 'Energy' }] } });
      expectError(res, ErrorCode.NotFound, /^The campaign this refers to does not exist \(it may have just been deleted\)$/);
      expect(res.errors![0].extensions).toMatchObject({ type: 'campaign' });
      expect(JSON.stringify(res.errors)).not.toMatch(POSTGRES_TEXT);
      expect(await countRows(t, 'incident')).toBe(before);
      expect(await countRows(t, 'incident_target')).toBe(0);
    } finally {
      await t.dataSource.query(`DROP TRIGGER test_race ON incident; DROP FUNCTION test_race_delete_campaign();`);
    }
  });

  it('maps each kind of PostgreSQL error to a code and the project\'s words', async () => {
    const incident = await createIncident(t);
    const actor = await createActor(t);
    const party = await createOrganization(t);
    await t.dataSource.query(`INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id) VALUES ($1, $2, $3)`,
      [incident.id, actor.id, party.id]);
    // An ON DELETE RESTRICT key (SQLSTATE 23001, not 23503): the responder of a response.
    const responder = await createOrganization(t);
    await t.dataSource.query(`INSERT INTO response (responder_organization_id, kind, incident_id) VALUES ($1, 'STATEMENT', $2)`,
      [responder.id, incident.id]);
    const cases: [string, unknown[], string][] = [
      [`SELECT '0000-01-01'::date`, [], ErrorCode.BadUserInput],
      [`SELECT 'not-a-uuid'::uuid`, [], ErrorCode.BadUserInput],
      [`SELECT 2147483648::int4`, [], ErrorCode.BadUserInput],
      [`SELECT convert_from('\\x00'::bytea, 'UTF8')`, [], ErrorCode.BadUserInput],
      [`INSERT INTO incident_target (incident_id, sector) VALUES (gen_random_uuid(), 'x')`, [], ErrorCode.NotFound],
      [`DELETE FROM threat_actor WHERE id = $1`, [actor.id], ErrorCode.Conflict],
      [`DELETE FROM organization WHERE id = $1`, [responder.id], ErrorCode.Conflict],
      [`INSERT INTO campaign (id, name) SELECT id, name FROM campaign LIMIT 1`, [], ErrorCode.Conflict],
      [`INSERT INTO incident (title) VALUES (NULL)`, [], ErrorCode.BadUserInput],
    ];
    await createCampaign(t);
    for (const [sql, params, code] of cases) {
      const error = await databaseError(sql, params);
      const mapped = fromDatabaseError(error);
      expect({ sql, code: mapped?.extensions?.code }).toEqual({ sql, code });
      expect(mapped!.message).not.toMatch(POSTGRES_TEXT);
      expect(mapped!.message).not.toContain(error.message);
    }
  });

  it('leaves faults it does not know (a missing table) to INTERNAL_SERVER_ERROR, logged, not shown', async () => {
    expect(fromDatabaseError(await databaseError(`SELECT * FROM no_such_table`))).toBeUndefined();
  });
});
