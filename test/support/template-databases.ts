import { Client } from 'pg';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { initializeMigrated } from '../../src/database/migrate';
import { loadSeed } from '../../src/seed/seed';

/**
 * Template databases for the run: one migrated, one migrated and seeded, each made once, by the
 * first test that needs it. A test's scratch database is then a copy (`CREATE DATABASE …
 * TEMPLATE`, tens of ms) instead of 22 migrations and the seed again in every file. Tests of
 * migrating and seeding themselves (migrations, seed, start-up, ops) still start from empty.
 *
 * The global setup only names them (TEST_TEMPLATE_STEM) and the teardown drops them: it runs
 * outside the test files' module registry, where loading the entities would register the
 * GraphQL types a second time.
 */
export type TemplateKind = 'migrated' | 'seeded';

export const TEMPLATE_STEM_ENV = 'TEST_TEMPLATE_STEM';
export const TEMPLATE_KINDS: TemplateKind[] = ['migrated', 'seeded'];

export function templateName(stem: string, kind: TemplateKind): string {
  return `${stem}_${kind}`;
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function exists(client: Client, name: string): Promise<boolean> {
  return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
}

/**
 * The name of the run's template of that kind, made now if no test made it before. Under an
 * advisory lock: jest run with workers (not `npm test`'s --runInBand) may ask for it from two
 * files at once, and the second then waits for the first's template instead of dropping it.
 */
export async function ensureTemplate(adminUrl: string, kind: TemplateKind): Promise<string> {
  const stem = process.env[TEMPLATE_STEM_ENV];
  if (!stem) throw new Error(`${TEMPLATE_STEM_ENV} is not set: run the tests through jest (global-setup.ts)`);
  const name = templateName(stem, kind);
  if (await withAdmin(adminUrl, (client) => exists(client, name))) return name;
  const source = kind === 'seeded' ? await ensureTemplate(adminUrl, 'migrated') : undefined;
  return withAdmin(adminUrl, async (lock) => {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      if (!(await exists(lock, name))) await build(adminUrl, name, kind, source);
      return name;
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  });
}

async function build(adminUrl: string, name: string, kind: TemplateKind, source: string | undefined): Promise<void> {
  // Built under another name and renamed when complete: a test that failed half-way leaves no half template.
  const building = `${name}_building`;
  await withAdmin(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    await client.query(source ? `CREATE DATABASE ${building} TEMPLATE ${source}` : `CREATE DATABASE ${building}`);
  });
  const dataSource = await initializeMigrated(dataSourceOptions(databaseUrl(adminUrl, building)));
  try {
    if (kind === 'seeded') await loadSeed(dataSource);
  } finally {
    await dataSource.destroy();
  }
  await withAdmin(adminUrl, async (client) => {
    await client.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    // No one connects to a template again: a stray session would make every copy of it fail.
    await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  });
}
