import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './app-modules';
import { ComparisonReport } from './compare';
import { DatasetMarker } from './database';
import { LatencyStats } from './load';
import { QueryPlans } from './plans';
import { BenchQuery, QueryKind, TARGET_P95_MS } from './queries';

export interface QueryResult {
  name: string;
  kind: QueryKind;
  question: string;
  graphql: string;
  variables: Record<string, unknown>[];
  targetP95Ms: number;
  c1: LatencyStats | null;
  c16: LatencyStats | null;
  plans: QueryPlans | null;
  /** p95 at concurrency 1 within the target, no errors, and no sequential scan over a large table. */
  pass: boolean;
  /** Why not, in words. */
  misses: string[];
}

export interface BenchReport {
  generatedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; postgres: string; database: string };
  postgresSettings: Record<string, string>;
  dataset: DatasetMarker & { generatedThisRun: boolean };
  options: { requestsC1: number; requestsC16: number; maxSeconds: number; apiPoolSize: number };
  /** Issue 11 §6: ours beside PostGraphile 4 (null when BENCH_COMPARE=off). */
  comparison: ComparisonReport | null;
  targets: Record<QueryKind, number>;
  memory: { apiPeakRssMiB: number; apiStartRssMiB: number; apiPeakRssMiBPagedQueries: number };
  queries: QueryResult[];
  summary: { queries: number; passed: number; failed: string[] };
}

export function judge(query: BenchQuery, c1: LatencyStats | null, c16: LatencyStats | null, plans: QueryPlans | null): QueryResult {
  const target = TARGET_P95_MS[query.kind];
  const misses: string[] = [];
  if (!c1) misses.push('not measured');
  else if (c1.p95 >= target) misses.push(`p95 ${c1.p95} ms ≥ ${target} ms at concurrency 1`);
  const errors = (c1?.errors ?? 0) + (c16?.errors ?? 0);
  if (errors) misses.push(`${errors} failed requests (${c1?.firstError ?? c16?.firstError})`);
  if (plans?.seqScans.length) misses.push(`sequential scan on ${plans.seqScans.join(', ')}`);
  if (plans?.error) misses.push(`error: ${plans.error.slice(0, 200)}`);
  return {
    name: query.name,
    kind: query.kind,
    question: query.question,
    graphql: query.query.replace(/\n\s+/g, '\n  ').trim(),
    variables: query.variables,
    targetP95Ms: target,
    c1,
    c16,
    plans,
    pass: misses.length === 0,
    misses,
  };
}

const ms = (n: number | undefined) => (n === undefined ? '–' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)}`);

/** Long literals cut, so that the report stays readable and small enough to commit. */
function compactValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    const head = value.slice(0, 8).map(compactValue);
    return value.length > 8 ? [...head, `… ${value.length - 8} more`] : head;
  }
  if (typeof value === 'string' && value.length > 300) return `${value.slice(0, 300)}…`;
  return value;
}

function compactPlan(plan: string): string {
  return plan
    .split('\n')
    .map((line) => line.replace(/'\{[^}]{200,}\}'/g, (literal) => `${literal.slice(0, 120)}…}'`))
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
    .join('\n');
}

function compactPlans(plans: QueryPlans | null): QueryPlans | null {
  if (!plans) return null;
  const statement = (p: NonNullable<QueryPlans['main']>, keepPlan: boolean) => ({
    ...p,
    // TypeORM writes In([...]) as one placeholder per id: a list of thousands, shortened here.
    sql: p.sql.replace(/(\$\d+, ){19,}\$\d+/g, (list) => {
      const all = list.split(', ');
      return `${all.slice(0, 8).join(', ')}, … (${all.length - 9} more), ${all[all.length - 1]}`;
    }),
    parameters: compactValue(p.parameters) as unknown[],
    plan: keepPlan ? compactPlan(p.plan) : '',
  });
  return {
    ...plans,
    main: plans.main ? statement(plans.main, true) : null,
    others: plans.others.map((o) => statement(o, o.seqScans.length > 0)),
  };
}

export function writeReport(full: BenchReport): { markdown: string; json: string } {
  const report: BenchReport = { ...full, queries: full.queries.map((q) => ({ ...q, plans: compactPlans(q.plans) })) };
  const dir = join(PROJECT_ROOT, 'bench', 'report');
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const markdown = join(dir, 'report.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, renderMarkdown(report));
  return { markdown, json };
}

export function summaryTable(report: BenchReport): string {
  const rows = report.queries.map((q) => {
    const c1 = q.c1;
    const c16 = q.c16;
    return `| ${q.name} | ${q.kind} | < ${q.targetP95Ms} | ${ms(c1?.p50)} / ${ms(c1?.p95)} / ${ms(c1?.p99)} | ${c1?.rps ?? '–'} | ` +
      `${ms(c16?.p50)} / ${ms(c16?.p95)} / ${ms(c16?.p99)} | ${c16?.rps ?? '–'} | ${q.plans?.statementCount ?? '–'} | ` +
      `${q.plans?.seqScans.length ? q.plans.seqScans.join(', ') : 'none'} | ${q.pass ? 'pass' : '**FAIL**'} |`;
  });
  return [
    '| Query | Kind | Target p95 (ms) | c=1 p50 / p95 / p99 (ms) | c=1 req/s | c=16 p50 / p95 / p99 (ms) | c=16 req/s | SQL statements | Seq scan on large tables | Result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function renderMarkdown(r: BenchReport): string {
  const d = r.dataset;
  const lines: string[] = [];
  lines.push('# Benchmark report', '');
  lines.push(`Written by \`npm run bench\` on ${r.generatedAt}. ${r.summary.passed} of ${r.summary.queries} queries pass.`, '');
  lines.push(`Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB; Node ${r.machine.node}; ${r.machine.postgres}; ${r.machine.database}.`);
  lines.push(`API: \`node dist/src/main.js\` in its own process, connection pool of ${r.options.apiPoolSize}; requests over HTTP keep-alive on loopback.`);
  lines.push(`Each query: ${r.options.requestsC1} requests at concurrency 1, then ${r.options.requestsC16} at concurrency 16, each run stopped after ${r.options.maxSeconds} s at most (fewer requests then; see the JSON). Latency is from sending the request to having read the whole response.`);
  lines.push(`Targets: p95 at concurrency 1 below ${r.targets.analyst} ms for analyst queries and below ${r.targets.aggregate} ms for aggregates; no sequential scan over a large table in any statement of the request.`, '');
  if (r.comparison) lines.push(...comparisonSection(r.comparison));
  if (r.queries.length) lines.push('## Results', '', summaryTable(r), '');
  lines.push(`Peak resident memory of the API process: **${r.memory.apiPeakRssMiBPagedQueries.toFixed(0)} MiB** while serving every paged query (all but the two unpaged README ones, which run last), **${r.memory.apiPeakRssMiB.toFixed(0)} MiB** overall (VmHWM); ${r.memory.apiStartRssMiB.toFixed(0)} MiB after start-up.`, '');
  if (r.summary.failed.length) {
    lines.push('### Misses', '');
    for (const q of r.queries.filter((x) => !x.pass)) lines.push(`- **${q.name}**: ${q.misses.join('; ')}`);
    lines.push('');
  }
  lines.push('## Dataset', '');
  lines.push(`Scale ${d.scale}, seed ${d.seed}, generator v${d.version}, generated ${d.generatedAt}${d.generatedThisRun ? ' (this run)' : ' (reused)'}; migrations ${d.migrations.join(', ')}.`, '');
  lines.push('| Table | Rows |', '| --- | --- |');
  for (const [table, count] of Object.entries(d.counts)) lines.push(`| ${table} | ${count.toLocaleString('en-US')} |`);
  lines.push('', '| Load step | Rows | Seconds |', '| --- | --- | --- |');
  for (const t of d.timings) lines.push(`| ${t.step} | ${t.rows === null ? '' : t.rows.toLocaleString('en-US')} | ${t.seconds} |`);
  lines.push(`| **total** | | ${d.timings.reduce((s, t) => s + t.seconds, 0).toFixed(1)} |`, '');
  lines.push('PostgreSQL settings in force: ' + Object.entries(r.postgresSettings).map(([k, v]) => `\`${k}=${v}\``).join(', '), '');
  lines.push('## Queries and plans', '');
  lines.push('Each query was sent once more to an API started inside the runner with a TypeORM logger recording every SQL statement; each recorded SELECT was re-run under `EXPLAIN (ANALYZE, BUFFERS)` with its parameters. The main SQL is the statement with the longest execution time; the others are listed with their times.', '');
  for (const q of r.queries) {
    lines.push(`### ${q.name}`, '');
    lines.push(`${/[.?!)]$/.test(q.question) ? q.question : `${q.question}.`} ${q.pass ? 'Passes.' : `**Misses**: ${q.misses.join('; ')}.`}`, '');
    lines.push('```graphql', q.graphql, '```', '');
    lines.push(`Variables (rotated): \`${JSON.stringify(q.variables)}\``, '');
    if (q.c1 && q.c16) {
      if (q.variables.length > 1) {
        lines.push('| Variables | c=1 p50 (ms) | c=1 p95 (ms) | c=16 p50 (ms) | c=16 p95 (ms) |', '| --- | --- | --- | --- | --- |');
        q.variables.forEach((v, i) => {
          const a = q.c1!.byVariant[i];
          const b = q.c16!.byVariant[i];
          lines.push(`| \`${JSON.stringify(v)}\` | ${ms(a?.p50)} | ${ms(a?.p95)} | ${ms(b?.p50)} | ${ms(b?.p95)} |`);
        });
        lines.push('');
      }
      lines.push(`c=1: ${q.c1.requests} requests, p50 ${ms(q.c1.p50)} ms, p95 ${ms(q.c1.p95)} ms, p99 ${ms(q.c1.p99)} ms, max ${ms(q.c1.max)} ms, ${q.c1.rps} req/s, response ${q.c1.responseBytes.toLocaleString('en-US')} bytes.` +
        ` c=16: ${q.c16.requests} requests, p50 ${ms(q.c16.p50)} ms, p95 ${ms(q.c16.p95)} ms, ${q.c16.rps} req/s; API peak RSS ${q.c16.peakRssMiB.toFixed(0)} MiB.`, '');
    }
    const p = q.plans;
    if (!p) continue;
    if (p.main) {
      lines.push(`${p.statementCount} SQL statements; main SQL (${p.main.executionMs.toFixed(1)} ms, with the variables \`${JSON.stringify(q.variables[p.main.variant])}\`):`, '');
      lines.push('```sql', p.main.sql.trim(), '```', '');
      if (p.main.parameters.length) lines.push(`Parameters: \`${truncate(JSON.stringify(p.main.parameters), 600)}\``, '');
      lines.push('```', p.main.plan, '```', '');
    }
    if (p.others.length) {
      lines.push('Other statements:', '');
      for (const o of p.others) {
        lines.push(`- ${o.executionMs.toFixed(1)} ms${o.seqScans.length ? ` (**seq scan on ${o.seqScans.join(', ')}**)` : ''}: \`${truncate(o.sql.replace(/\s+/g, ' ').trim(), 240)}\``);
      }
      lines.push('');
      for (const o of p.others.filter((x) => x.seqScans.length)) {
        lines.push(`Plan of the statement with a sequential scan (${o.executionMs.toFixed(1)} ms):`, '', '```sql', o.sql.trim(), '```', '', '```', o.plan, '```', '');
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Ours beside PostGraphile 4: req/s, p50/p95 and the ratio at each concurrency, then the raw-SQL ceiling. */
export function comparisonSection(c: ComparisonReport): string[] {
  const side = (s: { rps: number; p50: number; p95: number }) => `${s.rps} | ${ms(s.p50)} / ${ms(s.p95)}`;
  const lines = [
    '## Ours beside PostGraphile 4', '',
    `The same questions asked of our API and of PostGraphile 4 (\`bench/postgraphile-server.js\`: read-only, loopback, pool of 10) over the same database, ` +
      `after a warm-up of ${c.warmUp ?? 200} requests at concurrency 16 per side, ` +
      `in ${c.rounds} interleaved rounds of ${c.requestsPerRound.c1} requests at concurrency 1 and ${c.requestsPerRound.c16} at concurrency 16 per side ` +
      '(the side that goes first alternates); latencies pooled over the rounds. Ratio = our req/s ÷ PostGraphile\'s. ' +
      '"Same data": both answers, normalised (lists neither side orders sorted), are equal for every variable set.', '',
    '| Question | c | ours req/s | ours p50 / p95 (ms) | PostGraphile req/s | PostGraphile p50 / p95 (ms) | ratio | same data |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const q of c.questions) {
    for (const level of ['c1', 'c16'] as const) {
      const r = q[level];
      lines.push(`| ${q.question} | ${level === 'c1' ? 1 : 16} | ${side(r.ours)} | ${side(r.postgraphile)} | **${r.ratio}** | ${q.sameData ? 'yes' : `**no**: ${q.mismatch}`} |`);
    }
  }
  lines.push('', `Raw-SQL ceiling of the first question (one statement building the same JSON, a prepared statement through \`pg\`, pool of 10, no HTTP): ` +
    `c=1 ${c.rawSql.c1.rps} req/s, p50 / p95 ${ms(c.rawSql.c1.p50)} / ${ms(c.rawSql.c1.p95)} ms; c=16 ${c.rawSql.c16.rps} req/s, p50 / p95 ${ms(c.rawSql.c16.p50)} / ${ms(c.rawSql.c16.p95)} ms.`, '');
  lines.push('<details><summary>The queries each side was sent</summary>', '');
  for (const q of c.questions) {
    lines.push(`**${q.question}**`, '', '```graphql', `# ours`, q.ours.replace(/\n\s+/g, '\n  '), `# PostGraphile 4`, q.postgraphile.replace(/\n\s+/g, '\n  '), '```', '');
  }
  lines.push('```sql', c.rawSql.sql, '```', '', '</details>', '');
  return lines;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
