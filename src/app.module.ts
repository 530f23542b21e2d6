import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { Request } from 'express';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { ActorsModule } from './actors/actors.module';
import { AttributionsModule } from './attributions/attributions.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { formatGraphQLError } from './common/errors';
import { GraphQLExceptionFilter } from './common/graphql-exception.filter';
import { RequestContext, RequestLoaders } from './common/request-loaders';
import { validationPipe } from './common/validation';
import { CountriesModule } from './countries/countries.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { dataSourceOptions } from './database/data-source-options';
import { IncidentsModule } from './incidents/incidents.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { PeopleModule } from './people/people.module';
import { SearchModule } from './search/search.module';
import { SourcesModule } from './sources/sources.module';
import { StatementsModule } from './statements/statements.module';
import { TimelineModule } from './timeline/timeline.module';

export interface AppModuleOptions {
  databaseUrl: string;
  exposeErrors: boolean;
  /** Receives every SQL statement (tests count them to prove there is no N+1). */
  sqlLogger?: TypeOrmLogger;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const errorLog = new Logger('GraphQL');
    return {
      module: AppModule,
      imports: [
        // Fail fast on an unreachable database instead of retrying for half a minute.
        TypeOrmModule.forRoot({ ...dataSourceOptions(options.databaseUrl, options.sqlLogger), retryAttempts: 1, retryDelay: 500 }),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [getDataSourceToken()],
          useFactory: (dataSource: DataSource) => ({
            autoSchemaFile: true,
            sortSchema: true,
            graphiql: true,
            introspection: true,
            includeStacktraceInErrorResponses: options.exposeErrors,
            // No cache hints are used; left on, the plugin wraps every field's resolver (issue 11 profile).
            // Typed against Apollo's CommonJS build, run by its ES module one: the plugin is a plain marker object.
            plugins: [ApolloServerPluginCacheControlDisabled() as never],
            context: ({ req }: { req: Request }): RequestContext & { req: Request } => ({
              req,
              loaders: new RequestLoaders(dataSource),
            }),
            formatError: (formatted, error) =>
              formatGraphQLError(formatted, error, {
                exposeInternals: options.exposeErrors,
                log: (e) => errorLog.error(e instanceof Error ? (e.stack ?? e.message) : String(e)),
              }),
          }),
        }),
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
      ],
      providers: [
        { provide: APP_PIPE, useValue: validationPipe },
        { provide: APP_FILTER, useClass: GraphQLExceptionFilter },
      ],
    };
  }
}
