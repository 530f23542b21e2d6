import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The service's Prometheus metrics, served at /metrics. One registry per process: the
 * importers count into it from anywhere through countImportedRows().
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const requestDuration = new Histogram({
  name: 'graphql_request_duration_seconds',
  help: 'Time to answer a GraphQL request, by operation name and outcome (ok or error)',
  labelNames: ['operation', 'outcome'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const errorsByCode = new Counter({
  name: 'graphql_errors_total',
  help: 'GraphQL errors sent to clients, by extensions.code',
  labelNames: ['code'] as const,
  registers: [registry],
});

const rowsImported = new Counter({
  name: 'rows_imported_total',
  help: 'Rows written by the importers, by importer and kind of row',
  labelNames: ['importer', 'kind'] as const,
  registers: [registry],
});

/** For importers: count `rows` rows of `kind` written by `importer` (e.g. 'catalogue', 'threat_actor'). */
export function countImportedRows(importer: string, kind: string, rows: number): void {
  if (rows > 0) rowsImported.inc({ importer, kind }, rows);
}

/** What the pg pool reports; read at every scrape. */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

let poolStats: (() => PoolStats | undefined) | undefined;

/** The application registers its pool here (the last one started wins; tests start several). */
export function observePool(stats: (() => PoolStats | undefined) | undefined): void {
  poolStats = stats;
}

new Gauge({
  name: 'db_pool_connections',
  help: 'Database pool connections: in_use (checked out), idle, and waiting (requests queued for one)',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    const stats = poolStats?.();
    this.reset();
    if (!stats) return;
    this.set({ state: 'in_use' }, stats.totalCount - stats.idleCount);
    this.set({ state: 'idle' }, stats.idleCount);
    this.set({ state: 'waiting' }, stats.waitingCount);
  },
});

/** Operation names become label values: keep them few and well-formed. */
export function operationLabel(name: string | null | undefined): string {
  return name && /^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name) ? name : 'anonymous';
}
