import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
(async () => {
  const pg = await startEmbeddedPostgres({ dataDir: '/work/wt/ops/.data/try', port: 55105 });
  console.log('started', pg.pid);
  setInterval(() => undefined, 1000);
})();
