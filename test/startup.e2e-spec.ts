import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './support/processes';

/** Every process a test started, so that a failed test leaves none running (with its embedded PostgreSQL). */
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * The real entry point, run as `npm start` runs it (scripts/launch.js on dist/), in a child process.
 * Through ts-node every start compiled the whole app again.
 */
function startMain(env: Record<string, string | undefined>, script = 'dist/src/main.js', args: string[] = []): { child: ChildProcess; output: () => { stdout: string; stderr: string } } {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  delete clean.NODE_OPTIONS;
  const child = spawn(process.execPath, ['scripts/launch.js', script, ...args], {
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, output: () => ({ stdout, stderr }) };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

/** The first start may rebuild dist/ (a minute or more on the shared 2-core machine). */
async function waitFor(predicate: () => boolean, what: string, timeoutMs = 180_000, context = ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

async function graphql(port: number, query: string, token?: string): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

// The commands run from dist/ as `npm run …` runs them: build it first if the sources changed.
beforeAll(() => ensureBuilt(), 600_000);

describe('start-up', () => {
  it.each([
    ['not a URL', 'nonsense', /^Configuration error: DATABASE_URL is not a URL/],
    ['another database', 'mysql://root@localhost/db', /^Configuration error: DATABASE_URL must start with postgres:\/\//],
    ['no server there', 'postgres://postgres:secret@127.0.0.1:1/nowhere', /^Could not start: cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere/],
  ])('fails fast with one clear line when DATABASE_URL is wrong (%s)', async (_case, url, message) => {
    const { child, output } = startMain({ DATABASE_URL: url });
    expect(await exitOf(child)).toBe(1);
    const lines = output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).not.toContain('secret');
  });

  it('fails fast on a bad PORT', async () => {
    const { child, output } = startMain({ DATABASE_URL: 'postgres://x@127.0.0.1/db', PORT: 'eighty' });
    expect(await exitOf(child)).toBe(1);
    expect(output().stderr.trim()).toBe('Configuration error: PORT must be a whole number from 0 to 65535, got "eighty"');
  });

  it('with no DATABASE_URL: starts an embedded PostgreSQL, seeds it, serves the graph to anyone, takes an account to write, keeps the data across restarts and stops cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'attribution-tracker-start-'));
    chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user, which must reach the data folder
    const [port, pgPort] = [await freePort(), await freePort()];
    const env = { PORT: String(port), EMBEDDED_PG_DIR: join(dataDir, 'pg'), EMBEDDED_PG_PORT: String(pgPort) };
    try {
      const first = startMain(env);
      await waitFor(() => first.output().stdout.includes('GraphiQL at') || first.child.exitCode !== null, 'the first start');
      expect(first.output()).toMatchObject({ stdout: expect.stringContaining('GraphiQL at') });
      expect(first.output().stdout).toContain('Loaded the founding articles');
      const seeded = await graphql(port, '{ threatActorByName(name: "Fancy Bear") { name } sourceArticles { totalCount } }');
      expect(seeded.data).toEqual({ threatActorByName: { name: 'APT28' }, sourceArticles: { totalCount: 2 } });
      const create = 'mutation { createOrganization(input: { name: "Kept across restarts", kind: OTHER }) { id } }';
      expect((await graphql(port, create)).errors[0].extensions.code).toBe('UNAUTHENTICATED');

      first.child.kill('SIGINT'); // Ctrl-C: exits with 0 or the conventional 128 + 2
      expect([0, 130]).toContain(await exitOf(first.child));
      expect(await portIsOpen(pgPort)).toBe(false); // the embedded server stopped with the API

      // The documented extra step: create an account (server stopped: one embedded server per data folder).
      const command = startMain(env, 'dist/src/auth/account.command.js', ['create', '--name', 'Starter', '--role', 'contributor']);
      expect(await exitOf(command.child)).toBe(0);
      const token = /\bat_[\w-]{43}\b/.exec(command.output().stdout)?.[0];
      expect(token).toBeDefined();
      const badRole = startMain(env, 'dist/src/auth/account.command.js', ['create', '--name', 'Other', '--role', 'owner']);
      expect(await exitOf(badRole.child)).toBe(1);
      expect(badRole.output().stderr.split('\n')[0]).toBe('account: --role must be one of reader, contributor, editor, admin, got "owner"');
      const listed = startMain(env, 'dist/src/auth/account.command.js', ['list']);
      expect(await exitOf(listed.child)).toBe(0);
      expect(listed.output().stdout).toMatch(/^Starter +contributor +created \S+ +active$/m);
      expect(listed.output().stdout).not.toContain(token!.slice(3));

      const second = startMain(env);
      await waitFor(() => second.output().stdout.includes('GraphiQL at') || second.child.exitCode !== null, 'the second start');
      expect(second.output()).toMatchObject({ stdout: expect.stringContaining('GraphiQL at') });
      expect(second.output().stdout).not.toContain('Loaded the founding articles');
      expect((await graphql(port, create, token)).data.createOrganization.id).toBeDefined();
      const kept = await graphql(port, '{ organizations(filter: { search: "Kept across" }) { totalCount } sourceArticles { totalCount } }');
      expect(kept.data).toEqual({ organizations: { totalCount: 1 }, sourceArticles: { totalCount: 2 } });
      second.child.kill('SIGTERM');
      expect([0, 143]).toContain(await exitOf(second.child));
      expect(await portIsOpen(pgPort)).toBe(false);

      // account:revoke (the token's refusal on the next request, and the list showing it revoked: test/role-matrix).
      const revoke = startMain(env, 'dist/src/auth/account.command.js', ['revoke', '--name', 'starter']);
      expect(await exitOf(revoke.child)).toBe(0);
      expect(revoke.output().stdout.trim()).toBe('Revoked account "Starter": its token no longer works.');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);
});
