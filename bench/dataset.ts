import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, dataSourceOptions } from './app-modules';
import { BenchDatabase, DatasetMarker, readMarker, resetDatabase, writeMarker } from './database';
import { GENERATOR_VERSION, generate } from './generate';

/** The migrations the app runs now: a dataset generated on another schema is stale. */
export function currentMigrations(): string[] {
  return dataSourceOptions().migrations.map((m) => new m().name ?? m.name);
}

/** A digest of the migration files: a migration edited in place (same name) changes the schema too. */
export function schemaDigest(): string {
  const dir = join(PROJECT_ROOT, 'migrations');
  const hash = createHash('sha1');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 16);
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
