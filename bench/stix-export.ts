import 'reflect-metadata';
import { createWriteStream, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, stixBundleWriter, stixExport, stixImport } from './app-modules';
import { openBenchDatabase } from './database';
import { ensureDataset } from './dataset';
import { readMarker } from './database';
import { benchOptions } from './options';

/**
 * `npm run bench:stix`: the two speed targets of issue 10, on the benchmark's own data.
 * 1. Export: the whole generated dataset (BENCH_SCALE, BENCH_SEED) streamed as one bundle
 *    into a sink that only counts bytes (serialisation included), with the heap sampled as it
 *    goes: objects per second, and heap at the start, at its peak and per quarter of the run.
 * 2. Import: ATT&CK for ICS (STIX_BENCH_BUNDLE, default ../shared/data/attack-stix/ics-attack.json)
 *    into a fresh database of the same server, timed from the file's bytes to the commit.
 * STIX_BENCH_EXPORT_ONLY=1: the export alone, on a dataset that is only read (no regeneration,
 * no migrations, no import database): for a database that belongs to someone else.
 * STIX_BENCH_OUT=<file>: the bundle is also written there (to compare two exporters' bytes).
 * STIX_BENCH_LIMIT=<n>: stop after the page that reaches n objects (a quick comparison on the first kinds).
 * STIX_BENCH_KINDS=statement,article: only those kinds of rows (to time or profile one kind; the bundle is then partial).
 * STIX_BENCH_OBJECT_PAGES=1: pages of objects, serialised by the writer (the GraphQL path's pages), instead of jsonPages.
 */
async function main(): Promise<void> {
  const options = benchOptions();
  const log = (line: string) => console.log(line);
  const db = await openBenchDatabase({ scale: options.scale, seed: options.seed, log });
  try {
    const exportOnly = process.env.STIX_BENCH_EXPORT_ONLY === '1';
    const marker = exportOnly ? await readMarker(db.url) : (await ensureDataset(db, { scale: options.scale, seed: options.seed, force: options.regenerate, log })).marker;
    // A database copied from a template has no marker (COMMENT ON DATABASE is not copied): the export says its counts.
    if (marker) log(`Dataset: scale ${marker.scale}, ${Object.entries(marker.counts).map(([t, n]) => `${t} ${n}`).join(', ')}`);
    else log('Dataset: no marker in that database (read as it is)');
    await exportBench(db.url, log);
    if (!exportOnly) await importBench(db.url, log);
  } finally {
    await db.stop();
  }
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/**
 * CPU seconds (user + system, /proc/<pid>/stat) of the export's own PostgreSQL backends (its application_name), by pid:
 * the server's share of the work, which the exporter's own CPU time leaves out. Only when the server runs on this machine
 * (no /proc entry: not counted).
 */
async function backendCpu(monitor: Client, applicationName: string): Promise<Map<number, number>> {
  const { rows } = await monitor.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [applicationName]);
  const out = new Map<number, number>();
  for (const { pid } of rows as { pid: number }[]) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command's closing parenthesis.
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // not on this machine, or gone
    }
  }
  return out;
}

async function exportBench(url: string, log: (line: string) => void): Promise<void> {
  // A name of its own, so that another export on the same database (an A/B pair) is not counted as this one's.
  const applicationName = `stix-bench-${process.pid}`;
  const dataSource = await new DataSource({ ...dataSourceOptions().dataSourceOptions(url), applicationName } as never).initialize();
  const monitor = new Client({ connectionString: url });
  await monitor.connect();
  try {
    const service = new (stixExport().StixExportService)(dataSource, null as never);
    let bytes = 0;
    const file = process.env.STIX_BENCH_OUT ? createWriteStream(process.env.STIX_BENCH_OUT) : null;
    const sink = file ?? new Writable({ write: (chunk: Buffer, _enc, done) => { bytes += chunk.length; done(); } });
    global.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const samples: { objects: number; heap: number; rss: number }[] = [];
    let count = 0;
    let rssPeak = process.memoryUsage().rss;
    const rssBaseline = rssPeak;
    let nextSample = 5000;
    let traced: string[] = [];
    const limit = Number(process.env.STIX_BENCH_LIMIT || Infinity);
    async function* counted() {
      const kinds: string[] = [];
      const trace = (t: { kind: string; rows: number; objects: number; sqlMs: number; mapMs: number }) =>
        kinds.push(`${t.kind} ${t.rows.toLocaleString('en-US')} rows → ${t.objects.toLocaleString('en-US')} objects, SQL ${(t.sqlMs / 1000).toFixed(1)} s, mapping ${(t.mapMs / 1000).toFixed(1)} s`);
      traced = kinds;
      const only = process.env.STIX_BENCH_KINDS ? new Set(process.env.STIX_BENCH_KINDS.split(',')) : undefined;
      for await (const page of (process.env.STIX_BENCH_OBJECT_PAGES ? service.pages({}, trace, only) : service.jsonPages({}, trace, only))) {
        count += page.length;
        if (count >= nextSample) {
          nextSample += 5000;
          const { heapUsed: heap, rss } = process.memoryUsage();
          peak = Math.max(peak, heap);
          rssPeak = Math.max(rssPeak, rss);
          samples.push({ objects: count, heap, rss });
        }
        yield page;
        if (count >= limit) break;
      }
    }
    const pgBefore = await backendCpu(monitor, applicationName);
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const written = await stixBundleWriter().writeBundle(sink, service.bundleId({}), counted());
    if (file) {
      await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
      bytes = file.bytesWritten;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // The export's connection is back in the pool, not closed: its backend is still there to be read.
    const pgAfter = await backendCpu(monitor, applicationName);
    const pgSeconds = [...pgAfter].reduce((sum, [pid, seconds]) => sum + seconds - (pgBefore.get(pid) ?? 0), 0);
    const quarters = [0.25, 0.5, 0.75, 1].map((q) => samples[Math.max(0, Math.ceil(samples.length * q) - 1)]).filter(Boolean);
    log(`STIX export: ${written.toLocaleString('en-US')} objects, ${mb(bytes)} in ${seconds.toFixed(2)} s = ` +
      `${Math.round(written / seconds).toLocaleString('en-US')} objects/s`);
    // On a shared machine the wall clock counts other processes' time too; the exporter's own CPU time does not.
    log(`  exporter CPU time ${cpuSeconds.toFixed(2)} s (${Math.round(written / cpuSeconds).toLocaleString('en-US')} objects per CPU-second); ` +
      `load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${(await import('node:os')).cpus().length} cores`);
    log(`  PostgreSQL CPU time of its backends ${pgSeconds.toFixed(2)} s` +
      (pgAfter.size ? ` (${Math.round(written / pgSeconds).toLocaleString('en-US')} objects per CPU-second)` : ' (server not on this machine: not measured)'));
    log(`  by kind (SQL: reading and enriching pages, overlapping the mapping): ${traced.join('; ')}`);
    log(`  heap: ${mb(baseline)} at the start, peak ${mb(peak)}; by objects written: ` +
      quarters.map((s) => `${s.objects.toLocaleString('en-US')} → ${mb(s.heap)}`).join(', '));
    log(`  RSS: ${mb(rssBaseline)} at the start, peak ${mb(rssPeak)}; by objects written: ` +
      quarters.map((s) => `${s.objects.toLocaleString('en-US')} → ${mb(s.rss)}`).join(', '));
  } finally {
    await monitor.end();
    await dataSource.destroy();
  }
}

async function importBench(url: string, log: (line: string) => void): Promise<void> {
  const file = process.env.STIX_BENCH_BUNDLE || [`${__dirname}/../../shared/data/attack-stix/ics-attack.json`, '/work/shared/data/attack-stix/ics-attack.json']
    .find((f) => { try { readFileSync(f); return true; } catch { return false; } });
  if (!file) {
    log('STIX import: no bundle (set STIX_BENCH_BUNDLE): skipped');
    return;
  }
  const server = new URL(url);
  server.pathname = '/postgres';
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS attribution_bench_stix_import WITH (FORCE)');
  await admin.query('CREATE DATABASE attribution_bench_stix_import');
  await admin.end();
  const target = new URL(url);
  target.pathname = '/attribution_bench_stix_import';
  const dataSource = await new DataSource(dataSourceOptions().dataSourceOptions(target.toString())).initialize();
  try {
    const text = readFileSync(file);
    const started = process.hrtime.bigint();
    const result = await new (stixImport().StixImportService)(dataSource).import(text);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    log(`STIX import: ${file.split('/').pop()} (${result.objects} objects, ${result.created} created, ${result.notTaken.length} not taken) ` +
      `in ${seconds.toFixed(2)} s, into an empty database, in one transaction`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`STIX benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
