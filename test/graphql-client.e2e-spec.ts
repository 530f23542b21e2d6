import { Client, OperationResult, cacheExchange, fetchExchange, gql } from '@urql/core';
import { TestApp, startTestApp } from './support/test-app';

/**
 * A real client library from npm (urql's @urql/core) against the API, as docs/api.md tells a
 * client to set it up: paging through a list with first/after, and a mutation.
 */
describe('a GraphQL client (urql) against the API', () => {
  let t: TestApp;
  let url: string;
  /** Writing needs an account's token: the test app's admin token (t.token). */
  let authorization: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ seed: true });
    url = `${(await t.app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`;
    authorization = { authorization: `Bearer ${t.token}` };
  });
  afterAll(async () => t?.close());

  const client = (options: Partial<ConstructorParameters<typeof Client>[0]> = {}) =>
    new Client({ url, exchanges: [cacheExchange, fetchExchange], requestPolicy: 'network-only', ...options });

  const INCIDENT_PAGE = gql`
    query IncidentPage($after: String) {
      incidents(first: 1, after: $after, sort: { field: TITLE, direction: ASC }) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { title }
      }
    }
  `;

  interface IncidentPage {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { title: string }[];
  }

  async function allTitles(urql: Client): Promise<string[]> {
    const titles: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: OperationResult<{ incidents: IncidentPage }> = await urql.query(INCIDENT_PAGE, { after }).toPromise();
      if (result.error) throw result.error;
      const { nodes, pageInfo } = result.data!.incidents;
      titles.push(...nodes.map((n) => n.title));
      if (!pageInfo.hasNextPage) return titles;
      after = pageInfo.endCursor;
    }
    throw new Error('more pages than incidents');
  }

  const SEEDED_TITLES = [
    'Brute-force intrusion into the Storting\'s email',
    "Cyberattacks on Emmanuel Macron's campaign website and email servers",
    'Hacking of US Democratic Party emails',
  ];

  it('with its defaults, sends queries as GET, which Apollo\'s CSRF prevention refuses', async () => {
    const result = await client().query(INCIDENT_PAGE, { after: null }).toPromise();
    expect(result.error?.response?.status).toBe(400);
    expect(result.error?.message).toMatch(/CSRF/);
  });

  it('pages through a list with POST (preferGetMethod: false)', async () => {
    expect(await allTitles(client({ preferGetMethod: false }))).toEqual(SEEDED_TITLES);
  });

  it('pages through a list with GET and the apollo-require-preflight header', async () => {
    const urql = client({ fetchOptions: { headers: { 'apollo-require-preflight': 'true' } } });
    expect(await allTitles(urql)).toEqual(SEEDED_TITLES);
  });

  it('runs a mutation (always POST) and reads what it wrote', async () => {
    const urql = client({ preferGetMethod: false, fetchOptions: { headers: authorization } });
    const created = await urql
      .mutation(
        gql`
          mutation CreateOrganization($input: CreateOrganizationInput!) {
            createOrganization(input: $input) { id name kind country { code } }
          }
        `,
        { input: { name: 'Nasjonal sikkerhetsmyndighet', kind: 'GOVERNMENT', country: 'Norway' } },
      )
      .toPromise();
    expect(created.error).toBeUndefined();
    expect(created.data.createOrganization).toMatchObject({ name: 'Nasjonal sikkerhetsmyndighet', kind: 'GOVERNMENT', country: { code: 'NO' } });
    const read = await urql
      .query(gql`query Organization($id: ID!) { organization(id: $id) { name } }`, { id: created.data.createOrganization.id })
      .toPromise();
    // urql's document cache adds __typename to every selection.
    expect(read.data).toEqual({ organization: { __typename: 'Organization', name: 'Nasjonal sikkerhetsmyndighet' } });
  });
});
