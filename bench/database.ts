import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { embeddedPostgres } from './app-modules';

/**
 * Where the benchmark's data lives:
 * - BENCH_DATABASE_URL: that database, which belongs to the benchmark (emptied and
 *   regenerated when it does not hold the dataset asked for);
 * - else DATABASE_URL: a database of its own on that server, `attribution_bench_<scale>_s<seed>`
 *   (the database the URL names is never touched);
 * - else an embedded PostgreSQL with its data in BENCH_PG_DIR (default: the system temp
 *   folder), kept between runs so that the dataset is generated once.
 */
export interface BenchDatabase {
  url: string;
  /** How it was chosen, for the report. */
  description: string;
  /** Whether we may drop and recreate the whole database (not only its schema). */
  ownsDatabase: boolean;
  stop: () => Promise<void>;
}

/** Server settings applied to the embedded server (a tuned local PostgreSQL for a 2-core, 24 GiB machine). */
export const EMBEDDED_SETTINGS: Record<string, string> = {
  shared_buffers: '2GB',
  effective_cache_size: '12GB',
  work_mem: '32MB',
  maintenance_work_mem: '1GB',
  random_page_cost: '1.1',
  effective_io_concurrency: '200',
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
  max_parallel_workers_per_gather: '2',
  max_parallel_maintenance_workers: '2',
  max_connections: '100',
  // JIT compiles expressions for costly plans; on short analyst queries it only adds latency.
  jit: 'off',
};

export function scaleTag(scale: number): string {
  return String(scale).replace('.', '_');
}

export async function openBenchDatabase(options: { scale: number; seed: number; log: (line: string) => void }): Promise<BenchDatabase> {
  const name = `attribution_bench_${scaleTag(options.scale)}_s${options.seed}`;
  if (process.env.BENCH_DATABASE_URL) {
    return { url: process.env.BENCH_DATABASE_URL, description: 'BENCH_DATABASE_URL', ownsDatabase: false, stop: async () => undefined };
  }
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    await ensureDatabase(url.toString(), name);
    url.pathname = `/${name}`;
    return { url: url.toString(), description: `database ${name} on the server of DATABASE_URL`, ownsDatabase: true, stop: async () => undefined };
  }
  const dataDir = process.env.BENCH_PG_DIR || join(tmpdir(), 'attribution-tracker-bench', 'postgres');
  const port = Number(process.env.BENCH_PG_PORT || 54391);
  mkdirSync(dataDir, { recursive: true });
  options.log(`Embedded PostgreSQL in ${dataDir} (port ${port})`);
  let server = await embeddedPostgres().startEmbeddedPostgres({ dataDir, port, log: () => undefined });
  if (await applySettings(server.url)) {
    // shared_buffers and friends take effect on a restart only.
    await server.stop();
    server = await embeddedPostgres().startEmbeddedPostgres({ dataDir, port, log: () => undefined });
  }
  await ensureDatabase(server.url, name);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return { url: url.toString(), description: `embedded PostgreSQL (${dataDir}), database ${name}`, ownsDatabase: true, stop: server.stop };
}

/** ALTER SYSTEM for every setting (idempotent); true when one waits for a restart. */
async function applySettings(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const [setting, value] of Object.entries(EMBEDDED_SETTINGS)) {
      await client.query(`ALTER SYSTEM SET ${setting} = '${value}'`);
    }
    await client.query('SELECT pg_reload_conf()');
    // The reload is asynchronous: give the server a moment before asking what it applied.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pending = await client.query(`SELECT count(*)::int AS n FROM pg_settings WHERE pending_restart`);
    return pending.rows[0].n > 0;
  } finally {
    await client.end();
  }
}

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

/** What a generated database says about itself (COMMENT ON DATABASE), so a run can reuse it. */
export interface DatasetMarker {
  generator: 'attribution-tracker-bench';
  version: number;
  scale: number;
  seed: number;
  migrations: string[];
  /** sha1 of the migration files (bench/dataset.ts schemaDigest). */
  schemaDigest?: string;
  counts: Record<string, number>;
  timings: { step: string; rows: number | null; seconds: number }[];
  generatedAt: string;
}

export async function readMarker(url: string): Promise<DatasetMarker | null> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = current_database()`,
    );
    const comment: string | null = rows[0]?.comment ?? null;
    if (!comment) return null;
    const marker = JSON.parse(comment) as DatasetMarker;
    return marker.generator === 'attribution-tracker-bench' ? marker : null;
  } catch {
    return null;
  } finally {
    await client.end();
  }
}

export async function writeMarker(url: string, marker: DatasetMarker): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const literal = JSON.stringify(marker).replace(/'/g, "''");
    await client.query(`COMMENT ON DATABASE ${await currentDatabase(client)} IS '${literal}'`);
  } finally {
    await client.end();
  }
}

async function currentDatabase(client: Client): Promise<string> {
  const { rows } = await client.query('SELECT quote_ident(current_database()) AS name');
  return rows[0].name;
}

/** An empty database to generate into: recreated when we own it, else its public schema emptied. */
export async function resetDatabase(db: BenchDatabase): Promise<void> {
  const url = new URL(db.url);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (db.ownsDatabase) {
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return;
  }
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(`COMMENT ON DATABASE ${await currentDatabase(client)} IS NULL`);
    await client.query('DROP SCHEMA public CASCADE');
    await client.query('CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}
