import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { createApp } from '../../src/app';
import { AccountService } from '../../src/auth/account.service';
import { Role } from '../../src/auth/role';
import { LimitsConfig } from '../../src/limits/limits-config';
import { TemplateKind, ensureTemplate } from './template-databases';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown }; path?: string[] }[];
}

/** Sends GraphQL requests over HTTP as one caller (an account's token, or none). */
export interface GraphQLClient {
  /** The token sent as Authorization: Bearer …; null for an anonymous client. */
  token: string | null;
  /** POSTs a GraphQL request over HTTP, as a client would. */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like gql, but fails the test on any GraphQL error and returns data. */
  data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** t.gql and t.data call as an admin account (named "test admin"); t.as(role), t.asAccount(name) and t.anonymous as others. */
export interface TestApp extends GraphQLClient {
  app: INestApplication;
  dataSource: DataSource;
  databaseUrl: string;
  endpoint: string;
  /** A client without a token. */
  anonymous: GraphQLClient;
  /** A client as the account "test <role>" (made on first use). */
  as(role: Role): Promise<GraphQLClient>;
  /** A client as the account `name` (made on first use with `role`, admin by default). */
  asAccount(name: string, role?: Role): Promise<GraphQLClient>;
  close(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_ADMIN_DATABASE_URL;
  if (!url) throw new Error('TEST_ADMIN_DATABASE_URL is not set: run the tests through jest (global-setup.ts)');
  return url;
}

/**
 * Creates a scratch database on the test server, empty or as a copy of the run's migrated (or
 * migrated and seeded) template; returns its URL and a drop function.
 */
export async function createScratchDatabase(from: 'empty' | TemplateKind = 'empty'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `attribution_test_${randomBytes(6).toString('hex')}`;
  const template = from === 'empty' ? undefined : await ensureTemplate(adminUrl(), from);
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
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

/**
 * The API on a fresh database, listening on a free port: a copy of the run's migrated (or, with
 * seed, seeded) template. Tests of migrating and seeding start from createScratchDatabase().
 */
export async function startTestApp(
  options: { seed?: boolean; sqlLogger?: TypeOrmLogger; publicRead?: boolean; limits?: Partial<LimitsConfig>; ideEnabled?: boolean } = {},
): Promise<TestApp> {
  const database = await createScratchDatabase(options.seed ? 'seeded' : 'migrated');
  const app = await createApp({
    databaseUrl: database.url,
    sqlLogger: options.sqlLogger,
    publicRead: options.publicRead,
    ideEnabled: options.ideEnabled,
    logger: ['error'],
    limits: options.limits,
  });
  await app.listen(0, '127.0.0.1');
  const dataSource = app.get(DataSource);
  const endpoint = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');

  const accounts = app.get(AccountService);
  const clients = new Map<string, Promise<GraphQLClient>>();
  const asAccount = (name: string, role: Role = Role.Admin): Promise<GraphQLClient> => {
    let client = clients.get(name.toLowerCase());
    if (!client) {
      client = accounts.create(name, role).then(({ token }) => graphqlClient(endpoint, token));
      clients.set(name.toLowerCase(), client);
    }
    return client;
  };
  const admin = await asAccount('test admin');
  return {
    ...admin,
    app,
    dataSource,
    databaseUrl: database.url,
    endpoint,
    anonymous: graphqlClient(endpoint, null),
    as: (role: Role) => asAccount(`test ${role}`, role),
    asAccount,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

export function graphqlClient(endpoint: string, token: string | null): GraphQLClient {
  const gql = async <T>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphQLResponse<T>;
    return { ...body, status: response.status };
  };
  return {
    token,
    gql,
    data: async <T>(query: string, variables?: Record<string, unknown>) => {
      const result = await gql<T>(query, variables);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
      return result.data as T;
    },
  };
}

/** The error codes of a response, for compact assertions. */
export function errorCodes(response: GraphQLResponse): (string | undefined)[] {
  return (response.errors ?? []).map((e) => e.extensions?.code);
}
