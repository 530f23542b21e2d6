import { GraphQLResponse, TestApp } from './test-app';

/**
 * POSTs a GraphQL request with extra headers (the caller's name in X-Actor-Name),
 * as a client that identifies itself would.
 */
export async function gqlWithHeaders<T = any>(
  t: TestApp,
  headers: Record<string, string>,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const endpoint = `${await t.app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { ...((await response.json()) as GraphQLResponse<T>), status: response.status };
}

/** Like gqlWithHeaders as caller `name`, failing the test on any GraphQL error. */
export async function dataAs<T = any>(t: TestApp, name: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await gqlWithHeaders<T>(t, { 'X-Actor-Name': name }, query, variables);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
  return result.data as T;
}
