import { createServer } from 'node:net';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
const s = createServer().listen(55105, '127.0.0.1', async () => {
  await startEmbeddedPostgres({ dataDir: '/work/wt/ops/.data/try', port: 55105 }).catch((e) => console.log(e.message));
  s.close();
});
