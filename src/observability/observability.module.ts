import { Controller, DynamicModule, Get, Header, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
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
 * Logs and metrics: Nest's logger through nestjs-pino to the process's JSON logger (the request
 * lines: src/observability/request-log.ts), and /metrics.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot({
          // Nest's logger (and PinoLogger) write to the process's logger; the request lines are
          // written by src/observability/request-log.ts, so nestjs-pino's middleware runs on no route.
          forRoutes: [],
          pinoHttp: { logger },
        }),
        PoolMetrics,
      ],
    };
  }
}
