import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { Logger as PinoLogger } from 'pino';
import { Logger as TypeOrmLogger } from 'typeorm';
import { AppModule } from './app.module';
import { loadConfig } from './config/app-config';
import { createLogger, levelOf } from './observability/logger';

/** Builds the Nest application on a database; shared by main.ts and the tests. */
export async function createApp(options: {
  databaseUrl: string;
  exposeErrors?: boolean;
  sqlLogger?: TypeOrmLogger;
  /** Nest log levels (tests pass ['error'] to stay quiet); LOG_LEVEL otherwise. */
  logger?: false | ('log' | 'error' | 'warn')[];
  /** The process's logger, when the caller made one (main.ts). */
  log?: PinoLogger;
}): Promise<INestApplication> {
  const logger = options.log ?? createLogger(options.logger !== undefined ? levelOf(options.logger, 'info') : loadConfig().logLevel);
  const app = await NestFactory.create(
    AppModule.forRoot({ databaseUrl: options.databaseUrl, exposeErrors: options.exposeErrors ?? false, sqlLogger: options.sqlLogger, logger }),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(PinoNestLogger));
  // No enableShutdownHooks: main.ts stops in its own order (requests, pool, PostgreSQL).
  return app;
}
