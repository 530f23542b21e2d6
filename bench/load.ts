import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { MAIN_JS, PROJECT_ROOT } from './app-modules';
import { BenchQuery } from './queries';

export interface LatencyStats {
  concurrency: number;
  requests: number;
  errors: number;
  /** First error body, cut short. */
  firstError: string | null;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  /** Bytes of the last response. */
  responseBytes: number;
  /** Highest resident memory of the API process seen during this run (MiB). */
  peakRssMiB: number;
  /** Stopped by the time bound before the request count was reached. */
  timeBound: boolean;
  /** The same per variable set of the query. */
  byVariant: { variant: number; requests: number; p50: number; p95: number; max: number }[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The API as a separate process (`node dist/src/main.js`), as it runs in production. */
export class ApiProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly endpoint: string,
    private readonly output: string[],
  ) {}

  /** `nodeArgs`: flags for node before the script (bench/profile.ts passes --cpu-prof); `script`: another build's main.js. */
  static async start(databaseUrl: string, nodeArgs: string[] = [], script = MAIN_JS): Promise<ApiProcess> {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(process.execPath, [...nodeArgs, script], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), SEED_ON_START: 'false', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const api = new ApiProcess(child, `http://127.0.0.1:${port}/graphql`, output);
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}: ${output.join('').trim().slice(-2000)}`);
      try {
        const response = await fetch(api.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ __typename }"}',
          signal: AbortSignal.timeout(2_000),
        });
        if (response.ok) return api;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await api.stop();
        throw new Error(`the API did not answer within 120 s: ${output.join('').trim().slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** VmRSS and VmHWM (peak resident set) of the process, in MiB, from /proc. */
  memory(): { rssMiB: number; hwmMiB: number } | null {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
    } catch {
      return null;
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timeout = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timeout);
  }
}

/** Samples the API's resident memory every 100 ms; `peak()` since the last reset. */
export class MemorySampler {
  private timer: NodeJS.Timeout;
  private peakSinceReset = 0;
  peakOverall = 0;

  constructor(private readonly api: ApiProcess) {
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  sample(): void {
    const memory = this.api.memory();
    if (!memory) return;
    this.peakSinceReset = Math.max(this.peakSinceReset, memory.rssMiB);
    this.peakOverall = Math.max(this.peakOverall, memory.rssMiB, memory.hwmMiB);
  }

  reset(): void {
    this.sample();
    this.peakSinceReset = 0;
  }

  peak(): number {
    this.sample();
    return this.peakSinceReset;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const round = (n: number) => Number(n.toFixed(2));

/**
 * Sends `query` `total` times (or until `maxSeconds` have passed) from `concurrency`
 * clients at once over HTTP keep-alive, loopback only; latency is from sending the
 * request to having read the whole response.
 */
export async function measure(
  endpoint: string,
  query: BenchQuery,
  options: { concurrency: number; total: number; maxSeconds: number; sampler: MemorySampler; latencies?: number[] },
): Promise<LatencyStats> {
  const latencies: number[] = [];
  const perVariant: number[][] = query.variables.map(() => []);
  let errors = 0;
  let firstError: string | null = null;
  let sent = 0;
  let responseBytes = 0;
  options.sampler.reset();
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;
  const client = async () => {
    while (sent < options.total && performance.now() < deadline) {
      const n = sent++;
      const variables = query.variables[n % query.variables.length];
      const t0 = performance.now();
      let failed = false;
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: query.query, variables }),
          signal: AbortSignal.timeout(120_000),
        });
        const body = await response.text();
        responseBytes = Buffer.byteLength(body);
        // Apollo writes "errors" first: a cheap test that does not parse megabytes of JSON.
        if (!response.ok || body.startsWith('{"errors"')) {
          failed = true;
          firstError ??= `${response.status} ${body.slice(0, 300)}`;
        }
      } catch (error) {
        failed = true;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      const latency = performance.now() - t0;
      latencies.push(latency);
      options.latencies?.push(latency);
      perVariant[n % query.variables.length].push(latency);
      if (failed) errors++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    concurrency: options.concurrency,
    requests: latencies.length,
    errors,
    firstError,
    seconds: round(seconds),
    rps: round(latencies.length / seconds),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length)),
    max: round(sorted[sorted.length - 1] ?? 0),
    responseBytes,
    peakRssMiB: round(options.sampler.peak()),
    timeBound: latencies.length < options.total,
    byVariant: perVariant.map((list, variant) => {
      const own = [...list].sort((a, b) => a - b);
      return { variant, requests: own.length, p50: round(percentile(own, 50)), p95: round(percentile(own, 95)), max: round(own[own.length - 1] ?? 0) };
    }),
  };
}
