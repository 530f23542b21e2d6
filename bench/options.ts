/** Benchmark options from the environment (documented in the README's Benchmark section). */
export interface BenchOptions {
  scale: number;
  seed: number;
  /** Regenerate even when the dataset is present. */
  regenerate: boolean;
  /** Requests per query at concurrency 1 and 16, and the time bound of each run. */
  requests: { c1: number; c16: number };
  maxSeconds: number;
  /** Only queries whose name matches. */
  only: RegExp | null;
  /** The PostGraphile 4 comparison (issue 11 §6): run beside the queries, not at all, or alone. */
  compare: 'on' | 'off' | 'only';
  /** Interleaved rounds of the comparison (each: both sides at concurrency 1, then 16). */
  compareRounds: number;
  /** Requests at concurrency 16 sent to each side before a question is measured (a tenth of them at 1 first). */
  compareWarmUp: number;
  /** Requests per comparison round and side at concurrency 1 and 16. */
  compareRequests: { c1: number; c16: number };
}

function number(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function benchOptions(): BenchOptions {
  return {
    scale: number('BENCH_SCALE', 1, 0.0001, 10),
    seed: Math.trunc(number('BENCH_SEED', 42, 0, 2 ** 31 - 1)),
    regenerate: ['1', 'true', 'yes'].includes((process.env.BENCH_REGENERATE ?? '').toLowerCase()),
    requests: { c1: Math.trunc(number('BENCH_REQUESTS_C1', 60, 1, 100_000)), c16: Math.trunc(number('BENCH_REQUESTS_C16', 320, 16, 1_000_000)) },
    maxSeconds: number('BENCH_MAX_SECONDS', 15, 1, 3600),
    only: process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null,
    compare: compareMode(process.env.BENCH_COMPARE),
    compareRounds: Math.trunc(number('BENCH_COMPARE_ROUNDS', 3, 1, 100)),
    compareWarmUp: Math.trunc(number('BENCH_COMPARE_WARMUP', 2000, 0, 1_000_000)),
    // Longer than a query's runs: at 320 requests a c=16 round of question 1 lasts half a second, and
    // one garbage collection more or less on either side moved its ratio by a tenth.
    compareRequests: {
      c1: Math.trunc(number('BENCH_COMPARE_REQUESTS_C1', 300, 1, 100_000)),
      c16: Math.trunc(number('BENCH_COMPARE_REQUESTS_C16', 2000, 16, 1_000_000)),
    },
  };
}

function compareMode(raw: string | undefined): BenchOptions['compare'] {
  const value = (raw ?? '').toLowerCase();
  if (value === '' || ['1', 'true', 'yes', 'on'].includes(value)) return 'on';
  if (['0', 'false', 'no', 'off'].includes(value)) return 'off';
  if (value === 'only') return 'only';
  throw new Error(`BENCH_COMPARE must be on, off or only, got ${JSON.stringify(raw)}`);
}
