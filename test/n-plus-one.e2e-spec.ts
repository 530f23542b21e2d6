import { TestApp, startTestApp } from './support/test-app';
import { StatementCounter } from './support/statement-counter';

const NESTED_QUERY = `{
  incidents(first: 200) {
    totalCount
    nodes {
      title
      targets { role organization { name country { name } } }
      attributions {
        nodes {
          confidence
          actor { name aliases { name } parent { name parent { name } } }
          attributedByOrganization { name country { code } }
          citations { excerpt article { title } }
        }
      }
      statements {
        nodes {
          stance
          speakerPerson { name organization { name country { name } } }
          sources { excerpt article { title } }
          citations { excerpt article { title } }
        }
      }
    }
  }
}`;

/**
 * The relation connections from every side, each with totalCount, pageInfo both ways and
 * a page after a cursor: one query per connection level (its page), plus one per
 * totalCount and per hasPreviousPage asked, whatever the number of parents.
 */
const CONNECTIONS_QUERY = `query ($after: String) {
  threatActors(first: 200) {
    nodes {
      name
      attributions(first: 5) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { confidence } }
      incidents(first: 5) { totalCount nodes { title statements(last: 5) { totalCount nodes { stance } } } }
      statements { nodes { stance } }
      later: attributions(first: 5, after: $after) { pageInfo { hasPreviousPage } nodes { confidence } }
    }
  }
  organizations(first: 200) {
    nodes {
      name
      statements { totalCount nodes { stance } }
      attributionsMade { totalCount nodes { confidence } }
      targetedIn { totalCount nodes { incident { title } } }
      people { totalCount nodes { name } }
    }
  }
  people(first: 200) { nodes { statements { totalCount nodes { stance } } attributionsMade { nodes { confidence } } } }
  campaigns(first: 200) { nodes { incidents { totalCount nodes { title } } attributions { nodes { confidence } } } }
}`;

/** The responses connections of incidents, actors (alone and with their subordinates) and countries. */
const RESPONSES_QUERY = `{
  incidents(first: 200) { nodes { title responses(first: 5) { totalCount nodes { kind responderCountry { code } } } } }
  threatActors(first: 200, filter: { search: "actor" }) {
    nodes { name responses(first: 5) { totalCount nodes { kind } } parent { name responses(first: 5, includeSubordinates: true) { totalCount nodes { kind } } } }
  }
  countries(first: 200) { nodes { code responses(first: 2) { totalCount pageInfo { hasNextPage } nodes { kind } } } }
}`;

/**
 * Two responses per incident of `prefix`: one to the incident by its target's country, one
 * aimed at the actor it is attributed to (so the actor has both, the second one through the claim).
 */
async function addResponses(t: TestApp, prefix: string): Promise<void> {
  await t.dataSource.query(
    `INSERT INTO response (incident_id, responder_country_code, kind)
       SELECT i.id, o.country_code, 'DIPLOMATIC' FROM incident i
         JOIN organization o ON o.name = replace(i.title, ' incident ', ' org ')
        WHERE i.title LIKE $1 || ' incident %'`,
    [prefix],
  );
  await t.dataSource.query(
    `INSERT INTO response (actor_id, responder_region, kind)
       SELECT a.id, 'EU', 'SANCTIONS' FROM threat_actor a WHERE a.name LIKE $1 || ' actor %'`,
    [prefix],
  );
}

/**
 * Adds `n` incidents, each with a target organization in a country, an attribution to
 * its own actor under a shared parent, and a statement by its own person of its own
 * organization, both cited by an article (with excerpts from its body, as provenance
 * requires): every relation of the nested query has n rows.
 */
async function addIncidents(t: TestApp, n: number, prefix: string): Promise<void> {
  await t.dataSource.query(
    `WITH parent AS (
       INSERT INTO threat_actor (name, kind) VALUES ($2 || ' parent', 'INTELLIGENCE_AGENCY') RETURNING id
     ), rows AS (
       SELECT i, gen_random_uuid() AS incident_id, gen_random_uuid() AS org_id, gen_random_uuid() AS actor_id,
              gen_random_uuid() AS person_id, gen_random_uuid() AS statement_id, gen_random_uuid() AS article_id
         FROM generate_series(1, $1) AS i
     ), incidents AS (
       INSERT INTO incident (id, title, started_from, started_to) SELECT incident_id, $2 || ' incident ' || i, '2020-01-01', '2020-01-01' FROM rows
     ), orgs AS (
       INSERT INTO organization (id, name, kind, country_code)
       SELECT org_id, $2 || ' org ' || i, 'GOVERNMENT', (ARRAY['NO','FR','DE','US'])[1 + i % 4] FROM rows
     ), actors AS (
       INSERT INTO threat_actor (id, name, kind, parent_id) SELECT actor_id, $2 || ' actor ' || i, 'APT_GROUP', (SELECT id FROM parent) FROM rows
     ), aliases AS (
       INSERT INTO actor_alias (actor_id, name, normalized) SELECT actor_id, $2 || ' actor ' || i, lower($2) || 'actor' || i FROM rows
     ), people AS (
       INSERT INTO person (id, name, organization_id) SELECT person_id, $2 || ' person ' || i, org_id FROM rows
     ), articles AS (
       INSERT INTO source_article (id, title, body) SELECT article_id, $2 || ' article ' || i, 'The excerpt, and the claim.' FROM rows
     ), statements AS (
       INSERT INTO statement (id, speaker_person_id, summary, stance) SELECT statement_id, person_id, 'said', 'ACCUSES' FROM rows
     )
     SELECT 1`,
    [n, prefix],
  );
  // Second step: rows that refer to the ones above (a CTE cannot see its siblings' inserts).
  await t.dataSource.query(
    `INSERT INTO incident_target (incident_id, organization_id)
       SELECT i.id, o.id FROM incident i JOIN organization o ON o.name = replace(i.title, ' incident ', ' org ')
        WHERE i.title LIKE $1 || ' incident %'`,
    [prefix],
  );
  await t.dataSource.query(
    `INSERT INTO attribution (incident_id, actor_id, attributed_by_organization_id, confidence)
       SELECT i.id, a.id, o.id, 50 FROM incident i
         JOIN threat_actor a ON a.name = replace(i.title, ' incident ', ' actor ')
         JOIN organization o ON o.name = replace(i.title, ' incident ', ' org ')
        WHERE i.title LIKE $1 || ' incident %'`,
    [prefix],
  );
  await t.dataSource.query(
    `INSERT INTO statement_incident (statement_id, incident_id)
       SELECT s.id, i.id FROM statement s JOIN person p ON p.id = s.speaker_person_id
         JOIN incident i ON i.title = replace(p.name, ' person ', ' incident ')
        WHERE p.name LIKE $1 || ' person %'`,
    [prefix],
  );
  await t.dataSource.query(
    `INSERT INTO statement_source (statement_id, source_article_id, excerpt)
       SELECT s.id, a.id, 'excerpt' FROM statement s JOIN person p ON p.id = s.speaker_person_id
         JOIN source_article a ON a.title = replace(p.name, ' person ', ' article ')
        WHERE p.name LIKE $1 || ' person %'`,
    [prefix],
  );
  await t.dataSource.query(
    `INSERT INTO attribution_source (attribution_id, source_article_id, excerpt)
       SELECT at.id, a.id, 'the claim' FROM attribution at JOIN incident i ON i.id = at.incident_id
         JOIN source_article a ON a.title = replace(i.title, ' incident ', ' article ')
        WHERE i.title LIKE $1 || ' incident %'`,
    [prefix],
  );
}

describe('no N+1: one nested GraphQL request costs the same number of SQL statements at 10 and at 100 rows', () => {
  const counter = new StatementCounter();
  let t: TestApp;
  // These requests are deliberately wide (200 parents × nested pages): the cost limit is another suite's subject.
  beforeAll(async () => (t = await startTestApp({ sqlLogger: counter, limits: { maxCost: 10_000_000 } })));
  afterAll(() => t.close());

  async function statementsFor(query: string): Promise<{ statements: number; data: any; sql: string[] }> {
    const before = counter.count;
    const data = await t.data(query);
    const statements = counter.count - before;
    return { statements, data, sql: counter.recent.slice(-statements) };
  }

  it('incidents → targets → country, attributions → actor → parent, statements → speaker → organization', async () => {
    await addIncidents(t, 10, 'small');
    const small = await statementsFor(NESTED_QUERY);
    expect(small.data.incidents.totalCount).toBe(10);
    expect(small.data.incidents.nodes[0].attributions.nodes[0].actor.parent.parent).toBeNull();
    expect(small.data.incidents.nodes.every((i: any) => i.statements.nodes[0].speakerPerson.organization.country.name)).toBe(true);

    await addIncidents(t, 90, 'large');
    const large = await statementsFor(NESTED_QUERY);
    expect(large.data.incidents.totalCount).toBe(100);
    expect(large.data.incidents.nodes.every((i: any) => i.targets.length === 1 && i.attributions.nodes.length === 1)).toBe(true);
    expect(large.data.incidents.nodes.every((i: any) => i.attributions.nodes[0].citations[0].excerpt === 'the claim')).toBe(true);
    expect(large.data.incidents.nodes.every((i: any) => i.statements.nodes[0].citations[0].excerpt === 'excerpt')).toBe(true);

    // A few statements whatever the rows: the page, its count, one per connection level, the to-one and
    // list relations read with their parents' rows (look-ahead). A relation also primed by another
    // level's look-ahead (the articles cited by both statements and attributions) may or may not have
    // been loaded by the time it is asked, so the two counts may differ by that one statement.
    expect(small.statements).toBeLessThanOrEqual(8);
    expect(large.statements).toBeLessThanOrEqual(8);
  });

  it('relation connections (attributions, incidents, statements, targets of actors, organizations, people, campaigns)', async () => {
    // Rows of the first test stay: 100 incidents, actors, organizations, people. Add campaigns over them.
    const connectionsFor = async () => {
      const { data: first } = await statementsFor(CONNECTIONS_QUERY);
      const cursor = first.threatActors.nodes.find((a: any) => a.attributions.nodes.length)?.attributions.pageInfo.endCursor;
      return statementsFor(CONNECTIONS_QUERY.replace('$after: String', '$after: String = ' + JSON.stringify(cursor)));
    };
    await t.dataSource.query(
      `INSERT INTO campaign (name) SELECT 'campaign ' || i FROM generate_series(1, 10) AS i`,
    );
    await t.dataSource.query(
      `UPDATE incident SET campaign_id = (SELECT id FROM campaign ORDER BY name LIMIT 1) WHERE title NOT LIKE 'small incident 1'`,
    );
    const small = await connectionsFor();
    const actor = small.data.threatActors.nodes.find((a: any) => a.name === 'small actor 1');
    expect(actor.attributions).toMatchObject({ totalCount: 1, pageInfo: { hasNextPage: false, hasPreviousPage: false } });
    expect(actor.incidents.nodes[0].statements.nodes).toEqual([{ stance: 'ACCUSES' }]);
    expect(actor.later).toEqual({ pageInfo: { hasPreviousPage: true }, nodes: [] });
    expect(small.data.organizations.nodes.find((o: any) => o.name === 'small org 1').targetedIn.nodes).toEqual([
      { incident: { title: 'small incident 1' } },
    ]);
    expect(small.data.campaigns.nodes.find((c: any) => c.incidents.totalCount === 99).incidents.nodes).toHaveLength(20);

    await addIncidents(t, 100, 'more');
    await t.dataSource.query(
      `UPDATE incident SET campaign_id = (SELECT id FROM campaign ORDER BY name DESC LIMIT 1) WHERE title LIKE 'more incident %'`,
    );
    const large = await connectionsFor();
    expect(large.data.threatActors.nodes.length).toBeGreaterThan(small.data.threatActors.nodes.length);
    expect(large.data.campaigns.nodes.find((c: any) => c.incidents.totalCount === 100).incidents.nodes).toHaveLength(20);
    expect(large.data.people.nodes.every((p: any) => p.statements.totalCount === 1 && p.attributionsMade.nodes.length === 0)).toBe(true);
    expect(large.data.organizations.nodes.every((o: any) => o.people.totalCount === 1 && o.people.nodes.length === 1)).toBe(true);

    // Compared by statement kind (its first 60 characters), so that a failure shows which one multiplied.
    const kinds = (sql: string[]) => sql.map((q) => q.replace(/\s+/g, ' ').slice(0, 60)).sort();
    expect(kinds(large.sql)).toEqual(kinds(small.sql));
    expect(small.statements).toBeLessThan(40);
  });

  it('responses of incidents, actors (with subordinates) and countries', async () => {
    // The rows of the tests above stay: 'small' (10), 'large' (90) and 'more' (100) incidents.
    await addResponses(t, 'small');
    const small = await statementsFor(RESPONSES_QUERY);
    expect(small.data.incidents.nodes.find((i: any) => i.title === 'small incident 1').responses)
      .toEqual({ totalCount: 1, nodes: [{ kind: 'DIPLOMATIC', responderCountry: { code: 'FR' } }] });
    expect(small.data.threatActors.nodes.find((a: any) => a.name === 'small actor 1').responses.totalCount).toBe(2);
    const parentOf = (data: any, prefix: string) => data.threatActors.nodes.find((a: any) => a.parent?.name === `${prefix} parent`).parent;
    expect(parentOf(small.data, 'small').responses.totalCount).toBe(20);
    // France has 3 of the 10 already, more than a page: both rounds count it (one query for all countries).
    expect(small.data.countries.nodes.find((c: any) => c.code === 'FR').responses.totalCount).toBe(3);

    await addResponses(t, 'large');
    await addResponses(t, 'more');
    const large = await statementsFor(RESPONSES_QUERY);
    const withResponses = large.data.incidents.nodes.filter((i: any) => i.responses.totalCount === 1);
    expect(withResponses.length).toBeGreaterThan(small.data.incidents.nodes.filter((i: any) => i.responses.totalCount === 1).length);
    expect(large.data.threatActors.nodes.filter((a: any) => a.responses.totalCount === 2).length).toBeGreaterThan(100);
    expect(parentOf(large.data, 'large').responses).toMatchObject({ totalCount: 180 });
    const france = large.data.countries.nodes.find((c: any) => c.code === 'FR').responses;
    expect(france.pageInfo.hasNextPage).toBe(true);
    expect(france.nodes).toHaveLength(2);

    const kinds = (sql: string[]) => sql.map((q) => q.replace(/\s+/g, ' ').slice(0, 60)).sort();
    expect(kinds(large.sql)).toEqual(kinds(small.sql));
    expect(small.statements).toBeLessThan(25);
  });
});
