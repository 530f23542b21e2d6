import 'reflect-metadata';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from './app-modules';
import { openBenchDatabase } from './database';
import { ensureDataset } from './dataset';
import { ApiProcess } from './load';
import { benchOptions } from './options';

/**
 * `npm run bench:csv`: how fast GET /export/*.csv streams the benchmark dataset (300k
 * attributions at BENCH_SCALE=1) out of the API, and whether the API's memory stays flat
 * while it does. The API runs in its own process (`node dist/src/main.js`); this client reads
 * the body as it arrives and counts its records (CRLF outside quotes) without keeping it.
 * Target (issue 13): 300k attributions in under 10 s. Writes bench/report/csv-export.md.
 */
interface Run {
  name: string;
  path: string;
  /** The rows the file must have, counted in SQL. */
  expectedRowsSql: string;
  expectedRowsParams?: unknown[];
}

interface Result {
  name: string;
  /** CPU seconds spent by the API process and by PostgreSQL (all its processes) during the download. */
  apiCpuS: number;
  postgresCpuS: number;
  path: string;
  rows: number;
  expectedRows: number;
  bytes: number;
  firstByteMs: number;
  totalMs: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
}

async function main(): Promise<void> {
  const options = benchOptions();
  const log = (line: string) => console.log(line);
  const db = await openBenchDatabase({ scale: options.scale, seed: options.seed, log });
  let api: ApiProcess | null = null;
  try {
    const { marker } = await ensureDataset(db, { scale: options.scale, seed: options.seed, force: options.regenerate, log });
    const busiest = await one<{ name: string }>(
      db.url,
      `SELECT t.name FROM attribution a JOIN threat_actor t ON t.id = a.actor_id GROUP BY t.name ORDER BY count(*) DESC, t.name LIMIT 1`,
    );
    const runs: Run[] = [
      { name: 'all attributions', path: '/export/attributions.csv', expectedRowsSql: 'SELECT count(*)::int AS n FROM attribution' },
      {
        name: `attributions of ${busiest.name}`,
        path: `/export/attributions.csv?actor=${encodeURIComponent(busiest.name)}`,
        expectedRowsSql: 'SELECT count(*)::int AS n FROM attribution a JOIN threat_actor t ON t.id = a.actor_id WHERE t.name = $1',
        expectedRowsParams: [busiest.name],
      },
      { name: 'all incidents', path: '/export/incidents.csv', expectedRowsSql: 'SELECT count(*)::int AS n FROM incident' },
    ];
    api = await ApiProcess.start(db.url);
    // A server given by URL on this machine: its backends' CPU is read from /proc (the embedded one's from its postmaster).
    const ownServer = !postgresCpuSeconds() && ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(db.url).hostname);
    const origin = api.endpoint.replace(/\/graphql$/, '');
    log(`API process ${api.pid} at ${origin}`);
    // Warm-up: a small export, so that start-up costs (first connections, plans) are not measured.
    await download(api, `${origin}/export/attributions.csv?minConfidence=100`, ownServer ? db.url : undefined);
    const results: Result[] = [];
    for (const run of runs) {
      const expected = await one<{ n: number }>(db.url, run.expectedRowsSql, run.expectedRowsParams);
      const measured = await download(api, `${origin}${run.path}`, ownServer ? db.url : undefined);
      const result = { name: run.name, path: run.path, expectedRows: expected.n, ...measured };
      results.push(result);
      log(
        `  ${run.name.padEnd(40)} ${result.rows.toLocaleString('en-US').padStart(9)} rows` +
          `${result.rows === result.expectedRows ? '' : ` (EXPECTED ${result.expectedRows})`}  ${(result.bytes / 2 ** 20).toFixed(0)} MiB  ` +
          `first byte ${result.firstByteMs.toFixed(0)} ms  total ${(result.totalMs / 1000).toFixed(2)} s  ` +
          `${Math.round(result.rows / (result.totalMs / 1000)).toLocaleString('en-US')} rows/s  ` +
          `API RSS ${result.rssBeforeMiB.toFixed(0)} → peak ${result.rssPeakMiB.toFixed(0)} → ${result.rssAfterMiB.toFixed(0)} MiB  ` +
          `CPU: API ${result.apiCpuS.toFixed(1)} s, PostgreSQL ${result.postgresCpuS.toFixed(1)} s`,
      );
    }
    const file = writeReport(results, { scale: options.scale, counts: marker.counts, database: db.description });
    log(`Report: ${file}`);
    if (results.some((r) => r.rows !== r.expectedRows)) process.exitCode = 1;
  } finally {
    await api?.stop();
    await db.stop();
  }
}

/** Reads a whole export as it streams, counting records and bytes, sampling the API's RSS every 50 ms. */
async function download(api: ApiProcess, url: string, databaseUrl?: string): Promise<Omit<Result, 'name' | 'path' | 'expectedRows'>> {
  const rssBeforeMiB = api.memory()?.rssMiB ?? 0;
  const apiCpuBefore = cpuSeconds(api.pid);
  const postgresCpuBefore = postgresCpuSeconds();
  const backends = databaseUrl ? await BackendCpu.start(databaseUrl) : null;
  let rssPeakMiB = rssBeforeMiB;
  const timer = setInterval(() => {
    rssPeakMiB = Math.max(rssPeakMiB, api.memory()?.rssMiB ?? 0);
    backends?.sample();
  }, 50);
  const started = performance.now();
  try {
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
    let firstByteMs = 0;
    let bytes = 0;
    let records = 0;
    let quoted = false;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (bytes === 0) firstByteMs = performance.now() - started;
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === 0x22) quoted = !quoted; // a doubled quote toggles twice: still inside
        else if (byte === 0x0a && !quoted) records++;
      }
    }
    const totalMs = performance.now() - started;
    return {
      rows: records - 1, bytes, firstByteMs, totalMs, rssBeforeMiB, rssPeakMiB, rssAfterMiB: api.memory()?.rssMiB ?? 0,
      apiCpuS: cpuSeconds(api.pid) - apiCpuBefore,
      postgresCpuS: backends ? await backends.stop() : postgresCpuSeconds() - postgresCpuBefore,
    };
  } finally {
    clearInterval(timer);
    await backends?.close();
  }
}

/**
 * CPU time spent by the backends of one database on a server that runs on this machine but is
 * not the embedded one (BENCH_DATABASE_URL or DATABASE_URL on localhost): the processes
 * pg_stat_activity lists for the database (the API's pooled connections, parallel workers
 * included while they live), read from /proc at the start, every 50 ms and at the end.
 * Nothing (0) when /proc does not show them (another machine, another user's processes).
 */
class BackendCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private refreshing = false;
  private lastRefresh = 0;

  private constructor(private readonly client: Client) {}

  static async start(url: string): Promise<BackendCpu> {
    const client = new Client({ connectionString: url });
    await client.connect();
    const tracker = new BackendCpu(client);
    await tracker.refresh();
    return tracker;
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const { rows } = await this.client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      for (const { pid } of rows) {
        if (this.first.has(pid)) continue;
        const cpu = cpuSeconds(pid);
        this.first.set(pid, cpu);
        this.last.set(pid, cpu);
      }
      this.lastRefresh = performance.now();
    } finally {
      this.refreshing = false;
    }
  }

  sample(): void {
    for (const pid of this.first.keys()) {
      const cpu = cpuSeconds(pid);
      if (cpu > 0) this.last.set(pid, Math.max(cpu, this.last.get(pid) ?? 0));
    }
    if (performance.now() - this.lastRefresh > 250) void this.refresh().catch(() => undefined);
  }

  async stop(): Promise<number> {
    this.sample();
    let total = 0;
    for (const [pid, cpu] of this.last) total += cpu - (this.first.get(pid) ?? cpu);
    return total;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** CPU time of a process (user + system), and with `children` that of its reaped children, in seconds. */
function cpuSeconds(pid: number, children = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    // After "pid (comm) ": state ppid … utime(14th field) stime cutime cstime, counted from field 3.
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return (utime + stime + (children ? cutime + cstime : 0)) / TICKS;
  } catch {
    return 0;
  }
}

/**
 * CPU time of the embedded PostgreSQL: its postmaster with its reaped children (parallel workers
 * that have exited) plus every live child (the backends). 0 when it is not ours to see.
 */
function postgresCpuSeconds(): number {
  const dir = process.env.BENCH_PG_DIR;
  if (!dir || process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL) return 0;
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return 0;
  }
  let total = cpuSeconds(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
      if (ppid === postmaster) total += cpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function one<T>(url: string, sql: string, params: unknown[] = []): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows[0] as T;
  } finally {
    await client.end();
  }
}

function writeReport(results: Result[], dataset: { scale: number; counts: Record<string, number>; database: string }): string {
  const lines = [
    '# CSV export benchmark',
    '',
    `Generated ${new Date().toISOString()} by \`npm run bench:csv\` (bench/csv-export.ts), scale ${dataset.scale}: ` +
      `${Object.entries(dataset.counts).map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`).join(', ')}; ${dataset.database}.`,
    'The API in its own process, the client reading the body as it streams. Target: 300k attributions in under 10 s, flat memory.',
    '',
    `Load average while it ran: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores. On a shared machine the wall time`,
    'mostly measures the other processes; the CPU seconds spent by the API and by PostgreSQL do not, and since the two work',
    'in a pipeline (PostgreSQL sorts and builds rows while the API writes CSV), an idle machine needs about the larger of the two.',
    '',
    '| Export | Rows | MiB | First byte | Total | Rows/s | CPU: API | CPU: PostgreSQL | API RSS before → peak → after |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.map(
      (r) =>
        `| ${r.name} (\`${r.path}\`) | ${r.rows.toLocaleString('en-US')}${r.rows === r.expectedRows ? '' : ` (expected ${r.expectedRows})`} | ` +
        `${(r.bytes / 2 ** 20).toFixed(0)} | ${r.firstByteMs.toFixed(0)} ms | ${(r.totalMs / 1000).toFixed(2)} s | ` +
        `${Math.round(r.rows / (r.totalMs / 1000)).toLocaleString('en-US')} | ${r.apiCpuS.toFixed(1)} s | ${r.postgresCpuS.toFixed(1)} s | ` +
        `${r.rssBeforeMiB.toFixed(0)} → ${r.rssPeakMiB.toFixed(0)} → ${r.rssAfterMiB.toFixed(0)} MiB |`,
    ),
    '',
  ];
  const dir = join(PROJECT_ROOT, 'bench', 'report');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'csv-export.md');
  writeFileSync(file, lines.join('\n'));
  return file;
}

main().catch((error: unknown) => {
  console.error(`CSV export benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
