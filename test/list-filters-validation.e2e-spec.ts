import { TestApp, errorCodes, startTestApp } from './support/test-app';

/** Every list's filter goes through class-validator, not only the incident list's. */
describe('list filters are validated', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ seed: true })));
  afterAll(() => t.close());

  it.each([
    ['threatActors', '{ threatActors(filter: { parentId: "not-a-uuid" }) { totalCount } }', /parentId must be a UUID/],
    ['attributions', '{ attributions(filter: { minConfidence: 101 }) { totalCount } }', /minConfidence must not be greater than 100/],
    ['statements', '{ statements(filter: { speakerRole: "" }) { totalCount } }', /speakerRole should not be empty/],
    ['people', '{ people(filter: { organizationId: "42" }) { totalCount } }', /organizationId must be a UUID/],
  ])('%s: a bad filter value is BAD_USER_INPUT naming the field', async (_list, query, message) => {
    const response = await t.gql(query);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0].message).toMatch(message);
  });

  it('a good filter still answers', async () => {
    const { attributions, statements } = await t.data(`{
      attributions(filter: { minConfidence: 70 }) { totalCount }
      statements(filter: { speakerRole: "foreign minister" }) { totalCount }
    }`);
    expect(attributions.totalCount).toBe(1);
    expect(statements.totalCount).toBe(3);
  });
});
