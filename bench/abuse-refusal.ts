/**
 * How fast the API refuses the security review's abuse query (issue 12 §3: depth 50 over
 * incident → attributions → actor → incidents, refused in under 50 ms with RSS unchanged), and
 * whether refusing it keeps anything. The API runs in this process on a scratch database of
 * DATABASE_URL (dropped at the end); the client runs in a child process, so the times are HTTP
 * round trips that do not share the server's event loop.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --expose-gc -r ts-node/register/transpile-only bench/abuse-refusal.ts [requests per round, default 300]
 *
 * Prints per query and round: median, p95, p99 and slowest round trip; the server's CPU time per
 * refusal (HTTP and GraphQL, independent of how loaded the machine is, GC included); the process's
 * RSS and, after a full GC, its heap in use, before and after the round. Quote `uptime` beside it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApp } from '../src/app';
import { cycleQuery } from '../test/support/abuse-queries';


/** A client in its own process: 20 warm-up requests, then `count` timed ones, each checked to get the `expected` code. */
function clientScript(url: string, query: string, count: number, expected: string): string {
  return `
    const body = JSON.stringify({ query: ${JSON.stringify(query)} });
    const send = () => fetch(${JSON.stringify(url)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.json());
    (async () => {
      for (let i = 0; i < 20; i++) await send();
      const times = [];
      for (let i = 0; i < ${count}; i++) {
        const started = performance.now();
        const answer = await send();
        times.push(performance.now() - started);
        const code = answer.errors?.[0]?.extensions?.code ?? 'answered';
        if (code !== ${JSON.stringify(expected)}) throw new Error('expected ${expected}: ' + JSON.stringify(answer).slice(0, 200));
      }
      times.sort((a, b) => a - b);
      const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
      console.log('median ' + at(0.5) + ' ms, p95 ' + at(0.95) + ', p99 ' + at(0.99) + ', slowest ' + times[times.length - 1].toFixed(1));
    })().catch((e) => { console.error(e.message); process.exit(1); });`;
}

function runClient(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`the client exited with ${code}`))));
  });
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('set DATABASE_URL to a PostgreSQL server (a scratch database is made there and dropped)');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  const count = Number(process.argv[2] ?? 300);
  const name = `abuse_refusal_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const app = await createApp({ databaseUrl: url.toString(), logger: ['error'] });
  try {
    await app.listen(0, '127.0.0.1');
    const endpoint = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`;
    // The cheapest answered request, for comparison: what any request costs the server.
    const queries: [string, string, string][] = [
      ['baseline { __typename }, answered', '{ __typename }', 'answered'],
      ['depth 50, refused', cycleQuery(50), 'QUERY_TOO_DEEP'],
      ['depth 50, refused', cycleQuery(50, 20, true), 'QUERY_TOO_DEEP'],
    ];
    for (const round of [1, 2, 3]) {
      for (const [what, query, expected] of queries) {
        gc();
        const before = process.memoryUsage();
        const cpu = process.cpuUsage();
        const times = await runClient(clientScript(endpoint, query, count, expected));
        const { user, system } = process.cpuUsage(cpu);
        const rss = process.memoryUsage().rss;
        gc();
        const after = process.memoryUsage();
        console.log(
          `round ${round}, ${what}, ${Buffer.byteLength(query)} bytes, ${count} requests: ${times}; ` +
            `server CPU ${((user + system) / 1000 / (count + 20)).toFixed(2)} ms per request; ` +
            `RSS ${mb(before.rss)} → ${mb(rss)} (${mb(after.rss)} after GC); heap in use after GC ${mb(before.heapUsed)} → ${mb(after.heapUsed)}`,
        );
      }
    }
  } finally {
    await app.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
