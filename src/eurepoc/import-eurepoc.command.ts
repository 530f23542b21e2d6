import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config/app-config';
import { EurepocFileError, readEurepocFolder } from './eurepoc-files';
import { formatEurepocSummary, formatReportFile } from './eurepoc-report';

const USAGE = 'usage: npm run import:eurepoc -- <folder with the EuRepoC 1.1 CSV files> [--report <file>] (default report: eurepoc-import-report.tsv)';

/**
 * `npm run import:eurepoc -- <folder>`: imports EuRepoC 1.1 (incidents, attributions, receivers) into DATABASE_URL or the
 * embedded database, in one transaction; prints a summary and writes every reported record to a report file.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.includes('--help')) {
    console.error(USAGE);
    process.exit(args.length === 0 ? 1 : 0);
  }
  const reportAt = args.indexOf('--report');
  const reportArg = reportAt >= 0 ? args[reportAt + 1] : 'eurepoc-import-report.tsv';
  const [folder] = args.filter((_, i) => reportAt < 0 || (i !== reportAt && i !== reportAt + 1));
  if (!folder || !reportArg) {
    console.error(USAGE);
    process.exit(1);
  }
  // npm runs scripts from the package folder; paths are meant from where the user typed them.
  const base = process.env.INIT_CWD ?? process.cwd();
  const started = process.hrtime.bigint();
  const files = await readEurepocFolder(resolve(base, folder));
  const config = loadConfig();

  // The heavy modules only once the files are good (this command runs as CommonJS).
  require('reflect-metadata');
  const { runImport } = require('../database/import-run') as typeof import('../database/import-run');
  const { EurepocImportService } = require('./eurepoc-import.service') as typeof import('./eurepoc-import.service');
  const result = await runImport(config, 'Importing EuRepoC', (dataSource, progress) => new EurepocImportService(dataSource).import(files, progress));
  const reportPath = resolve(base, reportArg);
  await writeFile(reportPath, formatReportFile(result), 'utf8');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(formatEurepocSummary(result, seconds, reportPath));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = error instanceof ConfigError ? 'Configuration error: ' : error instanceof EurepocFileError ? 'Bad input: ' : 'Import failed: ';
  console.error(`${prefix}${message.split('\n')[0]}`);
  process.exit(1);
});
