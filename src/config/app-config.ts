import { join } from 'node:path';
import { LimitsConfig, loadLimitsConfig } from '../limits/limits-config';

/** Everything the service reads from the environment, validated once at start-up. */
export interface AppConfig {
  port: number;
  /** A PostgreSQL server to use; when absent an embedded PostgreSQL is started. */
  databaseUrl: string | null;
  embeddedPostgres: { dataDir: string; port: number };
  /** Load the founding articles into an empty database at start-up. */
  seedOnStart: boolean;
  /** Development only: error messages of server faults are shown to clients. */
  exposeErrors: boolean;
  /** Anonymous callers may read (PUBLIC_READ, default on); writing always needs an account. */
  publicRead: boolean;
  /** What one request may cost, body size, CORS, introspection (docs/limits.md). */
  limits: LimitsConfig;
  /** How long SIGTERM/SIGINT wait for requests in flight before closing the pool. */
  shutdownGraceMs: number;
  /** pino level of the JSON logs: fatal, error, warn, info, debug, trace or silent. */
  logLevel: LogLevel;
  /** GraphiQL at GET /graphql; switch it off for production. */
  ideEnabled: boolean;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  const raw = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}`);
  }
  return raw as LogLevel;
}

export class ConfigError extends Error {}

export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(env[name])}`);
}

export function validateDatabaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`DATABASE_URL is not a URL; expected postgres://user:password@host:5432/database`);
  }
  if (!['postgres:', 'postgresql:'].includes(url.protocol)) {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://, got ${url.protocol}//`);
  }
  if (!url.hostname && !url.searchParams.get('host')) throw new ConfigError('DATABASE_URL names no host');
  if (url.pathname.length <= 1) throw new ConfigError('DATABASE_URL names no database (…/database_name)');
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const databaseUrl = env.DATABASE_URL ? validateDatabaseUrl(env.DATABASE_URL) : null;
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl,
    embeddedPostgres: {
      dataDir: env.EMBEDDED_PG_DIR || join(process.cwd(), '.data', 'postgres'),
      port: integer(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    },
    seedOnStart: boolean(env, 'SEED_ON_START', databaseUrl === null),
    exposeErrors: env.NODE_ENV === 'development',
    publicRead: boolean(env, 'PUBLIC_READ', true),
    limits: loadLimitsConfig(env),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 8_000, 0, 600_000),
    logLevel: logLevel(env),
    ideEnabled: boolean(env, 'IDE_ENABLED', true),
  };
}

/** STIX import and export (src/stix/, docs/stix.md). The schemas folder is read by src/stix/stix-schemas.ts. */
export interface StixConfig {
  /** Largest bundle an import accepts, in bytes (STIX_IMPORT_MAX_BYTES, default 20 MB). */
  maxImportBytes: number;
  /** Most objects `stixBundle` returns through GraphQL; larger exports use GET /stix/bundle (STIX_GRAPHQL_MAX_OBJECTS, default 5000). */
  graphqlMaxObjects: number;
}

export function loadStixConfig(env: NodeJS.ProcessEnv = process.env): StixConfig {
  return {
    maxImportBytes: integer(env, 'STIX_IMPORT_MAX_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    graphqlMaxObjects: integer(env, 'STIX_GRAPHQL_MAX_OBJECTS', 5000, 1, 10_000_000),
  };
}
