import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { GraphQLSchema } from 'graphql';
import { Logger as PinoLogger } from 'pino';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { ActorsModule } from './actors/actors.module';
import { AttributionsModule } from './attributions/attributions.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { withChangeContext } from './auth/change-recorder';
import { CampaignsModule } from './campaigns/campaigns.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { formatGraphQLError } from './common/errors';
import { GraphQLExceptionFilter } from './common/graphql-exception.filter';
import { lookAheadPlugin } from './common/lookahead';
import { RequestContext, RequestLoaders } from './common/request-loaders';
import { StorableInputPipe } from './common/storable-input.pipe';
import { validationPipe } from './common/validation';
import { CountriesModule } from './countries/countries.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { dataSourceOptions } from './database/data-source-options';
import { initializeMigrated } from './database/migrate';
import { DatabaseOutage } from './health/database-outage';
import { HealthModule } from './health/health.module';
import { ExportModule } from './export/export.module';
import { offlineGraphiQL } from './ide/offline-ide.plugin';
import { IncidentsModule } from './incidents/incidents.module';
import { NodesModule } from './nodes/nodes.module';
import { LimitsConfig } from './limits/limits-config';
import { queryLimits } from './limits/query-limits';
import { graphqlObserverPlugin, requestIdOfError } from './observability/graphql-observer.plugin';
import { ObservabilityModule } from './observability/observability.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { PeopleModule } from './people/people.module';
import { ResponsesModule } from './responses/responses.module';
import { SearchModule } from './search/search.module';
import { SourcesModule } from './sources/sources.module';
import { StatementsModule } from './statements/statements.module';
import { StixModule } from './stix/stix.module';
import { TimelineModule } from './timeline/timeline.module';

export interface AppModuleOptions {
  databaseUrl: string;
  exposeErrors: boolean;
  /** GraphiQL at GET /graphql, served from node_modules (IDE_ENABLED; on unless false). */
  ideEnabled?: boolean;
  /** Receives every SQL statement (tests count them to prove there is no N+1). */
  sqlLogger?: TypeOrmLogger;
  /** Anonymous reads allowed (PUBLIC_READ); default true. */
  publicRead?: boolean;
  /** What one request may cost (docs/limits.md). */
  limits: LimitsConfig;
  /** The process's JSON logger (src/observability/logger.ts). */
  logger: PinoLogger;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    // Faults are logged with their request's id (the request log line's), named on the error by the observer plugin.
    const errorLog = options.logger.child({ context: 'GraphQL' });
    const { validationRules, plugins, transformSchema } = queryLimits(options.limits);
    const database = dataSourceOptions(options.databaseUrl, options.sqlLogger) as PostgresDataSourceOptions;
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot(options.logger),
        // Fail fast on an unreachable database instead of retrying for half a minute.
        // statement_timeout bounds each SQL statement of the API (not the CLI commands' own pools);
        // the migrations run under an advisory lock, so instances starting together don't race.
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...database,
            extra: { ...(database.extra as object), statement_timeout: options.limits.statementTimeoutMs || undefined },
            retryAttempts: 1,
            retryDelay: 500,
          }),
          dataSourceFactory: (dataSourceOptions) => initializeMigrated(dataSourceOptions!),
        }),
        HealthModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [HealthModule],
          inject: [getDataSourceToken(), DatabaseOutage],
          useFactory: (dataSource: DataSource, outage: DatabaseOutage) => ({
            autoSchemaFile: true,
            sortSchema: true,
            // Not @nestjs/apollo's GraphiQL, which loads from unpkg.com: ours works offline (src/ide/).
            graphiql: false,
            introspection: options.limits.introspection,
            validationRules,
            // The request's time budget is checked in the resolvers that can send SQL (src/limits/query-limits.ts);
            // mutations resolve in their change context (src/auth/change-recorder.ts).
            transformSchema: (schema: GraphQLSchema) => withChangeContext(transformSchema(schema)),
            plugins: [
              ...plugins,
              graphqlObserverPlugin(),
              // Relations the operation selects are read with their parents' rows (src/common/lookahead.ts).
              lookAheadPlugin() as never,
              ...(options.ideEnabled === false ? [] : [offlineGraphiQL('/graphql')]),
              // No cache hints are used; left on, the plugin wraps every field's resolver (issue 11 profile).
              // Typed against Apollo's CommonJS build, run by its ES module one: the plugin is a plain marker object.
              ApolloServerPluginCacheControlDisabled() as never,
            ],
            includeStacktraceInErrorResponses: options.exposeErrors,
            // @as-integrations/fastify passes the Fastify request itself.
            context: (req: FastifyRequest): RequestContext & { req: FastifyRequest } => ({
              req,
              loaders: new RequestLoaders(dataSource),
            }),
            formatError: (formatted, error) =>
              formatGraphQLError(formatted, error, {
                exposeInternals: options.exposeErrors,
                log: (e) => errorLog.error({ req: { id: requestIdOfError(error) }, err: e }, e instanceof Error ? e.message : String(e)),
                onUnavailable: (e) => outage.report(e),
              }),
          }),
        }),
        AuthModule.forRoot({ publicRead: options.publicRead ?? true }),
        AuditModule,
        CountriesModule,
        OrganizationsModule,
        PeopleModule,
        ActorsModule,
        CampaignsModule,
        IncidentsModule,
        SourcesModule,
        StatementsModule,
        AttributionsModule,
        TimelineModule,
        CatalogueModule,
        DashboardModule,
        SearchModule,
        StixModule,
        ResponsesModule,
        NodesModule,
        ExportModule,
      ],
      providers: [
        { provide: APP_PIPE, useValue: validationPipe },
        // After validation, which has turned inputs into their classes (DateSpanInput…).
        { provide: APP_PIPE, useClass: StorableInputPipe },
        { provide: APP_FILTER, useClass: GraphQLExceptionFilter },
      ],
    };
  }
}
