import { Client } from 'pg';
import { RunningPostgres } from '../src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __embeddedPostgres?: RunningPostgres }).__embeddedPostgres;
  if (embedded) return embedded.stop();
  // A DATABASE_URL server outlives the run: drop the run's template databases from it.
  const stem = process.env.TEST_TEMPLATE_STEM;
  if (!stem || !process.env.TEST_ADMIN_DATABASE_URL) return;
  const client = new Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [stem]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
