import { SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { checkConnection } from './check-connection';
import { dataSourceOptions } from './data-source-options';
import { RunningPostgres, startEmbeddedPostgres } from './embedded-postgres';

/** How far an import is: `done` of `total` steps, and what it is doing. */
export type ImportProgress = (done: number, total: number, stage?: string) => void;

/**
 * The frame every import command runs in (import:actors, import:eurepoc, import:stix):
 * the database of DATABASE_URL, or the embedded one started for the command; a progress
 * bar on a terminal (none when the output is a file or a pipe); and, whatever happens,
 * the bar, the connection and the embedded PostgreSQL stopped. The import itself, one
 * transaction in its service, is `work`.
 */
export async function runImport<T>(
  config: AppConfig,
  label: string,
  work: (dataSource: DataSource, progress: ImportProgress) => Promise<T>,
): Promise<T> {
  let embedded: RunningPostgres | null = null;
  let dataSource: DataSource | null = null;
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total} {stage}`, stream: process.stderr, hideCursor: true })
    : null;
  let barStarted = false;
  const progress: ImportProgress = (done, total, stage = '') => {
    if (!bar) return;
    if (!barStarted) bar.start(total, 0, { stage });
    barStarted = true;
    bar.update(done, { stage });
  };
  try {
    if (!config.databaseUrl) embedded = await startEmbeddedPostgres(config.embeddedPostgres);
    const url = config.databaseUrl ?? embedded!.url;
    await checkConnection(url);
    dataSource = await new DataSource(dataSourceOptions(url)).initialize();
    return await work(dataSource, progress);
  } finally {
    bar?.stop();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}
