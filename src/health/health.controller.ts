import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * /health/live: the process answers (restart it if not).
 * /health/ready: it can serve data: the database answers and every migration is applied
 * (503 otherwise, e.g. during a database outage, so a load balancer sends traffic elsewhere).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(2_000),
      () =>
        this.indicators
          .check('migrations')
          .attempt(async () => {
            const rows = await this.dataSource.query<{ name: string }[]>('SELECT name FROM migrations');
            const applied = new Set(rows.map((r) => r.name));
            const pending = this.dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !applied.has(name));
            if (pending.length) throw new Error(`not applied: ${pending.join(', ')}`);
            return { applied: applied.size };
          })
          .withTimeout(2_000),
    ]);
  }
}
