import { Controller, DynamicModule, RequestMethod, Get, Header, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ErrorCode } from '../common/errors';
import { requestId } from '../common/request-id';
import { graphqlOutcome } from './graphql-observer.plugin';
import { poolsOf } from '../common/entity-reader';
import { PoolStats, observePool, registry } from './metrics';

@Controller('metrics')
class MetricsController {
  @Get()
  @Header('Content-Type', registry.contentType)
  metrics(): Promise<string> {
    return registry.metrics();
  }
}

/** Shows this application's pg pools (TypeORM's and the named statements', summed) to the db_pool_connections gauge. */
@Module({ controllers: [MetricsController] })
class PoolMetrics implements OnModuleInit, OnApplicationShutdown {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private readonly stats = (): PoolStats | undefined => {
    const pools = poolsOf(this.dataSource);
    if (!pools.length) return undefined;
    const sum = (count: (pool: PoolStats) => number) => pools.reduce((n, pool) => n + count(pool), 0);
    return { totalCount: sum((p) => p.totalCount), idleCount: sum((p) => p.idleCount), waitingCount: sum((p) => p.waitingCount) };
  };

  onModuleInit(): void {
    observePool(this.stats);
  }

  onApplicationShutdown(): void {
    observePool(undefined);
  }
}

/**
 * JSON request logs (nestjs-pino): one line per request with its id (X-Request-Id, echoed
 * in the response), the GraphQL operation, the duration and the outcome; and /metrics.
 * Requests refused during a database outage log at debug: the outage itself gets one
 * line at its start and one at its end (DatabaseOutage).
 */
@Module({})
export class ObservabilityModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot({
          // Every route, in the wildcard syntax Fastify's middleware (middie 9) matches: nestjs-pino's
          // default ('{/*splat}') matches none of them there.
          forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
          pinoHttp: {
            logger,
            // Called only when no earlier middleware gave the request its id (pino-http keeps req.id).
            genReqId: (req, res) => requestId(req, res),
            // originalUrl: inside Fastify's middleware (middie) the url is relative to the route's mount point.
            autoLogging: { ignore: (req) => /^\/(health|metrics)\b/.test((req as { originalUrl?: string }).originalUrl ?? req.url ?? '') },
            customLogLevel: (req, res: ServerResponse, error) => {
              const codes = graphqlOutcome(req)?.errorCodes ?? [];
              // Refused during an outage (503 when the account could not be checked): the outage has its own log lines.
              if (codes.length && codes.every((c) => c === ErrorCode.ServiceUnavailable)) return 'debug';
              if (error || res.statusCode >= 500 || codes.includes(ErrorCode.Internal)) return 'error';
              return 'info';
            },
            customSuccessObject: (req, _res, value: Record<string, unknown>) => {
              const outcome = graphqlOutcome(req);
              return outcome ? { ...value, operation: outcome.operation, outcome: outcome.errorCodes.length ? 'error' : 'ok', errorCodes: outcome.errorCodes } : value;
            },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
        PoolMetrics,
      ],
    };
  }
}
