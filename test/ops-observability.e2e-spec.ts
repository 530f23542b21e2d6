import { INestApplication } from '@nestjs/common';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createApp } from '../src/app';
import { AccountService } from '../src/auth/account.service';
import { Role } from '../src/auth/role';
import { countImportedRows } from '../src/observability/metrics';
import { createScratchDatabase } from './support/test-app';

/** JSON request logs with the request id, operation, duration and outcome; Prometheus /metrics. */
describe('observability', () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let app: INestApplication;
  let base: string;
  const lines: Record<string, any>[] = [];

  beforeAll(async () => {
    database = await createScratchDatabase();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    app = await createApp({ databaseUrl: database.url, log: pino({ level: 'info' }, sink) });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('echoes a well-formed X-Request-Id and logs one JSON line per request with operation, duration and outcome', async () => {
    const ok = await post({ query: 'query CountArticles { sourceArticles { totalCount } }' }, { 'x-request-id': 'trace-42' });
    expect(ok.headers.get('x-request-id')).toBe('trace-42');
    const bad = await post({ query: 'query MissingActor { threatActor(id: "00000000-0000-4000-8000-000000000000") { name } }' });
    const generated = bad.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await post({ query: '{ __typename }' }, { 'x-request-id': 'bad id with spaces' });
    expect(forged.headers.get('x-request-id')).not.toBe('bad id with spaces');

    const requestLines = lines.filter((l) => l.msg === 'request completed');
    const first = requestLines.find((l) => l.req.id === 'trace-42');
    expect(first).toMatchObject({ level: 30, operation: 'CountArticles', outcome: 'ok', errorCodes: [], res: { statusCode: 200 } });
    expect(typeof first!.responseTime).toBe('number');
    expect(requestLines.find((l) => l.req.id === generated)).toMatchObject({ operation: 'MissingActor', outcome: 'error', errorCodes: ['NOT_FOUND'] });
  });

  it('echoes the request id on every response: a page, a download, an unknown route', async () => {
    for (const path of ['/dashboard', '/stix/bundle', '/export/incidents.csv', '/no-such-page']) {
      const res = await fetch(`${base}${path}`, { headers: { 'x-request-id': 'trace-page-1' } });
      await res.arrayBuffer();
      expect({ path, id: res.headers.get('x-request-id') }).toEqual({ path, id: 'trace-page-1' });
    }
    // and each has its log line, the streamed downloads included, once their response has ended.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const logged = lines.filter((l) => l.msg === 'request completed' && l.req?.id === 'trace-page-1');
    expect(logged.map((l) => [l.req.url, l.res.statusCode]).sort()).toEqual([
      ['/dashboard', 200], ['/export/incidents.csv', 200], ['/no-such-page', 404], ['/stix/bundle', 200],
    ]);
  });

  it('logs a fault once, with the id of its request line, the stack for the operator and nothing of it for the client', async () => {
    const { DataSource } = await import('typeorm');
    const dataSource = app.get(DataSource);
    // A fault no input can cause: the table the query reads is gone (renamed back at once).
    await dataSource.query('ALTER TABLE campaign RENAME TO campaign_away');
    let body: any;
    try {
      body = await (await post({ query: 'query Broken { campaigns { totalCount } }' }, { 'x-request-id': 'fault-1' })).json();
    } finally {
      await dataSource.query('ALTER TABLE campaign_away RENAME TO campaign');
    }
    expect(body.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    expect(JSON.stringify(body)).not.toMatch(/relation|QueryFailedError|stack/);
    const faults = lines.filter((l) => l.context === 'GraphQL' && l.req?.id === 'fault-1');
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ level: 50, err: { message: expect.stringContaining('campaign') } });
    expect(faults[0].err.stack).toMatch(/QueryFailedError/);
    expect(lines.find((l) => l.msg === 'request completed' && l.req.id === 'fault-1')).toMatchObject({ level: 50, operation: 'Broken', errorCodes: ['INTERNAL_SERVER_ERROR'] });
  });

  it('never logs a token, nor the variables of a request (SECURITY.md)', async () => {
    const { token } = await app.get(AccountService).create('log check', Role.Contributor);
    const written = await post(
      { query: 'mutation Logged($name: String!) { createCampaign(input: { name: $name }) { id } }', variables: { name: 'Secret campaign name' } },
      { authorization: `Bearer ${token}`, 'x-request-id': 'token-check-1' },
    );
    expect((await written.json()).errors).toBeUndefined();
    const refused = await post({ query: '{ __typename }' }, { authorization: 'Bearer at_a-forged-token-that-must-not-be-logged', 'x-request-id': 'token-check-2' });
    expect(refused.status).toBe(401);
    const logged = lines.filter((l) => ['token-check-1', 'token-check-2'].includes(l.req?.id));
    expect(logged.map((l) => [l.req.id, l.operation ?? null])).toEqual([['token-check-1', 'Logged'], ['token-check-2', 'anonymous']]);
    const everything = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(everything).not.toContain(token.slice(3));
    expect(everything).not.toContain('a-forged-token');
    expect(everything).not.toMatch(/authorization/i);
    expect(everything).not.toContain('Secret campaign name');
  });

  it('/metrics: request durations by operation, errors by code, the pool, rows imported', async () => {
    await post({ query: 'query CountArticles { sourceArticles { totalCount } }' });
    countImportedRows('test-importer', 'threat_actor', 3);
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^graphql_request_duration_seconds_count\{operation="CountArticles",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^graphql_request_duration_seconds_bucket\{le="0.1",operation="CountArticles",outcome="ok"\} \d+/m);
    expect(text).toMatch(/^graphql_errors_total\{code="NOT_FOUND"\} [1-9]/m);
    expect(text).toMatch(/^db_pool_connections\{state="in_use"\} \d+/m);
    expect(text).toMatch(/^db_pool_connections\{state="waiting"\} \d+/m);
    expect(text).toMatch(/^rows_imported_total\{importer="test-importer",kind="threat_actor"\} 3$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});
