import { boolean, ConfigError, integer } from '../config/app-config';

/** What one request may cost; every value comes from an environment variable (docs/limits.md). */
export interface LimitsConfig {
  /** Deepest field nesting of an operation (MAX_DEPTH). */
  maxDepth: number;
  /** Aliased fields in one operation, fragments included (MAX_ALIASES). */
  maxAliases: number;
  /** Lexical tokens in one document, checked while parsing (MAX_TOKENS). */
  maxTokens: number;
  /** Estimated cost of one operation: a list costs its page size times its children (MAX_COST). */
  maxCost: number;
  /** Size assumed for a list field that takes no page size (COST_LIST_SIZE). */
  costListSize: number;
  /** Root fields of one mutation operation (MAX_MUTATIONS). */
  maxMutations: number;
  /** Time a request may spend resolving fields; 0 turns it off (REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** PostgreSQL's statement_timeout on every connection of the API's pool; 0 turns it off (STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: number;
  /**
   * statement_timeout of a CSV export's one streamed statement instead (EXPORT_TIMEOUT_MS, 0: none):
   * a whole table is one long read by design, which the per-query limit would cut off mid-file.
   */
  exportTimeoutMs: number;
  /** Largest request body (BODY_LIMIT, bytes or "1mb"/"500kb"). */
  bodyLimitBytes: number;
  /** Origins allowed to call the API from a browser (CORS_ORIGINS, comma-separated); empty: same origin only. */
  corsOrigins: string[];
  /** Schema introspection (INTROSPECTION). */
  introspection: boolean;
}

const SIZE = /^(\d+)\s*(b|kb|mb)?$/i;
const UNIT: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

function byteSize(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const match = SIZE.exec(raw);
  const bytes = match ? Number(match[1]) * UNIT[(match[2] ?? 'b').toLowerCase()] : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1024 || bytes > 100 * UNIT.mb) {
    throw new ConfigError(`${name} must be a size from 1kb to 100mb (bytes, or a number with kb or mb), got ${JSON.stringify(env[name])}`);
  }
  return bytes;
}

function origins(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError(`${name} must list origins such as https://tracker.example.org, got ${JSON.stringify(origin)}`);
    }
    if (!['http:', 'https:'].includes(url.protocol) || url.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(`${name} must list origins (scheme://host[:port], no path), got ${JSON.stringify(origin)}`);
    }
    return url.origin;
  });
}

export function loadLimitsConfig(env: NodeJS.ProcessEnv = process.env): LimitsConfig {
  return {
    maxDepth: integer(env, 'MAX_DEPTH', 12, 2, 1000),
    maxAliases: integer(env, 'MAX_ALIASES', 30, 0, 100_000),
    maxTokens: integer(env, 'MAX_TOKENS', 3000, 100, 1_000_000),
    maxCost: integer(env, 'MAX_COST', 1_000_000, 10, 1_000_000_000),
    costListSize: integer(env, 'COST_LIST_SIZE', 10, 1, 10_000),
    maxMutations: integer(env, 'MAX_MUTATIONS', 10, 1, 10_000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 15_000, 0, 3_600_000),
    statementTimeoutMs: integer(env, 'STATEMENT_TIMEOUT_MS', 10_000, 0, 3_600_000),
    exportTimeoutMs: integer(env, 'EXPORT_TIMEOUT_MS', 600_000, 0, 86_400_000),
    bodyLimitBytes: byteSize(env, 'BODY_LIMIT', UNIT.mb),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    introspection: boolean(env, 'INTROSPECTION', true),
  };
}
