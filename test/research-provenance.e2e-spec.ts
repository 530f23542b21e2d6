/**
 * Provenance: every statement and attribution cites an article with the exact passage,
 * checked on every write; an article that supports facts is deleted only as the caller
 * says, and the answer lists every fact affected.
 */
import { seedId } from '../src/seed/seed';
import { gqlAs } from './support/gql-as';
import {
  countRows, createActor, createArticle, createAttribution, createIncident, createOrganization, createStatement, expectError, unknownId,
} from './mutations-helpers';
import { TestApp, startTestApp } from './support/test-app';

const FRANCE = seedId('article:france-denounces-cyberattacks');
const CREATE_STATEMENT = `mutation ($input: CreateStatementInput!) { createStatement(input: $input) { id citations { excerpt article { id } } } }`;
const CREATE_ATTRIBUTION = `mutation ($input: CreateAttributionInput!) { createAttribution(input: $input) { id citations { excerpt article { id } } } }`;
const DELETION = `id onSupportedFacts statementsStillCited attributionsStillCited statementsLeftUncited attributionsLeftUncited
  deletedStatements deletedAttributions incidentsDetached`;

describe('provenance: citations with exact excerpts', () => {
  let t: TestApp;
  let speaker: { id: string };
  let actor: { id: string };
  let incident: { id: string };
  beforeAll(async () => {
    t = await startTestApp({ seed: true });
    speaker = await createOrganization(t, { name: 'Provenance Ministry' });
    actor = await createActor(t, { name: 'Provenance Bear' });
    incident = await createIncident(t, { title: 'Provenance incident' });
  });
  afterAll(() => t.close());

  const statementInput = (sources: unknown) => ({ stance: 'WARNS', speakerOrganizationId: speaker.id, summary: 'France warned Russia.', sources });
  const attributionInput = (sources: unknown) => ({
    incidentId: incident.id, actorId: actor.id, attributedByOrganizationId: speaker.id, confidenceWords: 'likely', sources,
  });

  it('accepts an excerpt that differs from the article only in case and whitespace (the article has no-break spaces)', async () => {
    const excerpt = '  FRANCE WARNED RUSSIA WEDNESDAY against\nmeddling in the elections ';
    const { createStatement } = await t.data(CREATE_STATEMENT, { input: statementInput([{ sourceArticleId: FRANCE, excerpt }]) });
    // Stored as given (trimmed): the citation is the caller's reading of the source, checked against it.
    expect(createStatement.citations).toEqual([{ excerpt: excerpt.trim(), article: { id: FRANCE } }]);
    const { createAttribution } = await t.data(CREATE_ATTRIBUTION, {
      input: attributionInput([{ sourceArticleId: FRANCE, excerpt: 'pointed the finger of blame at Moscow' }]),
    });
    expect(createAttribution.citations).toEqual([{ excerpt: 'pointed the finger of blame at Moscow', article: { id: FRANCE } }]);
  });

  it.each([
    ['words the article does not have', 'France warned Moscow on Wednesday', /sources\[0\]\.excerpt does not occur in article "France denounces cyberattacks blamed on Moscow"/],
    ['other punctuation', 'France warned Russia Wednesday against meddling in the elections after a spokesman', /does not occur in article/],
    ['a blank excerpt', '   ', /sources\[0\]\.excerpt must not be empty/],
    ['an empty excerpt', '', /excerpt must not be empty/],
  ])('refuses %s, writing nothing (statement and attribution)', async (_label, excerpt, message) => {
    const before = { statements: await countRows(t, 'statement'), attributions: await countRows(t, 'attribution'), revisions: await countRows(t, 'attribution_revision') };
    expectError(await t.gql(CREATE_STATEMENT, { input: statementInput([{ sourceArticleId: FRANCE, excerpt }]) }), 'BAD_USER_INPUT', message);
    expectError(await t.gql(CREATE_ATTRIBUTION, { input: attributionInput([{ sourceArticleId: FRANCE, excerpt }]) }), 'BAD_USER_INPUT', message);
    expect(await countRows(t, 'statement')).toBe(before.statements);
    expect(await countRows(t, 'attribution')).toBe(before.attributions);
    expect(await countRows(t, 'attribution_revision')).toBe(before.revisions);
  });

  it('refuses facts without a source, with an empty list, twice the same article, or an article without a body', async () => {
    const noSources = await t.gql(CREATE_STATEMENT, { input: { stance: 'WARNS', speakerOrganizationId: speaker.id, summary: 'x' } });
    expect(noSources.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(noSources.errors?.[0].message).toMatch(/sources/);
    expectError(await t.gql(CREATE_STATEMENT, { input: statementInput([]) }), 'BAD_USER_INPUT', /sources: cite at least one source article/);
    expectError(await t.gql(CREATE_ATTRIBUTION, { input: attributionInput([]) }), 'BAD_USER_INPUT', /sources: cite at least one source article/);
    expectError(
      await t.gql(CREATE_ATTRIBUTION, {
        input: attributionInput([{ sourceArticleId: FRANCE, excerpt: 'France' }, { sourceArticleId: FRANCE, excerpt: 'Moscow' }]),
      }),
      'BAD_USER_INPUT',
      /sources: an article is listed twice/,
    );
    const empty = await createArticle(t, { title: 'Headline only' });
    expectError(
      await t.gql(CREATE_STATEMENT, { input: statementInput([{ sourceArticleId: empty.id, excerpt: 'Headline' }]) }),
      'BAD_USER_INPUT',
      /article "Headline only" has no body to quote from/,
    );
    const missing = unknownId();
    expectError(
      await t.gql(CREATE_ATTRIBUTION, { input: attributionInput([{ sourceArticleId: missing, excerpt: 'x' }]) }),
      'NOT_FOUND',
      new RegExp(`SourceArticle "${missing}" does not exist`),
    );
  });

  it('linkAttributionToSource adds or corrects a citation; unlinkAttributionFromSource never removes the last one', async () => {
    const norway = seedId('article:norway-accuses-russian-hackers');
    const { id } = await createAttribution(t, attributionInput([{ sourceArticleId: FRANCE, excerpt: 'blamed on Moscow' }]));
    const link = (source: Record<string, unknown>) => t.gql(
      `mutation ($id: ID!, $source: CitationInput!) { linkAttributionToSource(attributionId: $id, source: $source) { citations { excerpt article { id } } } }`,
      { id, source },
    );
    const unlink = (articleId: string) => t.gql(
      `mutation ($id: ID!, $a: ID!) { unlinkAttributionFromSource(attributionId: $id, sourceArticleId: $a) { citations { excerpt } } }`,
      { id, a: articleId },
    );
    const linked = await link({ sourceArticleId: norway, excerpt: 'blamed a Russian hacker group' });
    expect(linked.data.linkAttributionToSource.citations).toHaveLength(2);
    expectError(await link({ sourceArticleId: norway, excerpt: 'blamed a Chinese hacker group' }), 'BAD_USER_INPUT', /does not occur in article "Norway accuses/);
    expectError(await link({ sourceArticleId: unknownId(), excerpt: 'x' }), 'NOT_FOUND', /SourceArticle ".*" does not exist/);
    expect((await unlink(FRANCE)).data.unlinkAttributionFromSource.citations).toEqual([{ excerpt: 'blamed a Russian hacker group' }]);
    expectError(await unlink(norway), 'CONFLICT', /This is the attribution's only citation; cite another article first, or delete the attribution/);
    expectError(await unlink(FRANCE), 'NOT_FOUND', /SourceArticle linked to this attribution/);
    expect(await countRows(t, 'attribution_source', 'attribution_id = $1', [id])).toBe(1);
  });

  it('a corrected article body must keep every excerpt cited from it', async () => {
    const article = await createArticle(t, { body: 'The agency said the group was likely behind it.' });
    await createStatement(t, { speakerOrganizationId: speaker.id, summary: 'x', sources: [{ sourceArticleId: article.id, excerpt: 'was likely behind it' }] });
    const update = (body: string) => t.gql(
      `mutation ($id: ID!, $body: String) { updateSourceArticle(input: { id: $id, body: $body }) { body } }`, { id: article.id, body },
    );
    expectError(await update('The agency said nothing.'), 'CONFLICT', /no longer contains 1 excerpt\(s\) cited from this article, e\.g\. "was likely behind it"/);
    expect((await update('The agency said the group   WAS LIKELY behind it, in a statement.')).errors).toBeUndefined();
  });

  describe('deleteSourceArticle: what happens to the facts it supports is the caller\'s explicit choice', () => {
    /** An article cited alone by s1 and a1, together with another by s2 and a2, and listed by an incident. */
    async function supportedArticle() {
      const article = await createArticle(t, { body: 'Alpha said it. Beta said it too.' });
      const other = await createArticle(t, { body: 'Beta said it too.' });
      const only = [{ sourceArticleId: article.id, excerpt: 'Alpha said it.' }];
      const both = [{ sourceArticleId: article.id, excerpt: 'Beta said it too.' }, { sourceArticleId: other.id, excerpt: 'Beta said it too.' }];
      const s1 = await createStatement(t, { speakerOrganizationId: speaker.id, summary: 'Alpha', sources: only });
      const s2 = await createStatement(t, { speakerOrganizationId: speaker.id, summary: 'Beta', sources: both });
      const a1 = await createAttribution(t, attributionInput(only));
      const a2 = await createAttribution(t, attributionInput(both));
      const i = await createIncident(t, { sourceArticleIds: [article.id] });
      return { article, s1, s2, a1, a2, i };
    }
    const remove = (id: string, policy?: string, name = 'test admin') => gqlAs(
      t,
      name,
      `mutation ($id: ID!${policy ? ', $p: SupportedFactsPolicy!' : ''}) { deleteSourceArticle(id: $id${policy ? ', onSupportedFacts: $p' : ''}) { ${DELETION} } }`,
      { id, p: policy },
    );

    it('REFUSE (the default): CONFLICT naming what cites it; nothing changes', async () => {
      const { article } = await supportedArticle();
      const before = { s: await countRows(t, 'statement_source'), a: await countRows(t, 'attribution_source') };
      expectError(
        await remove(article.id),
        'CONFLICT',
        /This source article is cited by statements \(2\), attributions \(2\), incidents \(1\); unlink them first, or say what happens to them with onSupportedFacts/,
      );
      expectError(await remove(article.id, 'REFUSE'), 'CONFLICT', /cited by statements \(2\)/);
      expect(await countRows(t, 'source_article', 'id = $1', [article.id])).toBe(1);
      expect({ s: await countRows(t, 'statement_source'), a: await countRows(t, 'attribution_source') }).toEqual(before);
    });

    it('DETACH_CITATIONS: every fact stays; those left without a citation are listed, and found by the uncited filters', async () => {
      const { article, s1, s2, a1, a2, i } = await supportedArticle();
      const res = await remove(article.id, 'DETACH_CITATIONS');
      expect(res.errors).toBeUndefined();
      expect(res.data.deleteSourceArticle).toEqual({
        id: article.id, onSupportedFacts: 'DETACH_CITATIONS',
        statementsStillCited: [s2.id], attributionsStillCited: [a2.id],
        statementsLeftUncited: [s1.id], attributionsLeftUncited: [a1.id],
        deletedStatements: [], deletedAttributions: [], incidentsDetached: [i.id],
      });
      const after = await t.data(
        `query ($s1: ID!, $a1: ID!, $s2: ID!, $i: ID!) {
           s1: statement(id: $s1) { citations { excerpt } } a1: attribution(id: $a1) { citations { excerpt } }
           s2: statement(id: $s2) { citations { excerpt } } i: incident(id: $i) { sources { id } }
           uncitedStatements: statements(filter: { uncited: true }) { nodes { id } }
           uncitedAttributions: attributions(filter: { uncited: true }) { nodes { id } }
         }`,
        { s1: s1.id, a1: a1.id, s2: s2.id, i: i.id },
      );
      expect(after).toMatchObject({ s1: { citations: [] }, a1: { citations: [] }, s2: { citations: [{ excerpt: 'Beta said it too.' }] }, i: { sources: [] } });
      expect(after.uncitedStatements.nodes).toEqual([{ id: s1.id }]);
      expect(after.uncitedAttributions.nodes).toEqual([{ id: a1.id }]);
      const cited = await t.data(`{ attributions(filter: { uncited: false }, first: 200) { nodes { id } } }`);
      expect(cited.attributions.nodes.map((n: any) => n.id)).toContain(a2.id);
      expect(cited.attributions.nodes.map((n: any) => n.id)).not.toContain(a1.id);
    });

    it('DELETE_UNSUPPORTED_FACTS: facts it alone supported are deleted (history kept, by the caller); others keep their citations', async () => {
      // Leaves the DETACH_CITATIONS test's uncited facts alone: they are not this article's.
      const { article, s1, s2, a1, a2, i } = await supportedArticle();
      const res = await remove(article.id, 'DELETE_UNSUPPORTED_FACTS', 'Archivist');
      expect(res.errors).toBeUndefined();
      expect(res.data.deleteSourceArticle).toEqual({
        id: article.id, onSupportedFacts: 'DELETE_UNSUPPORTED_FACTS',
        statementsStillCited: [s2.id], attributionsStillCited: [a2.id],
        statementsLeftUncited: [], attributionsLeftUncited: [],
        deletedStatements: [s1.id], deletedAttributions: [a1.id], incidentsDetached: [i.id],
      });
      expectError(await t.gql(`query ($id: ID!) { statement(id: $id) { id } }`, { id: s1.id }), 'NOT_FOUND', /does not exist/);
      expectError(await t.gql(`query ($id: ID!) { attribution(id: $id) { id } }`, { id: a1.id }), 'NOT_FOUND', /does not exist/);
      const [deleted] = await t.dataSource.query(
        `SELECT operation, recorded_by FROM attribution_revision WHERE attribution_id = $1 ORDER BY seq DESC LIMIT 1`, [a1.id],
      );
      expect(deleted).toEqual({ operation: 'DELETED', recorded_by: 'Archivist' });
      expect((await t.data(`query ($id: ID!) { incident(id: $id) { id } }`, { id: i.id })).incident.id).toBe(i.id);
      expect((await t.data(`query ($id: ID!) { statement(id: $id) { citations { excerpt } } }`, { id: s2.id })).statement.citations).toHaveLength(1);
    });

    /**
     * An article cited in `citation` (two responses, an actor's tie to its parent) and listed by a dataset
     * record, as the seed, the EuRepoC and the STIX importers write them: each policy accounts for all of it.
     */
    async function articleCitedByOtherFacts() {
      const article = await createArticle(t, { body: 'The council met. The ministry spoke. Bear has ties to Eagle.' });
      const other = await createArticle(t, { body: 'The ministry spoke.' });
      const respond = (sources: unknown) => t.data(
        `mutation ($input: CreateResponseInput!) { createResponse(input: $input) { id } }`,
        { input: { responderOrganizationId: speaker.id, kind: 'STATEMENT', incidentId: incident.id, sources } },
      ).then((d) => d.createResponse.id as string);
      const alone = await respond([{ sourceArticleId: article.id, excerpt: 'The council met.' }]);
      const shared = await respond([
        { sourceArticleId: article.id, excerpt: 'The ministry spoke.' }, { sourceArticleId: other.id, excerpt: 'The ministry spoke.' },
      ]);
      const bear = await createActor(t, { name: `Tied Bear ${article.id.slice(0, 8)}` });
      await t.dataSource.query(`INSERT INTO citation (actor_tie_actor_id, source_article_id, excerpt) VALUES ($1, $2, 'Bear has ties to Eagle.')`, [bear.id, article.id]);
      const [{ id: dataset }] = await t.dataSource.query(
        `INSERT INTO dataset (name, version) VALUES ($1, '1') RETURNING id::text`, [`Deletion test ${article.id}`],
      );
      const [{ id: record }] = await t.dataSource.query(
        `INSERT INTO dataset_record (dataset_id, record_type, record_key, fields) VALUES ($1, 'incident', '1', '{}') RETURNING id::text`, [dataset],
      );
      await t.dataSource.query(`INSERT INTO dataset_record_article (dataset_record_id, source_article_id, field) VALUES ($1, $2, 'sources_url')`, [record, article.id]);
      return { article, alone, shared, bear, record };
    }
    const OTHERS = `id onSupportedFacts otherFactsDetached { kind id outcome } datasetRecordsDetached`;
    const removeOthers = (id: string, policy?: string) => gqlAs(
      t,
      'test admin',
      `mutation ($id: ID!${policy ? ', $p: SupportedFactsPolicy!' : ''}) { deleteSourceArticle(id: $id${policy ? ', onSupportedFacts: $p' : ''}) { ${OTHERS} } }`,
      { id, p: policy },
    );

    it('REFUSE counts responses, actor ties and dataset records too (a CONFLICT, never a server fault)', async () => {
      const { article } = await articleCitedByOtherFacts();
      const res = await removeOthers(article.id);
      expectError(res, 'CONFLICT', /cited by responses \(2\), actor ties \(1\), dataset records \(1\); unlink them first/);
      expect(res.errors![0].extensions).toMatchObject({ responses: 2, actorTies: 1, datasetRecords: 1, statements: 0 });
      expect(await countRows(t, 'citation', 'source_article_id = $1', [article.id])).toBe(3);
      expect(await countRows(t, 'source_article', 'id = $1', [article.id])).toBe(1);
    });

    it('DETACH_CITATIONS keeps every response, tie and record, and says which are left uncited', async () => {
      const { article, alone, shared, bear, record } = await articleCitedByOtherFacts();
      const res = await removeOthers(article.id, 'DETACH_CITATIONS');
      expect(res.errors).toBeUndefined();
      expect(res.data.deleteSourceArticle.datasetRecordsDetached).toEqual([record]);
      expect(res.data.deleteSourceArticle.otherFactsDetached).toEqual(expect.arrayContaining([
        { kind: 'response', id: alone, outcome: 'LEFT_UNCITED' },
        { kind: 'response', id: shared, outcome: 'STILL_CITED' },
        { kind: 'actorTie', id: bear.id, outcome: 'LEFT_UNCITED' },
      ]));
      expect(res.data.deleteSourceArticle.otherFactsDetached).toHaveLength(3);
      expect(await countRows(t, 'response', 'id = ANY($1::uuid[])', [[alone, shared]])).toBe(2);
      expect(await countRows(t, 'citation', 'response_id = $1', [shared])).toBe(1);
      expect(await countRows(t, 'dataset_record', 'id = $1', [record])).toBe(1);
      expect(await countRows(t, 'source_article', 'id = $1', [article.id])).toBe(0);
    });

    it('DELETE_UNSUPPORTED_FACTS deletes the response it alone supported, and keeps the actor and its tie', async () => {
      const { article, alone, shared, bear } = await articleCitedByOtherFacts();
      const res = await removeOthers(article.id, 'DELETE_UNSUPPORTED_FACTS');
      expect(res.errors).toBeUndefined();
      expect(res.data.deleteSourceArticle.otherFactsDetached).toEqual(expect.arrayContaining([
        { kind: 'response', id: alone, outcome: 'DELETED' },
        { kind: 'response', id: shared, outcome: 'STILL_CITED' },
        { kind: 'actorTie', id: bear.id, outcome: 'LEFT_UNCITED' },
      ]));
      expect(await countRows(t, 'response', 'id = $1', [alone])).toBe(0);
      expect(await countRows(t, 'response', 'id = $1', [shared])).toBe(1);
      expect(await countRows(t, 'threat_actor', 'id = $1', [bear.id])).toBe(1);
    });

    it('deletes a seeded article (cited by statements, an attribution, a response and an actor tie) under each policy', async () => {
      // The seed's France article supports a response and a parent tie through `citation`: the case the fuzzer found.
      const [{ id }] = await t.dataSource.query(
        `SELECT source_article_id::text AS id FROM citation WHERE source_article_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
      );
      expectError(await removeOthers(id), 'CONFLICT', /cited by/);
      const res = await removeOthers(id, 'DELETE_UNSUPPORTED_FACTS');
      expect(res.errors).toBeUndefined();
      expect(res.data.deleteSourceArticle.otherFactsDetached.length).toBeGreaterThan(0);
      expect(await countRows(t, 'citation', 'source_article_id = $1', [id])).toBe(0);
      expect(await countRows(t, 'source_article', 'id = $1', [id])).toBe(0);
    });

    it('refuses an unknown policy, an unknown article and a malformed id', async () => {
      const article = await createArticle(t);
      const bad = await t.gql(`mutation ($id: ID!) { deleteSourceArticle(id: $id, onSupportedFacts: FORGET) { id } }`, { id: article.id });
      expect(bad.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await countRows(t, 'source_article', 'id = $1', [article.id])).toBe(1);
      const missing = unknownId();
      expectError(await remove(missing, 'DELETE_UNSUPPORTED_FACTS'), 'NOT_FOUND', new RegExp(`SourceArticle "${missing}" does not exist`));
      expectError(await remove('article-1', 'DETACH_CITATIONS'), 'BAD_USER_INPUT', /"article-1" is not a valid SourceArticle id/);
      // Uncited, it goes with any policy.
      expect((await remove(article.id, 'DELETE_UNSUPPORTED_FACTS')).data.deleteSourceArticle).toMatchObject({ id: article.id, deletedStatements: [] });
    });
  });
});
