import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { Client, Pool } from 'pg';
import { PROJECT_ROOT } from './app-modules';
import { ApiProcess, MemorySampler, freePort, measure, percentile } from './load';
import { BenchQuery, benchId } from './queries';

/**
 * Issue 11 §6: the same questions asked of our API and of PostGraphile 4 over the same
 * database, checked to return the same data, then measured side by side in interleaved
 * rounds (ours, theirs, theirs, ours …) at concurrency 1 and 16; plus the raw-SQL ceiling
 * of the first question (one JSON-building statement through `pg`, no GraphQL at all).
 */
export interface SideStats {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface ComparisonResult {
  name: string;
  question: string;
  ours: string;
  postgraphile: string;
  variables: { ours: Record<string, unknown>; postgraphile: Record<string, unknown> }[];
  /** Both sides answered every variable set with the same data (after normalisation). */
  sameData: boolean;
  mismatch: string | null;
  c1: { ours: SideStats; postgraphile: SideStats; ratio: number };
  c16: { ours: SideStats; postgraphile: SideStats; ratio: number };
}

export interface ComparisonReport {
  rounds: number;
  requestsPerRound: { c1: number; c16: number };
  /** Requests at c=16 each side got before each question was measured. */
  warmUp: number;
  questions: ComparisonResult[];
  rawSql: { question: string; sql: string; c1: SideStats; c16: SideStats };
}

export interface Question {
  name: string;
  question: string;
  ours: string;
  postgraphile: string;
  variables: { ours: Record<string, unknown>; postgraphile: Record<string, unknown> }[];
  /** Each side's answer in one shape: lists whose order neither side promises are sorted. */
  normalise: { ours: (data: any) => unknown; postgraphile: (data: any) => unknown };
}

const STORTING_INCIDENT = 'ba82c0d4-6b94-55c4-b305-41e4d2f22ec5';
const name = (node: { name: string } | null) => node?.name ?? null;
const sorted = <T>(list: T[]) => [...list].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

export async function questions(url: string, seed: number): Promise<Question[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  let busyActors: string[];
  try {
    // The actors with the most attributions: "busy" ones, whose lists are long.
    const { rows } = await client.query(
      `SELECT actor_id::text AS id FROM attribution GROUP BY actor_id ORDER BY count(*) DESC, actor_id LIMIT 3`,
    );
    busyActors = rows.map((r: { id: string }) => r.id);
  } finally {
    await client.end();
  }
  const incidents = [STORTING_INCIDENT, ...[1, 2, 3, 5, 8, 13, 21, 34].map((i) => benchId(seed, 'incident', i))];
  return [
    {
      name: 'one incident with its statements, speakers and sources',
      question: 'One incident with its statements, each with speaker and sources (excerpt + article title)',
      // Every statement, as PostGraphile gives them: one page of the most a page may hold.
      ours: `query ($id: ID!) { incident(id: $id) { title statements(first: 200) { nodes {
        said { text } stance speakerPerson { name } speakerOrganization { name } quote summary
        sources { excerpt article { title } } } } } }`,
      postgraphile: `query ($id: UUID!) { incidentById(id: $id) { title statementIncidentsByIncidentId { nodes { statementByStatementId {
        saidText stance personBySpeakerPersonId { name } organizationBySpeakerOrganizationId { name } quote summary
        statementSourcesByStatementId { nodes { excerpt sourceArticleBySourceArticleId { title } } } } } } } }`,
      variables: incidents.map((id) => ({ ours: { id }, postgraphile: { id } })),
      normalise: {
        ours: (d) => ({
          title: d.incident.title,
          statements: sorted(d.incident.statements.nodes.map((s: any) => ({
            said: s.said.text, stance: s.stance, person: name(s.speakerPerson), organization: name(s.speakerOrganization),
            quote: s.quote, summary: s.summary, sources: sorted(s.sources.map((x: any) => [x.excerpt, x.article.title])),
          }))),
        }),
        postgraphile: (d) => ({
          title: d.incidentById.title,
          statements: sorted(d.incidentById.statementIncidentsByIncidentId.nodes.map(({ statementByStatementId: s }: any) => ({
            said: s.saidText, stance: s.stance, person: name(s.personBySpeakerPersonId), organization: name(s.organizationBySpeakerOrganizationId),
            quote: s.quote, summary: s.summary,
            sources: sorted(s.statementSourcesByStatementId.nodes.map((x: any) => [x.excerpt, x.sourceArticleBySourceArticleId.title])),
          }))),
        }),
      },
    },
    {
      name: 'newest 20 incidents with targets and attributions',
      question: 'Newest 20 incidents with totalCount, targets (organization, country) and attributions (actor, attributing organization)',
      ours: `{ incidents(first: 20) { totalCount nodes { id title
        targets { organization { name } country { name } }
        attributions(first: 200) { nodes { actor { name } attributedByOrganization { name } } } } } }`,
      postgraphile: `{ allIncidents(first: 20, orderBy: [STARTED_FROM_DESC, ID_DESC]) { totalCount nodes { id title
        incidentTargetsByIncidentId { nodes { organizationByOrganizationId { name } countryByCountryCode { name } } }
        attributionsByIncidentId { nodes { threatActorByActorId { name } organizationByAttributedByOrganizationId { name } } } } } }`,
      variables: [{ ours: {}, postgraphile: {} }],
      normalise: {
        ours: (d) => ({
          totalCount: d.incidents.totalCount,
          nodes: d.incidents.nodes.map((i: any) => ({
            id: i.id, title: i.title,
            targets: sorted(i.targets.map((t: any) => [name(t.organization), name(t.country)])),
            attributions: sorted(i.attributions.nodes.map((a: any) => [name(a.actor), name(a.attributedByOrganization)])),
          })),
        }),
        postgraphile: (d) => ({
          totalCount: d.allIncidents.totalCount,
          nodes: d.allIncidents.nodes.map((i: any) => ({
            id: i.id, title: i.title,
            targets: sorted(i.incidentTargetsByIncidentId.nodes.map((t: any) => [name(t.organizationByOrganizationId), name(t.countryByCountryCode)])),
            attributions: sorted(i.attributionsByIncidentId.nodes.map((a: any) => [name(a.threatActorByActorId), name(a.organizationByAttributedByOrganizationId)])),
          })),
        }),
      },
    },
    {
      name: "one busy actor's attributions, first 20",
      question: "One busy actor's attributions, first 20, with totalCount and incident titles",
      ours: `query ($actor: String!) { attributions(filter: { actor: $actor }, first: 20) { totalCount nodes { id incident { title } } } }`,
      postgraphile: `query ($id: UUID!) { threatActorById(id: $id) { attributionsByActorId(first: 20, orderBy: [ATTRIBUTED_FROM_ASC, ID_ASC]) {
        totalCount nodes { id incidentByIncidentId { title } } } } }`,
      variables: busyActors.map((id) => ({ ours: { actor: id }, postgraphile: { id } })),
      normalise: {
        ours: (d) => ({
          totalCount: d.attributions.totalCount,
          nodes: d.attributions.nodes.map((a: any) => [a.id, a.incident?.title ?? null]),
        }),
        postgraphile: (d) => ({
          totalCount: d.threatActorById.attributionsByActorId.totalCount,
          nodes: d.threatActorById.attributionsByActorId.nodes.map((a: any) => [a.id, a.incidentByIncidentId?.title ?? null]),
        }),
      },
    },
  ];
}

/** The first question as one statement building the same JSON, through `pg` with a pool of 10 (the API's size). */
const RAW_QUESTION_SQL = `
SELECT json_build_object('title', i.title, 'statements', (
  SELECT coalesce(json_agg(json_build_object(
    'said', json_build_object('text', s.said_text), 'stance', s.stance,
    'speakerPerson', (SELECT json_build_object('name', p.name) FROM person p WHERE p.id = s.speaker_person_id),
    'speakerOrganization', (SELECT json_build_object('name', o.name) FROM organization o WHERE o.id = s.speaker_organization_id),
    'quote', s.quote, 'summary', s.summary,
    'sources', (SELECT coalesce(json_agg(json_build_object('excerpt', ss.excerpt, 'article', json_build_object('title', a.title))), '[]')
                  FROM statement_source ss JOIN source_article a ON a.id = ss.source_article_id WHERE ss.statement_id = s.id))), '[]')
    FROM statement_incident si JOIN statement s ON s.id = si.statement_id WHERE si.incident_id = i.id)) AS incident
  FROM incident i WHERE i.id = $1`;

class PostGraphileProcess {
  private constructor(readonly child: ChildProcess, readonly endpoint: string, private readonly output: string[]) {}

  static async start(databaseUrl: string): Promise<PostGraphileProcess> {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bench', 'postgraphile-server.js'), databaseUrl, String(port)], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 100) output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const server = new PostGraphileProcess(child, `http://127.0.0.1:${port}/graphql`, output);
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`PostGraphile exited with ${child.exitCode}: ${output.join('').slice(-2000)}`);
      try {
        const response = await fetch(server.endpoint, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}', signal: AbortSignal.timeout(2_000),
        });
        if (response.ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`PostGraphile did not answer within 120 s: ${output.join('').slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timeout = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timeout);
  }
}

async function ask(endpoint: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const response = await fetch(endpoint, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(`${endpoint}: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data;
}

async function sameData(q: Question, ours: string, theirs: string): Promise<string | null> {
  for (const variables of q.variables) {
    const a = q.normalise.ours(await ask(ours, q.ours, variables.ours));
    const b = q.normalise.postgraphile(await ask(theirs, q.postgraphile, variables.postgraphile));
    if (!isDeepStrictEqual(a, b)) {
      return `variables ${JSON.stringify(variables.ours)}: ours ${JSON.stringify(a).slice(0, 300)} … PostGraphile ${JSON.stringify(b).slice(0, 300)}`;
    }
  }
  return null;
}

function summarise(latencies: number[], errors: number, seconds: number): SideStats {
  const s = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Number(n.toFixed(2));
  return {
    requests: s.length, errors, rps: round(s.length / seconds),
    p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), p99: round(percentile(s, 99)),
  };
}

/** Pooled over the rounds: every latency of every round, requests over the summed run time. */
class Pooled {
  latencies: number[] = [];
  errors = 0;
  seconds = 0;
  stats(): SideStats {
    return summarise(this.latencies, this.errors, this.seconds);
  }
}

export async function runComparison(options: {
  databaseUrl: string;
  api: ApiProcess;
  sampler: MemorySampler;
  seed: number;
  rounds: number;
  requests: { c1: number; c16: number };
  maxSeconds: number;
  /** Requests at c=16 each side gets before a question is measured (BENCH_COMPARE_WARMUP). */
  warmUp: number;
  log: (line: string) => void;
}): Promise<ComparisonReport> {
  const { api, sampler, log } = options;
  const postgraphile = await PostGraphileProcess.start(options.databaseUrl);
  const pool = new Pool({ connectionString: options.databaseUrl, max: 10 });
  try {
    const list = await questions(options.databaseUrl, options.seed);
    const results: ComparisonResult[] = [];
    for (const q of list) {
      const mismatch = await sameData(q, api.endpoint, postgraphile.endpoint);
      log(`  ${q.name}: ${mismatch ? `DIFFERENT DATA (${mismatch})` : 'same data on both sides'}`);
      const ours: BenchQuery = { name: q.name, kind: 'analyst', question: q.question, query: q.ours, variables: q.variables.map((v) => v.ours) };
      const theirs: BenchQuery = { ...ours, query: q.postgraphile, variables: q.variables.map((v) => v.postgraphile) };
      const pooled = { c1: { ours: new Pooled(), theirs: new Pooled() }, c16: { ours: new Pooled(), theirs: new Pooled() } };
      // Warm-up, the same on each side: every variable set, then a c=16 run, so that both are measured
      // in their steady state (JIT-compiled, pools and prepared statements filled), not at start-up.
      // 200 requests were too few for ours: its first thousand requests run slower while V8 compiles
      // Nest's and our paths (the c=1 tail of a round, docs/benchmark.md).
      for (const [endpoint, query] of [[api.endpoint, ours], [postgraphile.endpoint, theirs]] as const) {
        const c1 = Math.max(query.variables.length * 2, Math.round(options.warmUp / 10));
        await measure(endpoint, query, { concurrency: 1, total: c1, maxSeconds: options.maxSeconds, sampler });
        await measure(endpoint, query, { concurrency: 16, total: options.warmUp, maxSeconds: options.maxSeconds, sampler });
      }
      for (let round = 0; round < options.rounds; round++) {
        for (const [level, concurrency, total] of [['c1', 1, options.requests.c1], ['c16', 16, options.requests.c16]] as const) {
          // Alternate which side goes first, so that neither always meets the warmer (or busier) machine.
          const order = round % 2 === 0 ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const);
          for (const side of order) {
            const sink = pooled[level][side];
            const stats = await measure(side === 'ours' ? api.endpoint : postgraphile.endpoint, side === 'ours' ? ours : theirs, {
              concurrency, total, maxSeconds: options.maxSeconds, sampler, latencies: sink.latencies,
            });
            sink.errors += stats.errors;
            sink.seconds += stats.seconds;
          }
        }
      }
      const side = (level: 'c1' | 'c16') => {
        const a = pooled[level].ours.stats();
        const b = pooled[level].theirs.stats();
        return { ours: a, postgraphile: b, ratio: Number((a.rps / Math.max(b.rps, 0.001)).toFixed(2)) };
      };
      const result: ComparisonResult = {
        name: q.name, question: q.question, ours: q.ours, postgraphile: q.postgraphile, variables: q.variables,
        sameData: mismatch === null, mismatch, c1: side('c1'), c16: side('c16'),
      };
      results.push(result);
      log(`  ${q.name.padEnd(55)} c=1 p95 ${result.c1.ours.p95} vs ${result.c1.postgraphile.p95} ms; ` +
        `c=16 ${result.c16.ours.rps} vs ${result.c16.postgraphile.rps} req/s (ratio ${result.c16.ratio})`);
    }
    const rawSql = await rawCeiling(pool, list[0].variables.map((v) => v.ours.id as string), options);
    log(`  raw SQL ceiling (first question): c=1 p95 ${rawSql.c1.p95} ms, c=16 ${rawSql.c16.rps} req/s`);
    return { rounds: options.rounds, requestsPerRound: options.requests, warmUp: options.warmUp, questions: results, rawSql: { question: list[0].question, sql: RAW_QUESTION_SQL.trim(), ...rawSql } };
  } finally {
    await pool.end();
    await postgraphile.stop();
  }
}

/** The same question as one SQL statement through a pool of 10, at concurrency 1 and 16 (rounds pooled). */
async function rawCeiling(
  pool: Pool,
  ids: string[],
  options: { rounds: number; requests: { c1: number; c16: number }; maxSeconds: number },
): Promise<{ c1: SideStats; c16: SideStats }> {
  const run = async (concurrency: number, total: number, sink: Pooled) => {
    let sent = 0;
    const started = performance.now();
    const deadline = started + options.maxSeconds * 1000;
    const client = async () => {
      while (sent < total && performance.now() < deadline) {
        const id = ids[sent++ % ids.length];
        const t0 = performance.now();
        try {
          // A named statement: parsed and planned once per connection, as a prepared statement.
          const { rows } = await pool.query({ name: 'bench-raw-incident', text: RAW_QUESTION_SQL, values: [id] });
          JSON.stringify(rows[0].incident);
        } catch {
          sink.errors++;
        }
        sink.latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    sink.seconds += (performance.now() - started) / 1000;
  };
  await run(1, ids.length * 2, new Pooled());
  const c1 = new Pooled();
  const c16 = new Pooled();
  for (let round = 0; round < options.rounds; round++) {
    await run(1, options.requests.c1, c1);
    await run(16, options.requests.c16, c16);
  }
  return { c1: c1.stats(), c16: c16.stats() };
}
