import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';

export interface Started {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
}

/** Runs a command as a user would, in a child process, collecting its output. */
export function run(command: string, args: string[], env: Record<string, string | undefined>): Started {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  delete clean.NODE_OPTIONS;
  const child = spawn(command, args, { env: { ...clean, TS_NODE_PROJECT: 'tsconfig.json', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, output: () => ({ stdout, stderr }) };
}

/**
 * Brings dist/ up to date before a test starts the compiled entry points, so that their
 * output is their own and not the launcher's "building dist/ …" (it is, when the sources
 * changed since the last build; a fresh clone's `npm ci` builds it). Cheap when fresh.
 */
export function ensureBuilt(): void {
  const result = spawnSync(process.execPath, ['scripts/launch.js', 'build'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stderr}${result.stdout}`);
}

/**
 * The compiled entry point through the launcher that `npm start` uses (it rebuilds dist/
 * once if the sources changed): several starts cost far less than through ts-node.
 */
export function startMain(env: Record<string, string | undefined>): Started {
  return run(process.execPath, ['scripts/launch.js', 'dist/src/main.js'], env);
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Whether the API on `port` answers a GraphQL query. */
export async function answers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(2_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Live processes whose command line contains `text` (Linux /proc). */
export function processesMatching(text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return !/^\d+ \(.*\) Z/.test(stat) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Every live descendant of `pid`. */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of parents) if (ppid === parent) found.push(child), visit(child);
  };
  visit(pid);
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
