import { DataSource, DataSourceOptions } from 'typeorm';

/** pg_advisory_lock key of the migrations: any bigint, the same in every instance. */
export const MIGRATION_LOCK_KEY = 764_000_000_001;

/**
 * Connects and applies pending migrations under a PostgreSQL advisory lock, so that
 * several API instances starting at once on one database migrate one after the other
 * (the later ones then find nothing to do) instead of racing on the same DDL.
 */
export async function initializeMigrated(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        await dataSource.runMigrations({ transaction: options.migrationsTransactionMode ?? 'each' });
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
