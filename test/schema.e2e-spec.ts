import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestApp, startTestApp } from './support/test-app';

const SCHEMA_FILE = join(process.cwd(), 'schema.graphql');
const HEADER = '# Generated from the code-first resolvers; do not edit. Update with `npm run schema:update`.\n\n';

describe('schema.graphql', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('matches the schema the code builds', () => {
    const schema = HEADER + printSchema(lexicographicSortSchema(t.app.get(GraphQLSchemaHost).schema)) + '\n';
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, schema);
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    // On failure: the code changed the API; run `npm run schema:update` and commit schema.graphql.
    expect(committed).toEqual(schema);
  });
});
