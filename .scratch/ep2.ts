import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
(async () => {
  const dir = '/work/wt/ops/.data/try';
  let pg = await startEmbeddedPostgres({ dataDir: dir, port: 55105, log: console.log });
  const c = new Client(pg.url); await c.connect(); await c.query("ALTER ROLE postgres PASSWORD 'postgres'"); await c.end();
  await pg.stop();
  rmSync(dir + '/attribution-tracker.password');
  pg = await startEmbeddedPostgres({ dataDir: dir, port: 55105, log: console.log });
  console.log(pg.url);
  const second = await startEmbeddedPostgres({ dataDir: dir, port: 55106, log: console.log }).catch((e) => console.log('second:', e.message));
  await pg.stop();
})().catch((e) => { console.error('ERR', e.message); process.exit(1); });
