import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { Logger as TypeOrmLogger } from 'typeorm';
import { app as appModule } from './app-modules';
import { BenchQuery } from './queries';

/** Tables large enough that a sequential scan over them is a finding (issue 4). */
export const LARGE_TABLES = [
  'incident', 'incident_target', 'incident_source', 'source_article', 'statement', 'statement_source', 'statement_incident',
  'statement_actor', 'statement_country', 'attribution', 'attribution_source', 'attribution_statement', 'attribution_revision',
];

export interface StatementPlan {
  sql: string;
  parameters: unknown[];
  /** Which of the query's variable sets ran it. */
  variant: number;
  /** EXPLAIN (ANALYZE, BUFFERS) in text form. */
  plan: string;
  executionMs: number;
  /** Large tables this statement reads by a sequential scan. */
  seqScans: string[];
}

export interface QueryPlans {
  /** SQL statements the request ran (all of them, DataLoader batches included; the most of any variable set). */
  statementCount: number;
  /** The statement with the longest execution time: the query's main SQL. */
  main: StatementPlan | null;
  others: StatementPlan[];
  seqScans: string[];
  error: string | null;
}

/** Records the SQL of the app while `recording` is on (one request at a time). */
class RecordingLogger implements TypeOrmLogger {
  recording = false;
  statements: { sql: string; parameters: unknown[] }[] = [];
  logQuery(query: string, parameters?: unknown[]) {
    if (this.recording) this.statements.push({ sql: query, parameters: parameters ?? [] });
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

/**
 * The SQL behind each query, and its plans: the API is started in this process (the same
 * compiled code as the measured process, from dist/) with a TypeORM logger that records
 * every statement; each query is sent once over HTTP to warm up and once recorded; every
 * recorded SELECT is then run again under EXPLAIN (ANALYZE, BUFFERS) with its parameters.
 */
export async function capturePlans(url: string, queries: BenchQuery[], log: (line: string) => void): Promise<Map<string, QueryPlans>> {
  const logger = new RecordingLogger();
  const app: INestApplication = await appModule().createApp({ databaseUrl: url, sqlLogger: logger, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const endpoint = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
  const client = new Client({ connectionString: url, application_name: 'attribution-tracker-bench-explain' });
  await client.connect();
  const result = new Map<string, QueryPlans>();
  try {
    for (const query of queries) {
      // Every variable set: the main SQL is the slowest statement of any of them.
      const plans: StatementPlan[] = [];
      let statementCount = 0;
      let error: string | null = null;
      for (const [variant, variables] of query.variables.entries()) {
        const send = () =>
          fetch(endpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: query.query, variables }),
            signal: AbortSignal.timeout(300_000),
          }).then((r) => r.text());
        await send();
        logger.statements = [];
        logger.recording = true;
        const body = await send();
        logger.recording = false;
        if (body.startsWith('{"errors"')) error ??= body.slice(0, 500);
        statementCount = Math.max(statementCount, logger.statements.length);
        for (const statement of logger.statements) {
          if (!/^\s*(SELECT|WITH)\b/i.test(statement.sql)) continue;
          const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.parameters as unknown[]);
          const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
          plans.push({ ...statement, variant, plan, executionMs: executionTime(plan), seqScans: seqScansIn(plan) });
        }
      }
      const sorted = [...plans].sort((a, b) => b.executionMs - a.executionMs);
      const seqScans = [...new Set(plans.flatMap((p) => p.seqScans))].sort();
      // Of the other variants, only what adds information: the statements with a sequential scan.
      const main = sorted[0] ?? null;
      const others = sorted.slice(1).filter((p) => p.variant === main?.variant || p.seqScans.length);
      result.set(query.name, { statementCount, main, others, seqScans, error });
      log(`  ${query.name}: ${statementCount} statements, slowest ${main?.executionMs.toFixed(1) ?? '-'} ms (variant ${main?.variant ?? '-'})` +
        `${seqScans.length ? `, SEQ SCAN on ${seqScans.join(', ')}` : ''}${error ? ', ERROR' : ''}`);
    }
  } finally {
    await client.end();
    await app.close();
  }
  return result;
}

function executionTime(plan: string): number {
  const match = /Execution Time: ([\d.]+) ms/.exec(plan);
  return match ? Number(match[1]) : 0;
}

export function seqScansIn(plan: string): string[] {
  const tables = new Set<string>();
  for (const match of plan.matchAll(/Seq Scan on (\w+)/g)) {
    if (LARGE_TABLES.includes(match[1])) tables.add(match[1]);
  }
  return [...tables];
}
