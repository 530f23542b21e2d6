import { Client } from 'pg';

export class DatabaseUnreachableError extends Error {}

/** host:port/database of a URL, without credentials, for messages. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname || 'localhost'}:${parsed.port || 5432}${parsed.pathname}`;
}

/**
 * One round trip before the application starts, so that a wrong DATABASE_URL ends
 * the start in one clear line instead of retries and stack traces.
 */
export async function checkConnection(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = error instanceof Error ? error.message || (error as { code?: string }).code : String(error);
    throw new DatabaseUnreachableError(`cannot reach PostgreSQL at ${describeDatabaseUrl(url)}: ${reason}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
