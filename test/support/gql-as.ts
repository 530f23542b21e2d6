import { GraphQLResponse, TestApp } from './test-app';

/** POSTs a GraphQL request with exactly these headers (no token unless given), as a raw client would. */
export async function gqlWithHeaders<T = any>(
  t: TestApp,
  headers: Record<string, string>,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(t.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { ...((await response.json()) as GraphQLResponse<T>), status: response.status };
}

/** A GraphQL request as the account `name` (an admin, made on first use): the name recorded in history and links. */
export async function gqlAs<T = any>(t: TestApp, name: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  return (await t.asAccount(name)).gql<T>(query, variables);
}

/** Like gqlAs, failing the test on any GraphQL error. */
export async function dataAs<T = any>(t: TestApp, name: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  return (await t.asAccount(name)).data<T>(query, variables);
}
