/**
 * Issue 12 §2: every create, update, delete, link and unlink is in the change log, written in
 * the same transaction, with the account, the mutation, the request id and the values before
 * and after; the log cannot be changed; `changes` filters and pages it, for editors and admins.
 */
import { UNAUDITED_TABLES } from '../migrations/1764700000000-AccountsAudit';
import { SUMMARY_TABLES } from '../migrations/1764800000000-DashboardSummaries';
import { LEXICON_TABLES } from '../migrations/1765100000004-SearchLexicon';
import { LAG_SUMMARY_TABLES } from '../migrations/1765100000005-AttributionLagCounts';
import { ACTOR_INCIDENT_TABLES } from '../migrations/1765200000021-ActorIncidentStarts';
import { SCOPE_SUMMARY_TABLES } from '../migrations/1765300000010-ScopeCounts';
import { CLAIM_CONFIDENCE_TABLES } from '../migrations/1765300000020-IncidentClaimConfidence';
import { MUTATION_ROLES } from '../src/auth/mutation-roles';
import { Role } from '../src/auth/role';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogueImportService } from '../src/catalogue/catalogue-import.service';
import { parseGalaxyCluster } from '../src/catalogue/galaxy-schema';
import { recordAs } from '../src/common/caller';
import { cite, countRows, createActor, createOrganization, createStatement, expectError, unknownId } from './mutations-helpers';
import { gqlWithHeaders } from './support/gql-as';
import { GraphQLClient, TestApp, startTestApp } from './support/test-app';

interface Entry {
  recorded_by: string; account_id: string | null; operation: string; request_id: string | null;
  entity_type: string; entity_id: string; action: string; before: any; after: any;
}

describe('change log', () => {
  let t: TestApp;
  let contributor: GraphQLClient;
  let editor: GraphQLClient;
  let contributorId: string;
  const entries = (where: string, params: unknown[] = []): Promise<Entry[]> =>
    t.dataSource.query(`SELECT recorded_by, account_id::text, operation, request_id, entity_type, entity_id, action, before, after
      FROM change_log WHERE ${where} ORDER BY id`, params);
  /** POSTs as `client` with an X-Request-Id of our choosing. */
  const withRequestId = (client: GraphQLClient, id: string, query: string, variables?: Record<string, unknown>) =>
    gqlWithHeaders(t, { authorization: `Bearer ${client.token}`, 'x-request-id': id }, query, variables);

  beforeAll(async () => {
    t = await startTestApp();
    contributor = await t.as(Role.Contributor);
    editor = await t.as(Role.Editor);
    [{ id: contributorId }] = await t.dataSource.query(`SELECT id::text FROM account WHERE name = 'test contributor'`);
  });
  afterAll(() => t.close());

  it('create, update and delete: one entry each, with account, mutation, request id, before and after', async () => {
    const created = await withRequestId(contributor, 'req-create-1',
      `mutation { createOrganization(input: { name: "Logged Agency", kind: MINISTRY, country: "NO" }) { id } }`);
    const id = created.data.createOrganization.id;
    await withRequestId(contributor, 'req-update-1', `mutation ($id: ID!) { updateOrganization(input: { id: $id, sector: "Foreign affairs" }) { id } }`, { id });
    // deleteOrganization writes outside a transaction (repository.delete): logged all the same.
    await withRequestId(editor, 'req-delete-1', `mutation ($id: ID!) { deleteOrganization(id: $id) }`, { id });

    const log = await entries(`entity_id = $1`, [id]);
    expect(log.map((e) => [e.action, e.operation, e.recorded_by, e.request_id, e.entity_type])).toEqual([
      ['INSERT', 'createOrganization', 'test contributor', 'req-create-1', 'organization'],
      ['UPDATE', 'updateOrganization', 'test contributor', 'req-update-1', 'organization'],
      ['DELETE', 'deleteOrganization', 'test editor', 'req-delete-1', 'organization'],
    ]);
    expect(log[0].account_id).toBe(contributorId);
    expect(log[0].before).toBeNull();
    expect(log[0].after).toMatchObject({ id, name: 'Logged Agency', kind: 'MINISTRY', country_code: 'NO', sector: null });
    expect(log[1].before).toMatchObject({ sector: null });
    expect(log[1].after).toMatchObject({ sector: 'Foreign affairs' });
    expect(log[2].before).toMatchObject({ name: 'Logged Agency', sector: 'Foreign affairs' });
    expect(log[2].after).toBeNull();
    // The settings were for those transactions and statements only: nothing lingers on the pool's connections.
    const [settings] = await t.dataSource.query(`SELECT current_setting('attribution_tracker.recorded_by', true) AS who`);
    expect(settings.who ?? '').toBe('');
  });

  it('concurrent mutations of two accounts, and two mutations in one request, each record their own account, request and mutation', async () => {
    // Each mutation resolves in its own change context (src/common/caller.ts), entered and left per mutation.
    const writes = Array.from({ length: 12 }, (_, i) => {
      const client = i % 2 ? editor : contributor;
      return withRequestId(client, `req-concurrent-${i}`, `mutation ($name: String!) { createCampaign(input: { name: $name }) { id } }`, { name: `Concurrent campaign ${i}` });
    });
    const ids = (await Promise.all(writes)).map((r) => r.data.createCampaign.id as string);
    const log = await entries(`entity_type = 'campaign' AND entity_id = ANY($1) AND action = 'INSERT'`, [ids]);
    const byEntity = new Map(log.map((e) => [e.entity_id, [e.recorded_by, e.request_id, e.operation]]));
    expect(ids.map((id) => byEntity.get(id))).toEqual(ids.map((_, i) => [i % 2 ? 'test editor' : 'test contributor', `req-concurrent-${i}`, 'createCampaign']));

    const both = await withRequestId(contributor, 'req-two-mutations',
      `mutation { a: createCampaign(input: { name: "First of two" }) { id } b: createOrganization(input: { name: "Second of two", kind: MINISTRY }) { id } }`);
    const pair = await entries(`request_id = 'req-two-mutations'`);
    expect(pair.map((e) => [e.entity_id, e.operation, e.recorded_by])).toEqual([
      [both.data.a.id, 'createCampaign', 'test contributor'],
      [both.data.b.id, 'createOrganization', 'test contributor'],
    ]);
  });

  it('the recorded actor is the authenticated account: an X-Actor-Name header is ignored, and without a token nothing is written', async () => {
    const forged = { 'x-actor-name': 'Mallory' };
    const before = await countRows(t, 'change_log');
    const anonymous = await gqlWithHeaders(t, forged, `mutation { createCampaign(input: { name: "Forged campaign" }) { id } }`);
    expectError(anonymous, 'UNAUTHENTICATED', /createCampaign needs an account/);
    expect(await countRows(t, 'change_log')).toBe(before);

    const created = await gqlWithHeaders(t, { ...forged, authorization: `Bearer ${contributor.token}` },
      `mutation { createCampaign(input: { name: "Campaign with a forged actor header" }) { id } }`);
    const id = created.data.createCampaign.id;
    expect((await entries(`entity_id = $1`, [id])).map((e) => [e.recorded_by, e.account_id])).toEqual([['test contributor', contributorId]]);
    expect(await countRows(t, 'change_log', `recorded_by = 'Mallory'`)).toBe(0);
  });

  it('links and unlinks are entries of the link tables, keyed "statementId/targetId"; entityId finds them by the first id', async () => {
    const speaker = await createOrganization(t, {});
    const actor = await createActor(t, {});
    const statement = await createStatement(t, { speakerOrganizationId: speaker.id, summary: 'Linked and unlinked', sources: await cite(t, 'They did it') });
    const pair = `${statement.id}/${actor.id}`;
    await contributor.data(`mutation ($s: ID!, $a: ID!) { linkStatementToActor(statementId: $s, actorId: $a) { id } }`, { s: statement.id, a: actor.id });
    await contributor.data(`mutation ($s: ID!, $a: ID!) { unlinkStatementFromActor(statementId: $s, actorId: $a) { id } }`, { s: statement.id, a: actor.id });
    expect((await entries(`entity_id = $1`, [pair])).map((e) => [e.entity_type, e.action, e.operation, e.recorded_by])).toEqual([
      ['statement_actor', 'INSERT', 'linkStatementToActor', 'test contributor'],
      ['statement_actor', 'DELETE', 'unlinkStatementFromActor', 'test contributor'],
    ]);

    const { changes } = await editor.data(`query ($id: ID!) { changes(filter: { entityId: $id }, first: 50) {
      totalCount nodes { entityType entityId action operation recordedBy before after } } }`, { id: statement.id });
    const types = changes.nodes.map((n: { entityType: string }) => n.entityType);
    expect(types).toEqual(expect.arrayContaining(['statement', 'statement_source', 'statement_actor']));
    const unlinked = changes.nodes.find((n: { action: string; entityType: string }) => n.action === 'DELETE' && n.entityType === 'statement_actor');
    expect(JSON.parse(unlinked.before)).toEqual({ statement_id: statement.id, actor_id: actor.id });
    expect(unlinked.after).toBeNull();
  });

  it('a mutation that fails writes no entry; a multi-row change writes one entry per row, in one statement', async () => {
    const before = await countRows(t, 'change_log');
    expectError(await contributor.gql(`mutation { createOrganization(input: { name: "Bad", kind: NGO, country: "ZZ" }) { id } }`), 'BAD_USER_INPUT', /ZZ/);
    expectError(await editor.gql(`mutation ($id: ID!) { deleteCampaign(id: $id) }`, { id: unknownId() }), 'NOT_FOUND', /does not exist/);
    expect(await countRows(t, 'change_log')).toBe(before);

    await t.dataSource.transaction(async (manager) => {
      await recordAs(manager, 'import:bulk-test');
      await manager.query(`INSERT INTO campaign (name) SELECT 'Bulk campaign ' || n FROM generate_series(1, 500) n`);
      await manager.query(`UPDATE campaign SET description = 'bulk' WHERE name LIKE 'Bulk campaign %'`);
    });
    const bulk = await entries(`recorded_by = 'import:bulk-test'`);
    expect(bulk.filter((e) => e.action === 'INSERT')).toHaveLength(500);
    expect(bulk.filter((e) => e.action === 'UPDATE')).toHaveLength(500);
    expect(bulk.every((e) => e.operation === 'import:bulk-test' && e.account_id === null && e.request_id === null)).toBe(true);
    expect(bulk.find((e) => e.action === 'UPDATE')!.after.description).toBe('bulk');

    // A write with no recorder at all (raw SQL) is logged under the database user.
    await t.dataSource.query(`DELETE FROM campaign WHERE name = 'Bulk campaign 1'`);
    const [raw] = await entries(`entity_type = 'campaign' AND action = 'DELETE' AND before->>'name' = 'Bulk campaign 1'`);
    expect(raw.recorded_by).toMatch(/^sql:/);
  });

  it('imports are logged: the mutation under its admin account and request, a command-line import under its name', async () => {
    const bundle = {
      type: 'bundle', id: 'bundle--1c2d3e4f-0000-4c8e-8323-85ae32658754',
      objects: [{
        type: 'intrusion-set', spec_version: '2.1', id: 'intrusion-set--1c2d3e4f-0000-4c8e-8323-85ae32658754',
        created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', name: 'Audited Panda',
      }],
    };
    const imported = await gqlWithHeaders(t, { authorization: `Bearer ${t.token}`, 'x-request-id': 'req-import-1' },
      `mutation ($b: String!) { importStixBundle(bundle: $b) { created } }`, { b: JSON.stringify(bundle) });
    expect(imported.errors).toBeUndefined();
    expect(imported.data.importStixBundle.created).toBe(1);
    const viaApi = await entries(`request_id = 'req-import-1'`);
    expect(viaApi.length).toBeGreaterThan(0);
    expect(new Set(viaApi.map((e) => `${e.recorded_by} ${e.operation}`))).toEqual(new Set(['test admin importStixBundle']));
    expect(viaApi.find((e) => e.entity_type === 'threat_actor' && e.action === 'INSERT')?.after).toMatchObject({ name: 'Audited Panda' });

    const files = ['misp-threat-actor-small.json'].map((name) => {
      const path = join(process.cwd(), 'test/fixtures', name);
      return { name: path, cluster: parseGalaxyCluster(readFileSync(path, 'utf8'), path) };
    });
    const [{ last }] = await t.dataSource.query(`SELECT coalesce(max(id), 0)::text AS last FROM change_log`);
    await new CatalogueImportService(t.dataSource).import(files);
    const viaCommand = await entries(`id > $1`, [last]);
    expect(viaCommand.length).toBeGreaterThan(0);
    expect(new Set(viaCommand.map((e) => `${e.recorded_by} ${e.operation} ${e.account_id}`))).toEqual(new Set(['import:actors import:actors null']));
    expect(viaCommand.map((e) => e.entity_type)).toEqual(expect.arrayContaining(['threat_actor', 'actor_alias', 'actor_catalogue_record']));
  });

  it('is append-only: UPDATE, DELETE and TRUNCATE are refused even in SQL, and no mutation touches it', async () => {
    const before = await countRows(t, 'change_log');
    for (const sql of [`UPDATE change_log SET recorded_by = 'someone else'`, `DELETE FROM change_log`, `TRUNCATE change_log`]) {
      await expect(t.dataSource.query(sql)).rejects.toThrow(/the change log is append-only/);
    }
    expect(await countRows(t, 'change_log')).toBe(before);
    expect(Object.keys(MUTATION_ROLES).filter((name) => /change|log|audit/i.test(name))).toEqual([]);
    // Nor does any code of the API: nothing under src/ writes the log, switches it off or disables triggers.
    const sources = readdirSync(join(process.cwd(), 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => [file, readFileSync(join(process.cwd(), 'src', file), 'utf8')] as const);
    expect(sources.length).toBeGreaterThan(50);
    const tampering = /(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE|ALTER\s+TABLE)\s+"?change_log\b|attribution_tracker\.audit|session_replication_role|DISABLE\s+TRIGGER/i;
    expect(sources.filter(([, text]) => tampering.test(text)).map(([file]) => file)).toEqual([]);
  });

  it("only a session that sets attribution_tracker.audit = 'off' (the benchmark generator) writes unlogged, and only itself", async () => {
    const before = await countRows(t, 'change_log');
    await t.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('attribution_tracker.audit', 'off', true)`);
      await manager.query(`INSERT INTO campaign (name) VALUES ('Generated campaign')`);
    });
    expect(await countRows(t, 'change_log')).toBe(before);
    await t.data(`mutation { createCampaign(input: { name: "Logged again" }) { id } }`);
    expect(await countRows(t, 'change_log')).toBe(before + 1);
  });

  it('every table of the graph carries the change triggers', async () => {
    const unaudited: { relname: string }[] = await t.dataSource.query(`
      SELECT c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
       WHERE ns.nspname = current_schema() AND c.relkind = 'r'
         AND (SELECT count(*) FROM pg_trigger tg WHERE tg.tgrelid = c.oid AND tg.tgname LIKE 'record_change_%') <> 3
       ORDER BY 1`);
    // The logs themselves, the dashboard's derived counts and the search lexicon; every table of facts is logged.
    expect(unaudited.map((r) => r.relname).sort()).toEqual(
      [...UNAUDITED_TABLES, ...SUMMARY_TABLES, ...LAG_SUMMARY_TABLES, ...LEXICON_TABLES, ...ACTOR_INCIDENT_TABLES, ...SCOPE_SUMMARY_TABLES, ...CLAIM_CONFIDENCE_TABLES]
        .filter((n) => n !== 'typeorm_metadata').sort(),
    );
  });

  it('changes: filters by account, operation and since, pages newest first, for editors and admins only', async () => {
    const start = new Date();
    for (const name of ['Paged One', 'Paged Two', 'Paged Three']) {
      await contributor.data(`mutation ($name: String!) { createCampaign(input: { name: $name }) { id } }`, { name });
    }
    const page = (after?: string) => editor.data(`query ($since: DateTime!, $after: String) {
      changes(filter: { account: "test contributor", operation: "createCampaign", since: $since }, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { entityType recordedBy requestId after } } }`, { since: start.toISOString(), after });
    const first = (await page()).changes;
    expect(first.totalCount).toBe(3);
    expect(first.nodes.map((n: { after: string }) => JSON.parse(n.after).name)).toEqual(['Paged Three', 'Paged Two']);
    expect(first.nodes.every((n: { requestId: string | null }) => typeof n.requestId === 'string' && n.requestId.length > 0)).toBe(true);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first.pageInfo.endCursor)).changes;
    expect(second.nodes.map((n: { after: string }) => JSON.parse(n.after).name)).toEqual(['Paged One']);
    expect(second.pageInfo.hasNextPage).toBe(false);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await t.data(`query ($s: DateTime!) { changes(filter: { since: $s }) { totalCount } }`, { s: future })).changes.totalCount).toBe(0);
    expect((await t.data(`{ changes(filter: { account: "nobody at all" }) { totalCount } }`)).changes.totalCount).toBe(0);

    const read = `{ changes(first: 1) { totalCount } }`;
    const refused = await contributor.gql(read);
    expectError(refused, 'FORBIDDEN', /changes needs the editor role; this account is contributor/);
    expect(refused.status).toBe(200); // a field error: the other fields of the query still answer
    expectError(await (await t.as(Role.Reader)).gql(read), 'FORBIDDEN', /changes needs the editor role/);
    expectError(await t.anonymous.gql(read), 'UNAUTHENTICATED', /changes needs an account with the editor role/);
    expect((await t.data(read)).changes.totalCount).toBeGreaterThan(0);
  });
});
