import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { createScratchDatabase } from './support/test-app';

describe('migrations', () => {
  let database: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createScratchDatabase();
    // migrationsRun is on: initialising on an empty database builds the whole schema.
    dataSource = await new DataSource(dataSourceOptions(database.url)).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('build the schema on an empty database, with every ISO 3166-1 country', async () => {
    const tables: { table_name: string }[] = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining([
      'actor_alias', 'attribution', 'attribution_statement', 'campaign', 'country', 'incident', 'incident_source',
      'incident_target', 'organization', 'person', 'source_article', 'statement', 'statement_actor',
      'statement_country', 'statement_incident', 'statement_source', 'threat_actor',
    ]));
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM country`);
    expect(count).toBeGreaterThanOrEqual(249);
    const [russia] = await dataSource.query(`SELECT name FROM country WHERE code = 'RU'`);
    expect(russia.name).toBe('Russian Federation');
  });

  it('put an index behind every foreign key', async () => {
    // For each FK, an index whose leading columns are the FK's columns.
    const unindexed: { constraint: string }[] = await dataSource.query(`
      SELECT c.conrelid::regclass || '.' || c.conname AS constraint
        FROM pg_constraint c
       WHERE c.contype = 'f'
         AND NOT EXISTS (
           SELECT 1 FROM pg_index i
            WHERE i.indrelid = c.conrelid
              AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey)`);
    expect(unindexed).toEqual([]);
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM pg_constraint WHERE contype = 'f'`);
    expect(count).toBeGreaterThan(20);
  });

  it('are never synchronised from entities, and have nothing left to run', async () => {
    expect(dataSource.options.synchronize).toBe(false);
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('can be reverted to an empty schema and applied again', async () => {
    // Every migration, newest first.
    for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration();
    const [{ count }] = await dataSource.query(
      `SELECT count(*)::int AS count FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
    );
    expect(count).toBe(0);
    await dataSource.runMigrations();
    expect(await dataSource.showMigrations()).toBe(false);
  });
});
