import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

const PROBE_INTERVAL_MS = 250;

/**
 * Turns the many failed requests of a database outage into two log lines: one when it
 * starts (the first request that cannot reach the database) and one when it ends (the
 * first probe that gets an answer). The pool reconnects by itself; nothing restarts.
 */
@Injectable()
export class DatabaseOutage implements OnModuleDestroy {
  private since: number | null = null;
  private refused = 0;
  private probe: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('Database');
  }

  get ongoing(): boolean {
    return this.since !== null;
  }

  /** A request could not reach the database. */
  report(error: unknown): void {
    this.refused++;
    if (this.since !== null) return;
    this.since = Date.now();
    this.refused = 1;
    const reason = (error as { code?: string; message?: string }).code ?? (error as Error).message;
    this.logger.warn({ event: 'database_outage_started', reason }, `Database unreachable (${reason}): answering SERVICE_UNAVAILABLE until it is back`);
    this.probe = setInterval(() => void this.check(), PROBE_INTERVAL_MS);
    this.probe.unref();
  }

  private async check(): Promise<void> {
    if (this.since === null) return;
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      return;
    }
    if (this.since === null) return;
    const seconds = (Date.now() - this.since) / 1000;
    this.logger.warn(
      { event: 'database_outage_ended', outageSeconds: seconds, refusedRequests: this.refused },
      `Database reachable again after ${seconds.toFixed(1)} s; ${this.refused} requests were answered SERVICE_UNAVAILABLE`,
    );
    this.since = null;
    this.stop();
  }

  private stop(): void {
    if (this.probe) clearInterval(this.probe);
    this.probe = null;
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
