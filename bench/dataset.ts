import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PROJECT_ROOT, dataSourceOptions } from './app-modules';
import { BenchDatabase, DatasetMarker, readMarker, resetDatabase, writeMarker } from './database';
import { GENERATOR_VERSION, generate } from './generate';

/** The migrations the app runs now: a dataset generated on another schema is stale. */
export function currentMigrations(): string[] {
  return dataSourceOptions().migrations.map((m) => new m().name ?? m.name);
}

/**
 * A digest of the migration files (the first `count` of them, in the order they run): a
 * migration edited in place (same name) changes the schema too.
 */
export function schemaDigest(count = Infinity): string {
  const dir = join(PROJECT_ROOT, 'migrations');
  const hash = createHash('sha1');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort().slice(0, count);
  for (const file of files) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 16);
}

/** Whether `existing` ran exactly the first migrations of `current`, unedited, and some are new. */
function onlyNewMigrations(existing: DatasetMarker, current: string[]): boolean {
  const count = existing.migrations.length;
  return (
    count < current.length &&
    JSON.stringify(current.slice(0, count)) === JSON.stringify(existing.migrations) &&
    existing.schemaDigest === schemaDigest(count)
  );
}

/**
 * The dataset for (scale, seed) in `db`: reused when the database says it holds exactly
 * that (same generator version and migrations), else generated afresh.
 */
export async function ensureDataset(
  db: BenchDatabase,
  options: { scale: number; seed: number; force: boolean; log: (line: string) => void },
): Promise<{ marker: DatasetMarker; generated: boolean }> {
  const existing = await readMarker(db.url);
  const migrations = currentMigrations();
  const fresh =
    existing &&
    existing.version === GENERATOR_VERSION &&
    existing.scale === options.scale &&
    existing.seed === options.seed &&
    existing.schemaDigest === schemaDigest() &&
    JSON.stringify(existing.migrations) === JSON.stringify(migrations);
  if (fresh && !options.force) {
    options.log(`Dataset present (scale ${existing.scale}, seed ${existing.seed}, generated ${existing.generatedAt}): reusing it`);
    return { marker: existing, generated: false };
  }
  const sameData = existing && existing.version === GENERATOR_VERSION && existing.scale === options.scale && existing.seed === options.seed;
  if (sameData && !options.force && onlyNewMigrations(existing, migrations)) {
    // A new migration must carry existing data over (every deployment needs that), so the
    // dataset stays valid: run the new ones on it rather than spend minutes regenerating.
    const pending = migrations.slice(existing.migrations.length);
    options.log(`Dataset present; applying ${pending.length} new migration(s): ${pending.join(', ')}`);
    const started = Date.now();
    const dataSource = await new DataSource(dataSourceOptions().dataSourceOptions(db.url)).initialize();
    try {
      await dataSource.query('ANALYZE');
    } finally {
      await dataSource.destroy();
    }
    options.log(`  migrated and analysed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const marker: DatasetMarker = { ...existing, migrations, schemaDigest: schemaDigest() };
    await writeMarker(db.url, marker);
    return { marker, generated: false };
  }
  if (existing && !options.force) options.log('The dataset in the database is for another scale, seed, generator or schema: regenerating');
  await resetDatabase(db);
  const marker = await generate({ url: db.url, scale: options.scale, seed: options.seed, log: options.log });
  if (JSON.stringify(marker.migrations) !== JSON.stringify(migrations)) {
    throw new Error(`the database ran migrations ${marker.migrations.join(', ')}, the app lists ${migrations.join(', ')}`);
  }
  marker.schemaDigest = schemaDigest();
  await writeMarker(db.url, marker);
  return { marker, generated: true };
}
