import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as TypeOrmLogger } from 'typeorm';
import { AppModule } from './app.module';
import { applyHttpLimits } from './limits/http-limits';
import { LimitsConfig, loadLimitsConfig } from './limits/limits-config';

/** Builds the Nest application on a database; shared by main.ts and the tests. */
export async function createApp(options: {
  databaseUrl: string;
  exposeErrors?: boolean;
  sqlLogger?: TypeOrmLogger;
  publicRead?: boolean;
  logger?: false | ('log' | 'error' | 'warn')[];
  /** Defaults to the environment's (docs/limits.md); tests override single limits. */
  limits?: Partial<LimitsConfig>;
}): Promise<INestApplication> {
  const limits = { ...loadLimitsConfig(), ...options.limits };
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      databaseUrl: options.databaseUrl,
      exposeErrors: options.exposeErrors ?? false,
      sqlLogger: options.sqlLogger,
      publicRead: options.publicRead,
      limits,
    }),
    // The body parsers are applyHttpLimits' own, with BODY_LIMIT and GraphQL-shaped errors.
    { logger: options.logger ?? ['log', 'error', 'warn'], abortOnError: false, bodyParser: false },
  );
  applyHttpLimits(app, limits);
  app.enableShutdownHooks();
  return app;
}

export const log = new Logger('AttributionTracker');
