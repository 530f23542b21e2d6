import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createApp, log } from './app';
import { ConfigError, loadConfig } from './config/app-config';
import { DatabaseUnreachableError, checkConnection } from './database/check-connection';
import { RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';
import { seedIfEmpty } from './seed/seed';

async function main(): Promise<void> {
  const config = loadConfig();
  let embedded: RunningPostgres | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    log.log(`DATABASE_URL not set: starting embedded PostgreSQL in ${config.embeddedPostgres.dataDir}`);
    embedded = await startEmbeddedPostgres({ ...config.embeddedPostgres });
    databaseUrl = embedded.url;
  }
  // Nest's shutdown hooks close the HTTP server and the pool; then the embedded server stops.
  const stopEmbedded = async () => {
    if (embedded) await embedded.stop();
  };
  try {
    await checkConnection(databaseUrl);
    const app = await createApp({ databaseUrl, exposeErrors: config.exposeErrors, ideEnabled: config.ideEnabled });
    if (config.seedOnStart) {
      const seeded = await seedIfEmpty(app.get(DataSource));
      if (seeded) log.log('Loaded the founding articles (empty database)');
    }
    app.getHttpServer().on('close', () => void stopEmbedded());
    await app.listen(config.port);
    log.log(`GraphQL API${config.ideEnabled ? ' and GraphiQL' : ''} at ${(await app.getUrl()).replace('[::1]', 'localhost')}/graphql`);
  } catch (error) {
    await stopEmbedded();
    throw error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else if (error instanceof DatabaseUnreachableError) {
    console.error(`Could not start: ${error.message} (check DATABASE_URL)`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`Could not start: ${message}`);
  }
  process.exit(1);
});
