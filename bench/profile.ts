import 'reflect-metadata';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { questions } from './compare';
import { openBenchDatabase, readMarker } from './database';
import { ApiProcess, MemorySampler, measure } from './load';
import { benchOptions } from './options';
import { BenchQuery } from './queries';

/**
 * Where the API's time goes (issue 11 §1): starts the built API with `node --cpu-prof` over the
 * generated benchmark database, sends one comparison question at concurrency 16, stops the API and
 * sums the sampled self time during the load only (start-up excluded), by where the code lives.
 *
 *   PROFILE_QUESTION=1 PROFILE_REQUESTS=1500 node -r ts-node/register/transpile-only bench/profile.ts
 *
 * PROFILE_MAIN=/path/to/other/dist/src/main.js profiles another build (a checkout of the commit before).
 *
 * Needs the dataset (`npm run bench:generate`) and a build (`nest build`).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The bucket of a sampled function: a package, our code, or one of V8's pseudo-frames. */
function bucketOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'program (V8, native)';
    return `native: ${functionName}`;
  }
  const packages = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  if (packages) {
    const name = packages[packages.length - 1].replace('node_modules/', '');
    if (name.startsWith('@nestjs/')) return name;
    if (name === 'graphql') {
      if (/\/execution\//.test(url)) return 'graphql (execution)';
      if (/\/validation\//.test(url)) return 'graphql (validation)';
      return 'graphql (other)';
    }
    return name;
  }
  if (url.includes('/dist/src/common/')) return `ours: ${url.replace(/.*\/dist\/src\//, '')}`;
  if (url.includes('/dist/src/')) return 'ours: other';
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  return url;
}

function summarise(profile: CpuProfile, from: number, to: number, top: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from || t > to) continue;
    const node = byId.get(profile.samples[i])!;
    const delta = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i];
    const bucket = bucketOf(node.callFrame);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + delta);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, '')}:${node.callFrame.lineNumber}`;
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
    total += delta;
  }
  const busy = total - (buckets.get('idle') ?? 0);
  const rows = (map: Map<string, number>) =>
    [...map.entries()].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([k, v]) => `${((100 * v) / busy).toFixed(1).padStart(5)} %  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  return { busyMs: busy / 1000, idleMs: (buckets.get('idle') ?? 0) / 1000, buckets: rows(buckets), functions: rows(functions) };
}

async function main(): Promise<void> {
  const options = benchOptions();
  const which = Number(process.env.PROFILE_QUESTION ?? 1);
  const total = Number(process.env.PROFILE_REQUESTS ?? 1500);
  const db = await openBenchDatabase({ scale: options.scale, seed: options.seed, log: (l) => console.log(l) });
  try {
    if (!(await readMarker(db.url))) throw new Error('no dataset: run npm run bench:generate first');
    const q = (await questions(db.url, options.seed))[which - 1];
    const dir = join(tmpdir(), 'attribution-tracker-profile');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // PROFILE_MAIN: another build's dist/src/main.js (a "before" checkout), else this one's.
    const api = await ApiProcess.start(db.url, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'], process.env.PROFILE_MAIN || undefined);
    const sampler = new MemorySampler(api);
    const query: BenchQuery = { name: q.name, kind: 'analyst', question: q.question, query: q.ours, variables: q.variables.map((v) => v.ours) };
    // Warm-up (JIT, prepared statements), then the measured load.
    await measure(api.endpoint, query, { concurrency: 16, total: 200, maxSeconds: 60, sampler });
    const from = Number(process.hrtime.bigint() / 1000n);
    const stats = await measure(api.endpoint, query, { concurrency: 16, total, maxSeconds: 120, sampler });
    const to = Number(process.hrtime.bigint() / 1000n);
    sampler.stop();
    await api.stop();
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no profile written in ${dir}`);
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const summary = summarise(profile, from, to, Number(process.env.PROFILE_TOP ?? 25));
    console.log(`Question ${which}: ${q.name}; ${stats.requests} requests at c=16, ${stats.rps} req/s, p50 ${stats.p50} ms, errors ${stats.errors}`);
    console.log(`API busy ${summary.busyMs.toFixed(0)} ms (${(summary.busyMs / stats.requests).toFixed(2)} ms per request), idle ${summary.idleMs.toFixed(0)} ms`);
    console.log('\nSelf time by where the code lives:');
    console.log(summary.buckets.join('\n'));
    console.log('\nSelf time by function:');
    console.log(summary.functions.join('\n'));
    console.log(`\nProfile: ${join(dir, file)}`);
  } finally {
    await db.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
