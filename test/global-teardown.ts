import { RunningPostgres } from '../src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __embeddedPostgres?: RunningPostgres }).__embeddedPostgres?.stop();
}
