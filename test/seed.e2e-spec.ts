import { FOUNDING_ARTICLES } from '../src/seed/founding-articles';
import { loadSeed, seedIfEmpty } from '../src/seed/seed';
import { TestApp, startTestApp } from './support/test-app';

const TABLES = [
  'source_article', 'organization', 'person', 'threat_actor', 'actor_alias', 'campaign', 'incident', 'incident_target',
  'incident_source', 'statement', 'statement_source', 'statement_incident', 'statement_actor', 'statement_country',
  'attribution', 'attribution_statement', 'attribution_source', 'attribution_revision',
];

/** Every row of every graph table, as text, so two snapshots can be compared exactly. */
async function snapshot(t: TestApp): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows: { row: string }[] = await t.dataSource.query(`SELECT t::text AS row FROM ${table} t ORDER BY 1`);
    result[table] = rows.map((r) => r.row);
  }
  return result;
}

describe('seed: the founding articles as data', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('loads into an empty database once, and a second load changes nothing', async () => {
    expect(await seedIfEmpty(t.dataSource)).toBe(true);
    const first = await snapshot(t);
    expect(first.source_article).toHaveLength(2);
    expect(first.incident).toHaveLength(3);
    expect(first.statement).toHaveLength(FOUNDING_ARTICLES.statements.length);
    expect(first.attribution).toHaveLength(5);

    await loadSeed(t.dataSource);
    expect(await snapshot(t)).toEqual(first);
    expect(await seedIfEmpty(t.dataSource)).toBe(false);
    expect(await snapshot(t)).toEqual(first);
  });

  it('does not overwrite what a user edited, and restores nothing silently', async () => {
    const { incidents } = await t.data(`{ incidents(filter: { search: "Storting" }) { nodes { id } } }`);
    const id = incidents.nodes[0].id;
    await t.data(`mutation ($id: ID!) { updateIncident(input: { id: $id, summary: "edited" }) { id } }`, { id });
    await loadSeed(t.dataSource);
    const { incident } = await t.data(`query ($id: ID!) { incident(id: $id) { summary } }`, { id });
    expect(incident.summary).toBe('edited');
  });

  it('cites, for every statement, an excerpt that occurs word for word in its article', async () => {
    const rows: { excerpt: string; body: string; title: string }[] = await t.dataSource.query(
      `SELECT ss.excerpt, a.body, a.title FROM statement_source ss JOIN source_article a ON a.id = ss.source_article_id`,
    );
    expect(rows).toHaveLength(FOUNDING_ARTICLES.statements.length);
    for (const row of rows) expect(row.body).toContain(row.excerpt);
  });

  it('cites, for every attribution, at least one excerpt that occurs word for word in its article', async () => {
    const rows: { attribution_id: string; excerpt: string; body: string }[] = await t.dataSource.query(
      `SELECT c.attribution_id::text, c.excerpt, a.body FROM attribution_source c JOIN source_article a ON a.id = c.source_article_id`,
    );
    expect(rows).toHaveLength(FOUNDING_ARTICLES.attributions.flatMap((a) => a.sources).length);
    for (const row of rows) expect(row.body).toContain(row.excerpt);
    const [{ uncited }] = await t.dataSource.query(
      `SELECT count(*)::int AS uncited FROM attribution a WHERE NOT EXISTS (SELECT 1 FROM attribution_source c WHERE c.attribution_id = a.id)`,
    );
    expect(uncited).toBe(0);
    // PST's "likely" comes with the passage that says it.
    const { attributions } = await t.data(`{ attributions(filter: { actor: "APT28" }) { nodes { confidenceWords citations { excerpt article { title } } } } }`);
    expect(attributions.nodes).toEqual([{
      confidenceWords: 'likely',
      citations: [{
        excerpt: 'Analyses show that it is likely that the operation was led by a cyber actor … known as APT28 or Fancy Bear.',
        article: { title: 'Norway accuses Russian hackers of parliament attack' },
      }],
    }]);
  });

  it('records each seeded attribution once in its history, by "seed"', async () => {
    const rows: { operation: string; recorded_by: string }[] = await t.dataSource.query(
      `SELECT operation, recorded_by FROM attribution_revision`,
    );
    expect(rows).toHaveLength(FOUNDING_ARTICLES.attributions.length);
    expect(new Set(rows.map((r) => `${r.operation} by ${r.recorded_by}`))).toEqual(new Set(['CREATED by seed']));
  });

  it('records only what the articles give: no URL, publisher or publication date for the articles', async () => {
    const { sourceArticles } = await t.data(`{
      sourceArticles { nodes { title url publisher published { precision } body statements { stance } incidents { title } } }
    }`);
    expect(sourceArticles.nodes).toHaveLength(2);
    for (const article of sourceArticles.nodes) {
      expect(article.url).toBeNull();
      expect(article.publisher).toBeNull();
      expect(article.published.precision).toBe('UNKNOWN');
      expect(article.body.startsWith(article.title)).toBe(true);
      expect(article.statements.length).toBeGreaterThan(0);
      expect(article.incidents.length).toBeGreaterThan(0);
    }
  });

  it('keeps the hedging of the sources: "Moscow" is the Russian state, not a named unit; vague dates stay vague', async () => {
    const { threatActorByName: moscow } = await t.data(`{
      threatActorByName(name: "Moscow") { name kind children { name } aliases { name } }
    }`);
    expect(moscow.name).toBe('Russian Federation');
    expect(moscow.kind).toBe('STATE');
    expect(moscow.aliases.map((a: any) => a.name).sort()).toEqual(['Moscow', 'Russia', 'Russian Federation']);

    const { incidents } = await t.data(`{
      incidents(filter: { search: "Macron" }) {
        nodes { started { precision display text } attributions { nodes { actor { name } confidence confidenceWords attributedByOrganization { name } } } }
      }
    }`);
    const [macron] = incidents.nodes;
    expect(macron.started).toEqual({ precision: 'YEAR', display: '2017', text: 'over the past month' });
    expect(macron.attributions.nodes).toEqual([
      {
        actor: { name: 'Russian Federation' },
        confidence: null,
        confidenceWords: null,
        attributedByOrganization: { name: "Emmanuel Macron's presidential campaign" },
      },
    ]);

    const { campaigns } = await t.data(`{ campaigns { nodes { started { from to precision display text } incidents { nodes { title } } } } }`);
    expect(campaigns.nodes[0].started).toEqual({
      from: null, to: '2019-12-31', precision: 'RANGE', display: '../2019-12-31', text: 'since at least 2019',
    });
    expect(campaigns.nodes[0].incidents.nodes).toEqual([{ title: "Brute-force intrusion into the Storting's email" }]);
  });
});
