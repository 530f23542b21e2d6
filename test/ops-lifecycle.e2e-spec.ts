import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from './support/test-app';
import { answers, descendantsOf, exitOf, freePort, isAlive, portIsOpen, processesMatching, run, startMain, waitFor } from './support/processes';

/** A POST whose body arrives in two halves, so the request is in flight for as long as the test likes. */
function slowRequest(port: number, query: string): { sendRest: () => void; answer: Promise<{ status: number; body: string }> } {
  const body = JSON.stringify({ query });
  const half = Math.floor(body.length / 2);
  let sendRest = () => undefined as void;
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, half));
    sendRest = () => void req.end(body.slice(half));
  });
  return { sendRest, answer };
}

function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user, which must reach the data folder
  return dir;
}

describe('shutdown and restarts', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s (twice): the requests in flight all complete (with data from the database), then new connections are refused', async (signal) => {
    const database = await createScratchDatabase();
    const port = await freePort();
    const api = startMain({ DATABASE_URL: database.url, PORT: String(port), SHUTDOWN_GRACE_MS: '10000', LOG_LEVEL: 'warn', SEED_ON_START: 'true' });
    try {
      // The first start may rebuild dist/ (launch.js, when the sources changed): minutes on a loaded machine.
      await waitFor(() => answers(port) || api.child.exitCode !== null, 'the API', 240_000);
      const inFlight = Array.from({ length: 12 }, () => slowRequest(port, '{ sourceArticles { totalCount } }'));
      await new Promise((r) => setTimeout(r, 200)); // the server has every request's headers
      api.child.kill(signal);
      await new Promise((r) => setTimeout(r, 100));
      api.child.kill(signal); // a second signal (Ctrl-C under npm sends two) must not cut the drain short
      await new Promise((r) => setTimeout(r, 300));
      const refused = await portIsOpen(port);
      for (const r of inFlight) r.sendRest();
      const answered = await Promise.all(inFlight.map((r) => r.answer));
      expect(await exitOf(api.child)).toBe(0);
      expect(refused).toBe(false);
      expect(answered.map((a) => a.status)).toEqual(inFlight.map(() => 200));
      expect(answered.map((a) => JSON.parse(a.body))).toEqual(inFlight.map(() => ({ data: { sourceArticles: { totalCount: 2 } } })));
      console.log(`${signal} test: ${answered.filter((a) => a.status === 200).length} of ${inFlight.length} requests in flight completed`);
    } finally {
      if (api.child.exitCode === null) api.child.kill('SIGKILL');
      await database.drop();
    }
  }, 360_000);

  it('a second instance on the same data folder says it is in use; after a kill -9, `npm start` stops the PostgreSQL left behind, and SIGTERM to npm leaves nothing running', async () => {
    const folder = tempFolder('attribution-tracker-orphan-');
    const dataDir = join(folder, 'pg');
    const [port, pgPort] = [await freePort(), await freePort()];
    const env = { PORT: String(port), EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'info' };
    const started: ReturnType<typeof startMain>[] = [];
    try {
      const first = startMain(env);
      started.push(first);
      await waitFor(() => answers(port) || first.child.exitCode !== null, 'the first start');

      const second = startMain({ ...env, PORT: String(await freePort()) });
      started.push(second);
      expect(await exitOf(second.child)).toBe(1);
      const lines = second.output().stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Could not start: the data folder ${dataDir} is in use by another running Attribution Tracker \\(process ${first.child.pid}\\)`));

      first.child.kill('SIGKILL'); // a crash: PostgreSQL stays behind
      await exitOf(first.child);
      expect(processesMatching(`-D ${dataDir}`).length).toBeGreaterThan(0);

      // npm start, as a user or a process manager runs it (a stale dist/ is rebuilt first).
      const npm = run('npm', ['start', '--silent'], env);
      started.push(npm);
      await waitFor(() => answers(port) || npm.child.exitCode !== null, 'npm start after the crash', 170_000);
      expect(npm.output().stdout).toContain(`was left running on ${dataDir} by a run that did not stop; stopping it`);
      const family = descendantsOf(npm.child.pid!);
      expect(processesMatching(`-D ${dataDir}`).length).toBeGreaterThan(0);

      npm.child.kill('SIGTERM');
      await exitOf(npm.child);
      await waitFor(() => family.every((pid) => !isAlive(pid)), 'every process npm started to end', 20_000);
      expect(processesMatching(`-D ${dataDir}`)).toEqual([]);
      expect(await portIsOpen(port)).toBe(false);
      expect(await portIsOpen(pgPort)).toBe(false);
    } finally {
      for (const s of started) if (s.child.exitCode === null) s.child.kill('SIGKILL');
      for (const pid of processesMatching(dataDir)) process.kill(pid, 'SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  }, 300_000);
});
