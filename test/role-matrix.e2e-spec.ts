/**
 * Issue 12 §1: every mutation in schema.graphql, called anonymously and with every role below
 * the one it needs, is refused (UNAUTHENTICATED / FORBIDDEN) with nothing written; with the
 * role it needs it gets past the gate; a representative set succeeds. Also PUBLIC_READ, bad and
 * revoked tokens.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GraphQLField, GraphQLInputType, buildSchema, getNamedType, isLeafType, isNonNullType,
} from 'graphql';
import { AccountService } from '../src/auth/account.service';
import { checkMutation } from '../src/auth/auth.plugin';
import { MUTATION_ROLES, mutationRule } from '../src/auth/mutation-roles';
import { ROLES, Role } from '../src/auth/role';
import { countRows, createActor, createAttribution, createIncident, createOrganization, expectError, unknownId } from './mutations-helpers';
import { gqlWithHeaders } from './support/gql-as';
import { sampleValue } from './support/schema-samples';
import { GraphQLClient, TestApp, errorCodes, startTestApp } from './support/test-app';

const schema = buildSchema(readFileSync(join(process.cwd(), 'schema.graphql'), 'utf8'));
const mutations = Object.values(schema.getMutationType()!.getFields());

/** A value of the right type for every required argument, so that only the gate can stop the call. */
const sample = (type: GraphQLInputType) => sampleValue(type, 'role matrix');

function call(field: GraphQLField<unknown, unknown>): { query: string; variables: Record<string, unknown> } {
  const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const declared = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return {
    query: `mutation${declared ? ` (${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`,
    variables: Object.fromEntries(args.map((a) => [a.name, sample(a.type)])),
  };
}

describe('role matrix: every mutation declares its role, and the gate enforces it', () => {
  let t: TestApp;
  let clients: Record<Role, GraphQLClient>;
  let tables: string[];
  /** Rows in every table of the database, the change log and accounts included. */
  const rowCounts = async (): Promise<Record<string, number>> => {
    const [row] = await t.dataSource.query(`SELECT ${tables.map((name) => `(SELECT count(*)::int FROM "${name}") AS "${name}"`).join(', ')}`);
    return row;
  };

  beforeAll(async () => {
    t = await startTestApp();
    clients = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await t.as(role)]))) as Record<Role, GraphQLClient>;
    tables = (await t.dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`))
      .map((r: { tablename: string }) => r.tablename);
    // Something for the update, link and delete mutations to find, were they let through.
    await createOrganization(t, { name: 'Matrix Agency' });
  });
  afterAll(() => t.close());

  it('the role table lists exactly the mutations of schema.graphql', () => {
    expect(mutations.length).toBeGreaterThan(30);
    expect(mutations.map((m) => m.name).filter((name) => !mutationRule(name))).toEqual([]);
    expect(Object.keys(MUTATION_ROLES).filter((name) => !schema.getMutationType()!.getFields()[name])).toEqual([]);
    expect(tables).toEqual(expect.arrayContaining(['account', 'change_log', 'incident', 'statement_incident']));
  });

  it.each(mutations.map((m) => [m.name, m]))('%s: refused for anonymous and lower roles, nothing written; the required role passes the gate', async (_name, field) => {
    const { query, variables } = call(field as GraphQLField<unknown, unknown>);
    const required = mutationRule(field.name)!.role;
    const before = await rowCounts();

    const anonymous = await t.anonymous.gql(query, variables);
    expectError(anonymous, 'UNAUTHENTICATED', new RegExp(`${field.name} needs an account with the ${required} role`));
    expect(anonymous.status).toBe(401);
    for (const role of ROLES.slice(0, ROLES.indexOf(required))) {
      const refused = await clients[role].gql(query, variables);
      expectError(refused, 'FORBIDDEN', new RegExp(`${field.name} needs the ${required} role; this account is ${role}`));
      expect(refused.status).toBe(403);
    }
    expect(await rowCounts()).toEqual(before);

    // The gate opens for the required role (the call may still fail on its made-up ids: NOT_FOUND …).
    const allowed = await clients[required].gql(query, variables);
    expect(errorCodes(allowed)).not.toContain('UNAUTHENTICATED');
    expect(errorCodes(allowed)).not.toContain('FORBIDDEN');
  });

  it('a mutation missing from the table would be refused for everyone, admins included', () => {
    expect(() => checkMutation('launchMissiles', { id: unknownId(), name: 'root', role: Role.Admin }))
      .toThrow(/launchMissiles declares no required role \(src\/auth\/mutation-roles.ts\), so nobody may call it/);
    expect(() => checkMutation('createOrganization', { id: unknownId(), name: 'c', role: Role.Contributor })).not.toThrow();
  });

  it('the required roles write: contributor creates and updates, editor deletes, and retracting needs an editor', async () => {
    const contributor = clients[Role.Contributor];
    const { createOrganization: created } = await contributor.data(
      `mutation { createOrganization(input: { name: "Contributor Agency", kind: GOVERNMENT }) { id name } }`,
    );
    await contributor.data(`mutation ($id: ID!) { updateOrganization(input: { id: $id, sector: "Defence" }) { id } }`, { id: created.id });
    expectError(await contributor.gql(`mutation ($id: ID!) { deleteOrganization(id: $id) }`, { id: created.id }), 'FORBIDDEN', /deleteOrganization needs the editor role/);
    expect(await countRows(t, 'organization', 'id = $1', [created.id])).toBe(1);
    expect(await clients[Role.Editor].data(`mutation ($id: ID!) { deleteOrganization(id: $id) }`, { id: created.id }))
      .toEqual({ deleteOrganization: created.id });
    expect(await countRows(t, 'organization', 'id = $1', [created.id])).toBe(0);

    const party = await createOrganization(t, { name: 'Retracting Agency' });
    const actor = await createActor(t, { name: 'Matrix Bear' });
    const incident = await createIncident(t, { title: 'Matrix incident' });
    const attribution = await createAttribution(t, { incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: party.id });
    const retract = (client: GraphQLClient) =>
      client.gql(`mutation ($id: ID!) { updateAttribution(input: { id: $id, status: RETRACTED }) { status } }`, { id: attribution.id });
    const revisions = await countRows(t, 'attribution_revision');
    expectError(await retract(contributor), 'FORBIDDEN', /retracting an attribution \(status RETRACTED\) needs the editor role; this account is contributor/);
    expect(await countRows(t, 'attribution_revision')).toBe(revisions);
    await contributor.data(`mutation ($id: ID!) { updateAttribution(input: { id: $id, confidence: 70 }) { id } }`, { id: attribution.id });
    expect((await retract(clients[Role.Editor])).data).toEqual({ updateAttribution: { status: 'RETRACTED' } });
  });

  it('one refused mutation refuses the whole request: the allowed one before it writes nothing', async () => {
    const before = await rowCounts();
    const response = await clients[Role.Contributor].gql(`mutation ($id: ID!) {
      a: createOrganization(input: { name: "Never Written", kind: GOVERNMENT }) { id }
      b: deleteOrganization(id: $id) }`, { id: unknownId() });
    expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    expect(response.data ?? null).toBeNull();
    expect(await rowCounts()).toEqual(before);
  });

  it('reads: anonymous by default (PUBLIC_READ), every role; a bad, malformed or revoked token is UNAUTHENTICATED even for reads', async () => {
    const read = `{ organizations(first: 1) { totalCount } }`;
    expect((await t.anonymous.data(read)).organizations.totalCount).toBeGreaterThan(0);
    for (const role of ROLES) expect((await clients[role].gql(read)).errors).toBeUndefined();

    expectError(await gqlWithHeaders(t, { authorization: 'Bearer at_not-a-real-token' }, read), 'UNAUTHENTICATED', /token is not valid \(unknown or revoked\)/);
    expectError(await gqlWithHeaders(t, { authorization: 'Basic dXNlcjpwYXNz' }, read), 'UNAUTHENTICATED', /must be "Bearer <token>"/);
    expectError(await gqlWithHeaders(t, { authorization: `Bearer ${t.token}x` }, read), 'UNAUTHENTICATED', /token is not valid/);

    const leaver = await t.asAccount('Leaving Analyst', Role.Editor);
    expect((await leaver.gql(read)).errors).toBeUndefined();
    const revoked = await t.app.get(AccountService).revoke('leaving analyst');
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    const listed = await t.app.get(AccountService).list();
    expect(listed.find((a) => a.name === 'Leaving Analyst')).toMatchObject({ role: Role.Editor, revokedAt: expect.any(Date) });
    expect(listed.find((a) => a.name === 'test contributor')).toMatchObject({ revokedAt: null });
    expect(JSON.stringify(listed)).not.toMatch(/tokenHash|token_hash/);
    expectError(await leaver.gql(read), 'UNAUTHENTICATED', /token is not valid \(unknown or revoked\)/);
    expectError(await leaver.gql(`mutation { createOrganization(input: { name: "Too Late", kind: NGO }) { id } }`), 'UNAUTHENTICATED', /not valid/);
    await expect(t.app.get(AccountService).revoke('Leaving Analyst')).rejects.toThrow(/was already revoked/);
  });

  it('accounts: names are unique regardless of case; unknown roles and empty names are refused; tokens are stored hashed', async () => {
    const accounts = t.app.get(AccountService);
    await expect(accounts.create('TEST ADMIN', 'admin')).rejects.toThrow(/An account named "TEST ADMIN" already exists/);
    await expect(accounts.create('Someone', 'owner')).rejects.toThrow(/role must be one of reader, contributor, editor, admin, got "owner"/);
    await expect(accounts.create('  ', 'reader')).rejects.toThrow(/name must be 1 to 100 characters/);
    const { token, account } = await accounts.create('Hash Check', 'reader');
    expect(token).toMatch(/^at_[A-Za-z0-9_-]{43}$/);
    const [stored] = await t.dataSource.query(`SELECT encode(token_hash, 'hex') AS hash FROM account WHERE id = $1`, [account.id]);
    expect(stored.hash).toHaveLength(64);
    expect(JSON.stringify(await t.dataSource.query(`SELECT * FROM account`))).not.toContain(token.slice(3));
  });
});

describe('PUBLIC_READ off: every read needs an account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ publicRead: false });
  });
  afterAll(() => t.close());

  it('anonymous reads are UNAUTHENTICATED; a reader reads', async () => {
    const read = `{ incidents(first: 1) { totalCount } }`;
    expectError(await t.anonymous.gql(read), 'UNAUTHENTICATED', /Reading needs an account on this server \(PUBLIC_READ is off\)/);
    expectError(await t.anonymous.gql(`{ __typename }`), 'UNAUTHENTICATED', /PUBLIC_READ is off/);
    expectError(await t.anonymous.gql(`mutation { __typename }`), 'UNAUTHENTICATED', /PUBLIC_READ is off/);
    expect((await (await t.as(Role.Reader)).data(read)).incidents.totalCount).toBe(0);
    expectError(await (await t.as(Role.Reader)).gql(`mutation { createCampaign(input: { name: "Nope" }) { id } }`), 'FORBIDDEN', /needs the contributor role/);
  });
});
