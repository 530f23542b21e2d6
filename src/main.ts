import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Server } from 'node:http';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { DatabaseUnreachableError, checkConnection } from './database/check-connection';
import { EmbeddedPostgresError, RunningPostgres, startEmbeddedPostgres } from './database/embedded-postgres';
import { drainServer, trackRequests } from './lifecycle/shutdown';
import { createLogger } from './observability/logger';

/**
 * Starts the API (and an embedded PostgreSQL when DATABASE_URL is unset). SIGTERM and
 * SIGINT stop it in order: no new connections, the requests in flight finish (within
 * SHUTDOWN_GRACE_MS), the pool closes, then the embedded PostgreSQL stops.
 */
async function main(config: AppConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  let embedded: RunningPostgres | null = null;
  let app: INestApplication | null = null;
  let requests: ReturnType<typeof trackRequests> | null = null;
  let stopping = false;

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    logger.info({ event: 'shutdown', signal }, `${signal}: stopping (requests in flight get up to ${config.shutdownGraceMs} ms)`);
    try {
      if (app && requests) {
        const inFlight = requests.inFlight();
        const unfinished = await drainServer(app.getHttpServer() as Server, requests, config.shutdownGraceMs);
        if (unfinished) logger.warn(`${unfinished} of ${inFlight} requests in flight were cut off after ${config.shutdownGraceMs} ms`);
        await app.close(); // closes the pool
      }
      await embedded?.stop();
      logger.info({ event: 'stopped', ms: Date.now() - started }, `Stopped in ${Date.now() - started} ms`);
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'Shutdown failed');
      process.exit(1);
    }
  };
  // Installed before anything starts, so a signal during start-up still stops PostgreSQL.
  // `on`, not `once`: Ctrl-C under npm delivers SIGINT twice (terminal and npm), and a
  // second signal must not fall back to the default action and kill the drain midway.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      logger.info(`DATABASE_URL not set: starting embedded PostgreSQL in ${config.embeddedPostgres.dataDir}`);
      embedded = await startEmbeddedPostgres({ ...config.embeddedPostgres, log: (line) => logger.info(line) });
      databaseUrl = embedded.url;
    }
    if (stopping) return;
    await checkConnection(databaseUrl);
    // Loaded here, not at the top: a bad setting or database is reported before the seconds
    // that loading Nest, Apollo and TypeORM takes (require: this file is CommonJS).
    const { createApp } = require('./app') as typeof import('./app');
    const { seedIfEmpty } = require('./seed/seed') as typeof import('./seed/seed');
    const { DataSource } = require('typeorm') as typeof import('typeorm');
    app = await createApp({
      databaseUrl,
      exposeErrors: config.exposeErrors,
      publicRead: config.publicRead,
      limits: config.limits,
      ideEnabled: config.ideEnabled,
      log: logger,
    });
    if (config.seedOnStart) {
      const seeded = await seedIfEmpty(app.get(DataSource));
      if (seeded) logger.info('Loaded the founding articles (empty database)');
    }
    requests = trackRequests(app.getHttpServer() as Server);
    if (stopping) return;
    await listenEverywhere(app, config.port);
    logger.info(`GraphQL API${config.ideEnabled ? ' and GraphiQL' : ''} at ${(await app.getUrl()).replace('[::1]', 'localhost')}/graphql`);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
}

/**
 * Every interface, as Node's own default does: IPv6 and IPv4 on `::`, IPv4 alone where the host
 * has no IPv6 (some containers). Fastify on its own would listen on localhost only.
 */
async function listenEverywhere(app: INestApplication, port: number): Promise<void> {
  try {
    await app.listen(port, '::');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw error;
    await app.listen(port, '0.0.0.0');
  }
}

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else if (error instanceof DatabaseUnreachableError) {
    console.error(`Could not start: ${error.message} (check DATABASE_URL)`);
  } else if (error instanceof EmbeddedPostgresError) {
    console.error(`Could not start: ${error.message}`);
  } else {
    const message = error instanceof Error ? error.message || error.name : String(error);
    const code = (error as { code?: unknown })?.code;
    console.error(`Could not start: ${message}${code && !message.includes(String(code)) ? ` (${String(code)})` : ''}`);
  }
  process.exit(1);
}

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  fail(error);
}
main(config).catch(fail);
