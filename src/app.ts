import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as TypeOrmLogger } from 'typeorm';
import { AppModule } from './app.module';

/** Builds the Nest application on a database; shared by main.ts and the tests. */
export async function createApp(options: {
  databaseUrl: string;
  exposeErrors?: boolean;
  ideEnabled?: boolean;
  sqlLogger?: TypeOrmLogger;
  logger?: false | ('log' | 'error' | 'warn')[];
}): Promise<INestApplication> {
  const app = await NestFactory.create(
    AppModule.forRoot({
      databaseUrl: options.databaseUrl,
      exposeErrors: options.exposeErrors ?? false,
      ideEnabled: options.ideEnabled,
      sqlLogger: options.sqlLogger,
    }),
    { logger: options.logger ?? ['log', 'error', 'warn'], abortOnError: false },
  );
  app.enableShutdownHooks();
  return app;
}

export const log = new Logger('AttributionTracker');
