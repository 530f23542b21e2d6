import 'reflect-metadata';
import { cpus, totalmem } from 'node:os';
import { Client } from 'pg';
import { openBenchDatabase } from './database';
import { ComparisonReport, runComparison } from './compare';
import { ensureDataset } from './dataset';
import { ApiProcess, LatencyStats, MemorySampler, measure } from './load';
import { benchOptions } from './options';
import { QueryPlans, capturePlans } from './plans';
import { BenchQuery, TARGET_P95_MS, aggregateQueries, analystQueries } from './queries';
import { BenchReport, judge, summaryTable, writeReport } from './report';

/** The API's connection pool (src/database/data-source-options.ts `extra.max`). */
const API_POOL_SIZE = 10;

/**
 * `npm run bench`: the dataset (generated when missing), the SQL plans of every query,
 * then every query through HTTP against the API in its own process at concurrency 1 and
 * 16; writes bench/report/report.md and report.json.
 */
async function main(): Promise<void> {
  const options = benchOptions();
  const log = (line: string) => console.log(line);
  const db = await openBenchDatabase({ scale: options.scale, seed: options.seed, log });
  let api: ApiProcess | null = null;
  try {
    const { marker, generated } = await ensureDataset(db, { scale: options.scale, seed: options.seed, force: options.regenerate, log });
    const queries = options.compare === 'only'
      ? []
      : [...analystQueries(options.seed), ...aggregateQueries()].filter((q) => !options.only || options.only.test(q.name));
    log(`${queries.length} queries; capturing their SQL and plans`);
    const plans = await capturePlans(db.url, queries, log);

    api = await ApiProcess.start(db.url);
    const sampler = new MemorySampler(api);
    const apiStartRssMiB = api.memory()?.rssMiB ?? 0;
    log(`API process ${api.pid} at ${api.endpoint} (${apiStartRssMiB.toFixed(0)} MiB after start-up)`);
    let comparison: ComparisonReport | null = null;
    if (options.compare !== 'off') {
      // First, on a fresh API: the unpaged queries' heaps and pool waits must not weigh on either side.
      log(`PostGraphile 4 comparison: ${options.compareRounds} interleaved rounds`);
      comparison = await runComparison({
        databaseUrl: db.url, api, sampler, seed: options.seed, rounds: options.compareRounds,
        requests: options.compareRequests, maxSeconds: options.maxSeconds, warmUp: options.compareWarmUp, log,
      });
    }
    const results = new Map<string, { c1: LatencyStats | null; c16: LatencyStats | null }>();
    // The paged queries at both concurrencies first, the unpaged ones last: their hundreds of
    // MiB of responses would otherwise stay in the API's heap and in the paged queries' numbers.
    const phases = [false, true].flatMap((unbounded) =>
      ([[1, options.requests.c1], [16, options.requests.c16]] as const).map(([concurrency, total]) => ({
        unbounded, concurrency, total, queries: queries.filter((q) => Boolean(q.unbounded) === unbounded),
      })),
    );
    for (const { unbounded, concurrency, total, queries: phaseQueries } of phases) {
      if (phaseQueries.length === 0) continue;
      log(`Concurrency ${concurrency}${unbounded ? ', unpaged queries' : ''}: up to ${total} requests or ${options.maxSeconds} s per query`);
      for (const query of phaseQueries) {
        // Warm-up: every variable set once, so that caches and prepared plans are not measured cold.
        if (concurrency === 1) {
          await measure(api.endpoint, query, { concurrency: 1, total: query.variables.length, maxSeconds: options.maxSeconds, sampler });
        }
        const stats = await measure(api.endpoint, query, { concurrency, total, maxSeconds: options.maxSeconds, sampler });
        const entry = results.get(query.name) ?? { c1: null, c16: null };
        entry[concurrency === 1 ? 'c1' : 'c16'] = stats;
        results.set(query.name, entry);
        log(`  ${query.name.padEnd(60)} p50 ${stats.p50.toFixed(1).padStart(8)}  p95 ${stats.p95.toFixed(1).padStart(8)}  ` +
          `p99 ${stats.p99.toFixed(1).padStart(8)} ms  ${stats.rps.toFixed(1).padStart(7)} req/s  ${stats.requests} req` +
          `${stats.errors ? `  ${stats.errors} ERRORS` : ''}${stats.timeBound ? '  (time bound)' : ''}`);
      }
    }
    sampler.stop();
    const apiPeakRssMiB = Math.max(sampler.peakOverall, api.memory()?.hwmMiB ?? 0);
    await api.stop();
    api = null;

    const report: BenchReport = {
      generatedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        postgres: await serverVersion(db.url),
        database: db.description,
      },
      postgresSettings: await settings(db.url),
      dataset: { ...marker, generatedThisRun: generated },
      options: { requestsC1: options.requests.c1, requestsC16: options.requests.c16, maxSeconds: options.maxSeconds, apiPoolSize: API_POOL_SIZE },
      comparison,
      targets: TARGET_P95_MS,
      memory: {
        apiPeakRssMiB,
        apiStartRssMiB,
        apiPeakRssMiBPagedQueries: Math.max(
          0,
          ...queries.filter((q) => !q.unbounded).flatMap((q) => [results.get(q.name)?.c1?.peakRssMiB ?? 0, results.get(q.name)?.c16?.peakRssMiB ?? 0]),
        ),
      },
      queries: queries.map((q: BenchQuery) => {
        const r = results.get(q.name);
        return judge(q, r?.c1 ?? null, r?.c16 ?? null, plans.get(q.name) ?? (null as QueryPlans | null));
      }),
      summary: { queries: 0, passed: 0, failed: [] },
    };
    report.summary = {
      queries: report.queries.length,
      passed: report.queries.filter((q) => q.pass).length,
      failed: report.queries.filter((q) => !q.pass).map((q) => q.name),
    };
    const files = writeReport(report);
    log('');
    log(summaryTable(report));
    log('');
    log(`API peak RSS ${report.memory.apiPeakRssMiBPagedQueries.toFixed(0)} MiB (paged queries), ${apiPeakRssMiB.toFixed(0)} MiB overall. ` +
      `${report.summary.passed}/${report.summary.queries} queries pass.`);
    log(`Report: ${files.markdown} and ${files.json}`);
  } finally {
    await api?.stop();
    await db.stop();
  }
}

async function serverVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT 'PostgreSQL ' || current_setting('server_version') AS v`);
    return rows[0].v;
  } finally {
    await client.end();
  }
}

async function settings(url: string): Promise<Record<string, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const names = ['shared_buffers', 'effective_cache_size', 'work_mem', 'random_page_cost', 'max_parallel_workers_per_gather', 'jit'];
    const { rows } = await client.query(`SELECT name, current_setting(name) AS value FROM unnest($1::text[]) name`, [names]);
    return Object.fromEntries(rows.map((r: { name: string; value: string }) => [r.name, r.value]));
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
