import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { Logger as PinoLogger } from 'pino';
import { Logger as TypeOrmLogger } from 'typeorm';
import type { FastifyServerOptions } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AppModule } from './app.module';
import { REQUEST_ID_HEADER, requestId } from './common/request-id';
import { loadConfig } from './config/app-config';
import { applyHttpLimits } from './limits/http-limits';
import { LimitsConfig, loadLimitsConfig } from './limits/limits-config';
import { createLogger, levelOf } from './observability/logger';
import { installRequestLog } from './observability/request-log';

function fastifyOptions(limits: LimitsConfig): FastifyServerOptions {
  return {
    bodyLimit: limits.bodyLimitBytes,
    // Fastify's own request id is the one the logs and the change log use (src/common/request-id.ts).
    genReqId: (req) => requestId(req as IncomingMessage),
    // `/dashboard/` is `/dashboard`, as it was on Express.
    routerOptions: { ignoreTrailingSlash: true },
  };
}

/** Builds the Nest application on a database; shared by main.ts and the tests. */
export async function createApp(options: {
  databaseUrl: string;
  exposeErrors?: boolean;
  ideEnabled?: boolean;
  sqlLogger?: TypeOrmLogger;
  publicRead?: boolean;
  /** Nest log levels (tests pass ['error'] to stay quiet); LOG_LEVEL otherwise. */
  logger?: false | ('log' | 'error' | 'warn')[];
  /** The process's logger, when the caller made one (main.ts). */
  log?: PinoLogger;
  /** Defaults to the environment's (docs/limits.md); tests override single limits. */
  limits?: Partial<LimitsConfig>;
}): Promise<INestApplication> {
  const limits = { ...loadLimitsConfig(), ...options.limits };
  const logger = options.log ?? createLogger(options.logger !== undefined ? levelOf(options.logger, 'info') : loadConfig().logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({
      databaseUrl: options.databaseUrl,
      exposeErrors: options.exposeErrors ?? false,
      sqlLogger: options.sqlLogger,
      publicRead: options.publicRead,
      ideEnabled: options.ideEnabled,
      limits,
      logger,
    }),
    // Fastify, not Express: its router, body parsing and replies cost about a third less CPU per request
    // (docs/benchmark.md). Bodies over BODY_LIMIT are refused before they are read in full.
    new FastifyAdapter(fastifyOptions(limits)),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(PinoNestLogger));
  // Every response echoes its request id, downloads and pages included (they take the reply's headers along).
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  installRequestLog(fastify, logger);
  applyHttpLimits(app, limits);
  // No enableShutdownHooks: main.ts stops in its own order (requests, pool, PostgreSQL).
  return app;
}
