import { buildSchema, parse, validate } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardQueries } from '../bench/dashboard-queries';
import { analystQueries } from '../bench/queries';

/**
 * The API's own clients (the dashboard page and the benchmark) follow the schema: a change
 * to the API (paging, nullability) that breaks one of their queries fails here, not in a
 * browser or a benchmark run.
 */
describe('client queries against schema.graphql', () => {
  const schema = buildSchema(readFileSync(join(process.cwd(), 'schema.graphql'), 'utf8'));
  const errorsOf = (query: string) => validate(schema, parse(query)).map((e) => e.message);

  it('the dashboard page (src/dashboard/public/dashboard.js)', () => {
    const page = readFileSync(join(process.cwd(), 'src/dashboard/public/dashboard.js'), 'utf8');
    const queries = [...page.matchAll(/`\s*(query[\s\S]*?)`/g)].map((m) => m[1]);
    expect(queries.length).toBeGreaterThanOrEqual(2);
    for (const query of queries) expect(errorsOf(query)).toEqual([]);
  });

  it('the benchmark (bench/queries.ts, bench/dashboard-queries.ts)', () => {
    const queries = [
      ...analystQueries(1).map((q) => [q.name, q.query]),
      ...dashboardQueries({ actor: 'APT28', country: 'NO', from: '2019', to: '2021' }).map((q) => [q.name, q.query]),
    ];
    expect(queries.length).toBeGreaterThan(30);
    for (const [name, query] of queries) expect([name, errorsOf(query)]).toEqual([name, []]);
  });
});
