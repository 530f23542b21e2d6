import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * One PostgreSQL for the whole run: the server named by DATABASE_URL, or else a
 * throw-away embedded one. Each suite then makes its own scratch database on it, most of them
 * as a copy of a template database migrated (and seeded) once per run.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
    console.log(`\nTests use the PostgreSQL server of DATABASE_URL`);
  } else {
    await startEmbedded();
  }
  // The tests' template databases (test/support/template-databases.ts): named here, made by the first test needing one.
  process.env.TEST_TEMPLATE_STEM = `attribution_template_${randomBytes(4).toString('hex')}`;
}

async function startEmbedded(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'attribution-tracker-test-pg-'));
  const started = Date.now();
  const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
  (globalThis as { __embeddedPostgres?: typeof postgres }).__embeddedPostgres = postgres;
  process.env.TEST_ADMIN_DATABASE_URL = postgres.url;
  console.log(`\nTests use an embedded PostgreSQL (started in ${Date.now() - started} ms)`);
}
