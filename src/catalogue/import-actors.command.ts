import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config/app-config';
import type { CatalogueFile } from './catalogue-import.service';
import { CatalogueFileError, parseGalaxyCluster } from './galaxy-schema';
import { formatImportSummary } from './import-report';

const USAGE =
  'usage: npm run import:actors -- <file>… (MISP galaxy clusters: threat-actor, mitre-intrusion-set, mitre-attack-pattern)';

/** Reads and checks every file before the database is touched, so a bad file writes nothing. */
async function readCatalogueFiles(paths: string[]): Promise<CatalogueFile[]> {
  // npm runs scripts from the package folder; paths are meant from where the user typed them.
  const base = process.env.INIT_CWD ?? process.cwd();
  const files: CatalogueFile[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(resolve(base, path), 'utf8');
    } catch (error) {
      throw new CatalogueFileError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    files.push({ name: path, cluster: parseGalaxyCluster(text, path) });
  }
  return files;
}

/**
 * `npm run import:actors -- <file>…`: imports MISP galaxy clusters (threat actors, ATT&CK
 * groups, ATT&CK techniques; the kind is read from each file) into DATABASE_URL or the
 * embedded database, in one transaction, and prints a summary.
 */
async function main(): Promise<void> {
  const paths = process.argv.slice(2);
  if (paths.length === 0 || paths.includes('--help')) {
    console.error(USAGE);
    process.exit(paths.length === 0 ? 1 : 0);
  }
  const files = await readCatalogueFiles(paths);
  const config = loadConfig();

  // Loaded only once the files are good, so that a bad file is reported at once (require:
  // this command runs as CommonJS, and these are the heavy modules: the ORM, pg, Nest's entities).
  require('reflect-metadata');
  const { runImport } = require('../database/import-run') as typeof import('../database/import-run');
  const { CatalogueImportService } = require('./catalogue-import.service') as typeof import('./catalogue-import.service');
  const started = process.hrtime.bigint();
  const result = await runImport(config, 'Importing', (dataSource, progress) => new CatalogueImportService(dataSource).import(files, progress));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const kinds = files.map((f) => `${f.name} (${f.cluster.type}, ${f.cluster.values.length} entries)`).join(', ');
  console.log(`Imported ${kinds}.`);
  console.log(formatImportSummary(result, seconds));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = error instanceof ConfigError ? 'Configuration error: ' : 'Import failed: ';
  console.error(`${prefix}${message.split('\n')[0]}`);
  process.exit(1);
});
