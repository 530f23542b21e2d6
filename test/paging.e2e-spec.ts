import fc from 'fast-check';
import { seedId } from '../src/seed/seed';
import { StatementCounter } from './support/statement-counter';
import { TestApp, errorCodes, startTestApp } from './support/test-app';

/**
 * Relay paging (first/after, last/before, pageInfo, cursors bound to their list and sort),
 * totalCount only when asked, node(id:)/nodes(ids:), and nullable single lookups.
 */
describe('Relay paging and object identification', () => {
  const counter = new StatementCounter();
  let t: TestApp;
  let actorId: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: true, sqlLogger: counter });
    // Lists with ties in every sort key (names, titles, dates; some undated), so that the
    // tie-breaker decides and cursors must carry every key.
    await t.dataSource.query(
      `INSERT INTO organization (name, kind)
       SELECT 'Org ' || chr(65 + i % 7) || CASE WHEN i % 3 = 0 THEN ' ' || i ELSE '' END || ' ' || i, 'GOVERNMENT'
         FROM generate_series(1, 61) AS i`,
    );
    await t.dataSource.query(
      `INSERT INTO incident (title, started_from, started_to)
       SELECT 'Incident ' || (i % 9), CASE WHEN i % 5 = 0 THEN NULL ELSE DATE '2020-01-01' + (i % 11) END,
              CASE WHEN i % 5 = 0 THEN NULL ELSE DATE '2020-01-01' + (i % 11) END
         FROM generate_series(1, 67) AS i`,
    );
    const [actor] = await t.dataSource.query(`INSERT INTO threat_actor (name, kind) VALUES ('Paged actor', 'APT_GROUP') RETURNING id`);
    actorId = actor.id;
    // 33 attributions of one actor, on 4 dates and undated, by the seed's PST.
    await t.dataSource.query(
      `INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id, attributed_from, attributed_to, confidence)
       SELECT (SELECT id FROM incident WHERE title = 'Incident ' || (i % 9) ORDER BY id LIMIT 1), $1,
              (SELECT id FROM organization WHERE name = 'PST'),
              CASE WHEN i % 6 = 0 THEN NULL ELSE DATE '2021-03-01' + (i % 4) END,
              CASE WHEN i % 6 = 0 THEN NULL ELSE DATE '2021-03-01' + (i % 4) END, i
         FROM generate_series(1, 33) AS i`,
      [actorId],
    );
  });
  afterAll(() => t.close());

  /** The lists walked by the property test: a top-level list under each sort, and a relation list. */
  const LISTS: Record<string, { query: string; connection: (data: any) => any }> = {
    organizations: {
      query: `query ($first: Int, $after: String, $last: Int, $before: String) {
        list: organizations(first: $first, after: $after, last: $last, before: $before) { ...page } }`,
      connection: (data) => data.list,
    },
    incidentsByTitle: {
      query: `query ($first: Int, $after: String, $last: Int, $before: String) {
        list: incidents(sort: { field: TITLE, direction: ASC }, first: $first, after: $after, last: $last, before: $before) { ...page } }`,
      connection: (data) => data.list,
    },
    incidentsByStart: {
      query: `query ($first: Int, $after: String, $last: Int, $before: String) {
        list: incidents(first: $first, after: $after, last: $last, before: $before) { ...page } }`,
      connection: (data) => data.list,
    },
    actorAttributions: {
      query: `query ($first: Int, $after: String, $last: Int, $before: String, $actor: ID!) {
        threatActor(id: $actor) { list: attributions(first: $first, after: $after, last: $last, before: $before) { ...page } } }`,
      connection: (data) => data.threatActor.list,
    },
  };
  const pageFields = (list: string) => {
    const type = { organizations: 'Organization', incidentsByTitle: 'Incident', incidentsByStart: 'Incident', actorAttributions: 'Attribution' }[list];
    return `fragment page on ${type}Connection {
      totalCount
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }`;
  };

  async function fetchPage(list: string, args: Record<string, unknown>) {
    const { query, connection } = LISTS[list];
    return connection(await t.data(`${query} ${pageFields(list)}`, { ...args, actor: actorId }));
  }

  async function unpaged(list: string): Promise<string[]> {
    const page = await fetchPage(list, { first: 200 });
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    return page.edges.map((e: any) => e.node.id);
  }

  it('paging forward, then backward, visits the same rows in the same order as one unpaged query (property)', async () => {
    const expected: Record<string, string[]> = {};
    for (const list of Object.keys(LISTS)) expected[list] = await unpaged(list);
    expect(expected.organizations.length).toBeGreaterThan(60);
    expect(expected.actorAttributions).toHaveLength(33);

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(LISTS)), fc.integer({ min: 3, max: 23 }), fc.integer({ min: 3, max: 23 }),
        async (list, forwardSize, backwardSize) => {
          const all = expected[list];
          const forward: string[] = [];
          let after: string | null = null;
          let pages = 0;
          for (;;) {
            const page = await fetchPage(list, { first: forwardSize, after });
            expect(page.totalCount).toBe(all.length);
            expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
            expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
            forward.push(...page.edges.map((e: any) => e.node.id));
            if (!page.pageInfo.hasNextPage) break;
            expect(page.edges).toHaveLength(forwardSize);
            after = page.pageInfo.endCursor;
            if (++pages > 100) throw new Error('no end');
          }
          expect(forward).toEqual(all);

          const backward: string[] = [];
          let before: string | null = null;
          for (;;) {
            const page = await fetchPage(list, { last: backwardSize, before });
            expect(page.pageInfo.hasNextPage).toBe(before !== null);
            expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
            backward.unshift(...page.edges.map((e: any) => e.node.id));
            if (!page.pageInfo.hasPreviousPage) break;
            expect(page.edges).toHaveLength(backwardSize);
            before = page.pageInfo.startCursor;
          }
          expect(backward).toEqual(all);
        }),
      { numRuns: 8, seed: 20261201 },
    );
  });

  it('after and before together: the rows between the two cursors', async () => {
    const all = await unpaged('organizations');
    const page = await fetchPage('organizations', { first: 200 });
    const from = page.edges[10].cursor;
    const to = page.edges[20].cursor;
    const between = await fetchPage('organizations', { first: 200, after: from, before: to });
    expect(between.edges.map((e: any) => e.node.id)).toEqual(all.slice(11, 20));
    const lastThree = await fetchPage('organizations', { last: 3, after: from, before: to });
    expect(lastThree.edges.map((e: any) => e.node.id)).toEqual(all.slice(17, 20));
    expect(lastThree.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('refuses a cursor of another list or another sort with BAD_USER_INPUT naming the argument, never PostgreSQL text', async () => {
    const byTitle = await fetchPage('incidentsByTitle', { first: 3 });
    const organizations = await fetchPage('organizations', { first: 3 });
    const attributions = await fetchPage('actorAttributions', { first: 3 });
    const attempts = [
      { list: 'incidentsByStart', args: { first: 3, after: byTitle.pageInfo.endCursor }, argument: 'after' },
      { list: 'incidentsByStart', args: { last: 3, before: organizations.pageInfo.startCursor }, argument: 'before' },
      { list: 'organizations', args: { after: attributions.pageInfo.endCursor }, argument: 'after' },
      { list: 'actorAttributions', args: { after: byTitle.pageInfo.endCursor }, argument: 'after' },
      { list: 'organizations', args: { after: 'not a cursor' }, argument: 'after' },
      { list: 'organizations', args: { after: Buffer.from('{"list":1}').toString('base64url') }, argument: 'after' },
    ];
    for (const { list, args, argument } of attempts) {
      const response = await t.gql(`${LISTS[list].query} ${pageFields(list)}`, { ...args, actor: actorId });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0].extensions).toMatchObject({ argument });
      expect(response.errors![0].message).not.toMatch(/syntax|operator|column|relation|invalid input/i);
    }
    // A cursor of this list whose values were tampered with (the id is no UUID): still the client's error.
    const payload = JSON.parse(Buffer.from(organizations.pageInfo.endCursor, 'base64url').toString());
    payload.values[payload.values.length - 1] = 'not-a-uuid';
    const forged = await t.gql(`${LISTS.organizations.query} ${pageFields('organizations')}`, {
      after: Buffer.from(JSON.stringify(payload)).toString('base64url'),
    });
    expect(errorCodes(forged)).toEqual(['BAD_USER_INPUT']);
  });

  it('validates the page arguments: not first and last together, sizes 1 to 200', async () => {
    for (const args of [{ first: 2, last: 2 }, { first: 0 }, { last: 201 }, { first: -1 }]) {
      const response = await t.gql(`${LISTS.organizations.query} ${pageFields('organizations')}`, args);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    }
    const page = await fetchPage('organizations', {});
    expect(page.edges).toHaveLength(20);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('counts only when totalCount is selected', async () => {
    const sent = async (query: string) => {
      const before = counter.count;
      await t.data(query);
      return counter.recent.slice(-(counter.count - before));
    };
    const isCount = (sql: string) => /COUNT\(/i.test(sql);
    const without = await sent(`{ organizations(first: 5) { nodes { name } pageInfo { hasNextPage } } }`);
    expect(without.filter(isCount)).toEqual([]);
    const withCount = await sent(`{ organizations(first: 5) { totalCount nodes { name } } }`);
    expect(withCount.filter(isCount)).toHaveLength(1);
    // Nested: one grouped count for every parent, only when asked.
    const nestedWithout = await sent(`{ threatActors(first: 50) { nodes { attributions(first: 2) { nodes { id } } } } }`);
    expect(nestedWithout.filter(isCount)).toEqual([]);
    const nested = await sent(`{ threatActors(first: 50) { nodes { name attributions(first: 2) { totalCount } } } }`);
    expect(nested.filter(isCount)).toHaveLength(1);
    const { threatActors } = await t.data(`{ threatActors(first: 50) { nodes { name attributions(first: 2) { totalCount } } } }`);
    expect(threatActors.nodes.find((a: any) => a.name === 'Paged actor').attributions.totalCount).toBe(33);
  });

  it('node(id:) and nodes(ids:) find anything by its id, null with NOT_FOUND for what is not there', async () => {
    const incidentId = seedId('incident:storting-2020');
    const { node } = await t.data(
      `query ($id: ID!) { node(id: $id) { __typename id ... on Incident { title } } }`,
      { id: incidentId },
    );
    expect(node).toEqual({ __typename: 'Incident', id: incidentId, title: "Brute-force intrusion into the Storting's email" });

    // The types added with the public record: a response (the seed's), a dataset and one of its records.
    const responseId = seedId('response:france-defense-council');
    const [{ datasetId, recordId }] = await t.dataSource.query(
      `WITH d AS (INSERT INTO dataset (name, version) VALUES ('Paged dataset', '1') RETURNING id)
       INSERT INTO dataset_record (dataset_id, record_type, record_key, fields) SELECT d.id, 'incident', '7', '{}' FROM d
       RETURNING dataset_id::text AS "datasetId", id::text AS "recordId"`,
    );
    const { nodes: recordNodes } = await t.data(
      `query ($ids: [ID!]!) { nodes(ids: $ids) {
         __typename id ... on Response { kind incident { title } } ... on Dataset { name } ... on DatasetRecord { recordKey }
       } }`,
      { ids: [responseId, datasetId, recordId] },
    );
    expect(recordNodes).toEqual([
      { __typename: 'Response', id: responseId, kind: expect.any(String), incident: { title: expect.stringMatching(/Macron/) } },
      { __typename: 'Dataset', id: datasetId, name: 'Paged dataset' },
      { __typename: 'DatasetRecord', id: recordId, recordKey: '7' },
    ]);

    const missing = '00000000-0000-4000-8000-000000000000';
    const response = await t.gql(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on ThreatActor { name } ... on Organization { name } } }`,
      { ids: [actorId, missing, 'no such id', incidentId, actorId] },
    );
    expect(response.data!.nodes).toEqual([
      { __typename: 'ThreatActor', id: actorId, name: 'Paged actor' },
      null,
      null,
      { __typename: 'Incident', id: incidentId },
      { __typename: 'ThreatActor', id: actorId, name: 'Paged actor' },
    ]);
    expect(response.errors!.map((e) => [e.extensions?.code, e.path])).toEqual([
      ['NOT_FOUND', ['nodes', 1]],
      ['NOT_FOUND', ['nodes', 2]],
    ]);
  });

  it('a single lookup that finds nothing answers null with a NOT_FOUND entry; the rest of the response stands', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const response = await t.gql(
      `query ($missing: ID!) {
         incident(id: $missing) { title }
         threatActorByName(name: "Nobody at all") { name }
         known: threatActorByName(name: "Fancy Bear") { name }
         node(id: $missing) { id }
       }`,
      { missing },
    );
    expect(response.data).toEqual({ incident: null, threatActorByName: null, known: { name: 'APT28' }, node: null });
    expect(errorCodes(response).sort()).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
  });
});
