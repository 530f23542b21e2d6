/**
 * Shared helpers of the mutation end-to-end tests (test/mutations-*.e2e-spec.ts):
 * error assertions and small fixture builders that go through the API like a client.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLResponse, TestApp, errorCodes } from './support/test-app';

/** A well-formed id that names no row. */
export const unknownId = (): string => randomUUID();

/**
 * The response failed with exactly one error of `code`, whose message matches `message`,
 * without a stack trace, without a server fault, and without data for the failed field.
 */
export function expectError(res: GraphQLResponse, code: string, message: RegExp): void {
  expect(res.status).not.toBe(500);
  expect(res.status).toBeLessThan(500);
  expect(errorCodes(res)).toEqual([code]);
  const [error] = res.errors!;
  expect(error.message).toMatch(message);
  expect(error.message).not.toMatch(/\n\s+at /);
  expect(error.extensions?.stacktrace).toBeUndefined();
  expect(JSON.stringify(res.errors)).not.toMatch(/node_modules|\.ts:\d+/);
  // A failed root field is null, so the whole `data` of a one-field operation is null.
  expect(res.data ?? null).toBeNull();
}

/** Rows in a table, counted straight from the database. */
export async function countRows(t: TestApp, table: string, where = 'TRUE', params: unknown[] = []): Promise<number> {
  const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM "${table}" WHERE ${where}`, params);
  return row.n;
}

let serial = 0;
/** A name unique within the test run, so fixtures never collide with each other. */
export const uniqueName = (prefix: string): string => `${prefix} ${++serial}`;

export async function createOrganization(t: TestApp, input: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const { createOrganization } = await t.data(
    `mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id name } }`,
    { input: { name: uniqueName('Organization'), kind: 'GOVERNMENT', ...input } },
  );
  return createOrganization;
}

export async function createPerson(t: TestApp, input: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const { createPerson } = await t.data(
    `mutation ($input: CreatePersonInput!) { createPerson(input: $input) { id name } }`,
    { input: { name: uniqueName('Person'), ...input } },
  );
  return createPerson;
}

export async function createActor(t: TestApp, input: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const { createThreatActor } = await t.data(
    `mutation ($input: CreateThreatActorInput!) { createThreatActor(input: $input) { id name } }`,
    { input: { name: uniqueName('Actor'), kind: 'APT_GROUP', ...input } },
  );
  return createThreatActor;
}

export async function createCampaign(t: TestApp, input: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const { createCampaign } = await t.data(
    `mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { id name } }`,
    { input: { name: uniqueName('Campaign'), ...input } },
  );
  return createCampaign;
}

export async function createIncident(t: TestApp, input: Record<string, unknown> = {}): Promise<{ id: string; title: string }> {
  const { createIncident } = await t.data(
    `mutation ($input: CreateIncidentInput!) { createIncident(input: $input) { id title } }`,
    { input: { title: uniqueName('Incident'), ...input } },
  );
  return createIncident;
}

export async function createArticle(t: TestApp, input: Record<string, unknown> = {}): Promise<{ id: string; title: string }> {
  const { createSourceArticle } = await t.data(
    `mutation ($input: CreateSourceArticleInput!) { createSourceArticle(input: $input) { id title } }`,
    { input: { title: uniqueName('Article'), ...input } },
  );
  return createSourceArticle;
}

/**
 * A citation as the provenance rule wants it: a new article whose body reports `words`,
 * and the excerpt quoting them.
 */
export async function cite(t: TestApp, words: string): Promise<{ sourceArticleId: string; excerpt: string }[]> {
  const article = await createArticle(t, { body: `As reported: ${words} (end of report).` });
  return [{ sourceArticleId: article.id, excerpt: words }];
}

/** Creates a statement; without `sources`, it cites a new article that reports its words. */
export async function createStatement(t: TestApp, input: Record<string, unknown>): Promise<{ id: string }> {
  // Without words of its own, a statement gets a quote of its new article; citing given articles, a summary (a quote must be in them).
  const untold = input.quote === undefined && input.summary === undefined;
  const quote = untold && !input.sources ? uniqueName('Quote') : input.quote;
  const summary = untold && input.sources ? uniqueName('Summary') : input.summary;
  const words = String(quote ?? summary);
  const sources = input.sources ?? (await cite(t, words));
  const { createStatement } = await t.data(
    `mutation ($input: CreateStatementInput!) { createStatement(input: $input) { id } }`,
    { input: { stance: 'ACCUSES', quote, summary, ...input, sources } },
  );
  return createStatement;
}

/** Creates an attribution; without `sources`, it cites a new article that reports the claim. */
export async function createAttribution(t: TestApp, input: Record<string, unknown>): Promise<{ id: string }> {
  const sources = input.sources ?? (await cite(t, `${uniqueName('Claim')} was made`));
  const { createAttribution } = await t.data(
    `mutation ($input: CreateAttributionInput!) { createAttribution(input: $input) { id } }`,
    { input: { ...input, sources } },
  );
  return createAttribution;
}
