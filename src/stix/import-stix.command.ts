import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, loadStixConfig } from '../config/app-config';

const USAGE = 'usage: npm run import:stix -- <bundle.json> (a STIX 2.1 bundle; see docs/stix.md)';

/**
 * `npm run import:stix -- <file>`: checks a STIX 2.1 bundle against the OASIS schemas and
 * imports it into DATABASE_URL (or the embedded database) in one transaction, with a progress
 * bar on a terminal and a summary at the end. Nothing is written when any object is bad.
 */
async function main(): Promise<void> {
  const paths = process.argv.slice(2);
  if (paths.length !== 1 || paths[0] === '--help') {
    console.error(USAGE);
    process.exit(paths[0] === '--help' ? 0 : 1);
  }
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), paths[0]);
  const config = loadConfig();
  const { maxImportBytes } = loadStixConfig();
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new Error(`${paths[0]}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  // Refused before it is read: a huge file would otherwise be held in memory whole.
  if (size > maxImportBytes) {
    throw new Error(`${paths[0]} is ${(size / 1048576).toFixed(1)} MB; imports take at most ${(maxImportBytes / 1048576).toFixed(1)} MB (STIX_IMPORT_MAX_BYTES)`);
  }
  const text = await readFile(path);

  require('reflect-metadata');
  const { runImport } = require('../database/import-run') as typeof import('../database/import-run');
  const { StixImportService } = require('./stix-import.service') as typeof import('./stix-import.service');
  const { StixSchemas } = require('./stix-schemas') as typeof import('./stix-schemas');
  const { formatStixSummary } = require('./stix-import-report') as typeof import('./stix-import-report');
  StixSchemas.load(); // the missing-schemas line, before the database starts
  const started = process.hrtime.bigint();
  const result = await runImport(config, 'Importing', (dataSource, progress) =>
    new StixImportService(dataSource).import(text, (done, total) => {
      if (done % 50 === 0 || done === total) progress(done, total, 'objects');
    }),
  );
  console.log(formatStixSummary(result, Number(process.hrtime.bigint() - started) / 1e9));
}

main().catch((error: unknown) => {
  const { StixBundleError } = require('./stix-bundle-check') as typeof import('./stix-bundle-check');
  const message = error instanceof Error ? error.message : String(error);
  console.error(`${error instanceof ConfigError ? 'Configuration error: ' : 'Import failed: '}${message.split('\n')[0]}`);
  if (error instanceof StixBundleError) for (const p of error.problems) console.error(`  - ${p.stixId}: ${p.reason}`);
  if (error instanceof StixBundleError) console.error('Nothing was written.');
  process.exit(1);
});
