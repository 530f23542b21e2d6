import { INestApplication } from '@nestjs/common';
import { AccountService } from '../src/auth/account.service';
import { Role } from '../src/auth/role';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { migrations } from '../src/database/data-source-options';
import { createScratchDatabase } from './support/test-app';

/**
 * Two API instances on one database, started at the same moment: the migrations run once
 * under the advisory lock (no race on the DDL), and writes through both keep every guarantee.
 */
describe('two instances on one database', () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let apps: INestApplication[] = [];
  let endpoints: string[] = [];

  let token: string;

  beforeAll(async () => {
    database = await createScratchDatabase();
    apps = await Promise.all([0, 1].map(() => createApp({ databaseUrl: database.url, logger: ['error'] })));
    for (const app of apps) await app.listen(0, '127.0.0.1');
    endpoints = await Promise.all(apps.map(async (app) => `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`));
    // One account, made through the first instance, writes through both: the API keeps no state of its own.
    ({ token } = await apps[0].get(AccountService).create('two-instance writer', Role.Contributor));
  }, 120_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.drop();
  });

  const gql = async (endpoint: string, query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  };

  it('both started, and every migration was applied exactly once', async () => {
    const rows = await apps[0].get(DataSource).query('SELECT name, count(*)::int AS n FROM migrations GROUP BY name');
    expect(rows).toHaveLength(migrations.length);
    expect(rows.every((r: { n: number }) => r.n === 1)).toBe(true);
  });

  it('writes through both at once: all acknowledged writes land, and a duplicate has exactly one winner', async () => {
    const create = (endpoint: string, name: string) =>
      gql(endpoint, 'mutation($name: String!) { createCampaign(input: { name: $name }) { id } }', { name });
    const distinct = await Promise.all(
      Array.from({ length: 30 }, (_, i) => create(endpoints[i % 2], `Two-instance campaign ${i}`)),
    );
    expect(distinct.filter((r) => r.data?.createCampaign?.id && !r.errors)).toHaveLength(30);

    for (let round = 0; round < 5; round++) {
      const race = await Promise.all(endpoints.map((endpoint) => create(endpoint, `Raced campaign ${round}`)));
      expect(race.filter((r) => r.data?.createCampaign?.id)).toHaveLength(1);
      expect(race.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code)).toEqual(['CONFLICT']);
    }
    const [{ n }] = await apps[1].get(DataSource).query(`SELECT count(*)::int AS n FROM campaign WHERE name LIKE 'Two-instance campaign %' OR name LIKE 'Raced campaign %'`);
    expect(n).toBe(35);
  });
});
