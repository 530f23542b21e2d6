import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { createApp } from '../../src/app';
import { loadSeed } from '../../src/seed/seed';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown }; path?: string[] }[];
}

export interface TestApp {
  app: INestApplication;
  dataSource: DataSource;
  databaseUrl: string;
  /** POSTs a GraphQL request over HTTP, as a client would. */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails the test on any GraphQL error and returns data. */
  data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_ADMIN_DATABASE_URL;
  if (!url) throw new Error('TEST_ADMIN_DATABASE_URL is not set: run the tests through jest (global-setup.ts)');
  return url;
}

/** Creates an empty scratch database on the test server; returns its URL and a drop function. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `attribution_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The API on a fresh database (migrated at start-up), listening on a free port. */
export async function startTestApp(
  options: { seed?: boolean; sqlLogger?: TypeOrmLogger; ideEnabled?: boolean } = {},
): Promise<TestApp> {
  const database = await createScratchDatabase();
  const app = await createApp({ databaseUrl: database.url, sqlLogger: options.sqlLogger, ideEnabled: options.ideEnabled, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const dataSource = app.get(DataSource);
  if (options.seed) await loadSeed(dataSource);
  const endpoint = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');

  const gql = async <T>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphQLResponse<T>;
    return { ...body, status: response.status };
  };
  return {
    app,
    dataSource,
    databaseUrl: database.url,
    gql,
    data: async <T>(query: string, variables?: Record<string, unknown>) => {
      const result = await gql<T>(query, variables);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
      return result.data as T;
    },
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** The error codes of a response, for compact assertions. */
export function errorCodes(response: GraphQLResponse): (string | undefined)[] {
  return (response.errors ?? []).map((e) => e.extensions?.code);
}
