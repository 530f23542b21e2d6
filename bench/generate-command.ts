import 'reflect-metadata';
import { openBenchDatabase } from './database';
import { ensureDataset } from './dataset';
import { benchOptions } from './options';

/** `npm run bench:generate`: generates the dataset (again with BENCH_REGENERATE=1) and prints the load times. */
async function main(): Promise<void> {
  const options = benchOptions();
  const log = (line: string) => console.log(line);
  const db = await openBenchDatabase({ scale: options.scale, seed: options.seed, log });
  try {
    const { marker } = await ensureDataset(db, { scale: options.scale, seed: options.seed, force: options.regenerate, log });
    console.log(`Rows: ${Object.entries(marker.counts).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`).join(', ')}`);
    console.log(`Database: ${db.description}`);
  } finally {
    await db.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`Benchmark generation failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
