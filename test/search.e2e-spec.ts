import { CODENAMES, PLACES, World, fold, generateWorld, insertWorld } from './support/analyst-world';
import { headlineSql, rankSql } from '../src/common/text-search';
import { SearchService } from '../src/search/search.service';
import { SearchHitType } from '../src/search/search.types';
import { seededRandom } from './support/random';
import { TestApp, errorCodes, startTestApp } from './support/test-app';

/**
 * `search(query)` across source articles, statements, incidents and actors: ranked,
 * typed hits with highlighted snippets and their nodes; on the founding articles and on
 * a generated world (expected hits computed here from the generated rows).
 */

const SEARCH = `query ($query: String!, $first: Int, $types: [SearchHitType!]) {
  search(query: $query, first: $first, types: $types) {
    query totalCount
    hits {
      type score snippet
      node {
        __typename
        ... on SourceArticle { id title }
        ... on Statement { id stance }
        ... on Incident { id title }
        ... on ThreatActor { id name }
      }
    }
  }
}`;

interface Hit { type: string; score: number; snippet: string; node: { __typename: string; id: string; title?: string; name?: string } }

/** Snippets are HTML: the only tags are the highlight markers. */
function expectSafeHtml(snippet: string): void {
  expect(snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
}

describe('search on the founding articles', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ seed: true })));
  afterAll(() => t.close());

  it('finds the actor by name first, then the statement and the article that use the name', async () => {
    const { search } = await t.data(SEARCH, { query: 'Fancy Bear' });
    expect(search.query).toBe('Fancy Bear');
    expect(search.totalCount).toBe(3);
    expect(search.hits.map((h: Hit) => [h.type, h.node.__typename, h.node.title ?? h.node.name ?? h.node.__typename])).toEqual([
      ['THREAT_ACTOR', 'ThreatActor', 'APT28'],
      ['STATEMENT', 'Statement', 'Statement'],
      ['SOURCE_ARTICLE', 'SourceArticle', 'Norway accuses Russian hackers of parliament attack'],
    ]);
    const [actor, statement, article] = search.hits as Hit[];
    expect(actor.score).toBe(1);
    expect(actor.snippet).toBe('<mark>Fancy Bear</mark> (APT28)');
    expect(statement.score).toBeGreaterThan(article.score);
    // One passage for a statement, from its best match on.
    expect(statement.snippet).toMatch(/^<mark>Fancy<\/mark> <mark>Bear<\/mark>\. This actor has ties to GRU/);
    expect(article.snippet).toContain('the likely perpetrators were the <mark>Fancy</mark> <mark>Bear</mark> collective');
    for (const hit of search.hits) expectSafeHtml(hit.snippet);
  });

  it('suggests the actor for a misspelled name, and nothing else matches it', async () => {
    const { search } = await t.data(SEARCH, { query: 'Fancy Baer' });
    expect(search.totalCount).toBe(1);
    expect(search.hits).toEqual([
      { type: 'THREAT_ACTOR', score: expect.closeTo(6 / 14, 5), snippet: '<mark>Fancy Bear</mark> (APT28)', node: expect.objectContaining({ name: 'APT28' }) },
    ]);
  });

  it('ignores accents and case, keeps them in the snippet', async () => {
    const { search } = await t.data(SEARCH, { query: 'SOREIDE', types: ['STATEMENT', 'SOURCE_ARTICLE'] });
    // The embassy's statement ("Eriksen Søreide's accusation") and the Norwegian article.
    expect(search.hits.map((h: Hit) => h.type).sort()).toEqual(['SOURCE_ARTICLE', 'STATEMENT']);
    for (const hit of search.hits) expect(hit.snippet).toContain('<mark>Søreide');
  });

  it('limits to the types asked for, and to `first`', async () => {
    const all = (await t.data(SEARCH, { query: 'Storting' })).search;
    // PST's statement names the Storting; the other statements about the intrusion do not.
    expect(all.hits.map((h: Hit) => h.type).sort()).toEqual(['INCIDENT', 'SOURCE_ARTICLE', 'STATEMENT']);
    const incidents = (await t.data(SEARCH, { query: 'Storting', types: ['INCIDENT'] })).search;
    expect(incidents.totalCount).toBe(1);
    expect(incidents.hits[0].node.title).toBe("Brute-force intrusion into the Storting's email");
    expect(incidents.hits[0].snippet).toContain("<mark>Storting</mark>'s email");
    const top2 = (await t.data(SEARCH, { query: 'Storting', first: 2 })).search;
    expect(top2.totalCount).toBe(3);
    expect(top2.hits).toEqual(all.hits.slice(0, 2));
  });

  it('supports phrases, alternatives and exclusions', async () => {
    const phrase = (await t.data(SEARCH, { query: '"military intelligence"', types: ['STATEMENT', 'SOURCE_ARTICLE'] })).search;
    expect(phrase.hits.map((h: Hit) => h.type).sort()).toEqual(['SOURCE_ARTICLE', 'STATEMENT']);
    // The article calls them "the Fancy Bear collective"; PST's statement does not.
    const excluded = (await t.data(SEARCH, { query: '"Fancy Bear" -collective', types: ['STATEMENT', 'SOURCE_ARTICLE'] })).search;
    expect(excluded.hits.map((h: Hit) => h.type)).toEqual(['STATEMENT']);
    const either = (await t.data(SEARCH, { query: 'Fillon or Trump', types: ['STATEMENT'] })).search;
    // Ayrault's quote names Fillon; the US intelligence statement names Trump's rival.
    expect(either.totalCount).toBe(2);
    const snippets = either.hits.map((h: Hit) => h.snippet).join(' ');
    expect(snippets).toContain('<mark>Fillon</mark>');
    expect(snippets).toContain('<mark>Trump</mark>');
  });

  it('escapes the text of a snippet: only <mark> is markup', async () => {
    await t.data(`mutation { createIncident(input: { title: "Defacement <script>alert(1)</script> & co", summary: "x < y > z" }) { id } }`);
    const { search } = await t.data(SEARCH, { query: 'defacement', types: ['INCIDENT'] });
    expect(search.hits).toHaveLength(1);
    expect(search.hits[0].snippet).toBe('<mark>Defacement</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; co x &lt; y &gt; z');
  });

  it('refuses bad input', async () => {
    for (const [variables, message] of [
      [{ query: '' }, /query must contain a letter or a digit/],
      [{ query: '?! —' }, /query must contain a letter or a digit/],
      [{ query: 'x'.repeat(501) }, /query must be shorter than or equal to 500 characters/],
      [{ query: 'bear', first: 0 }, /first must not be less than 1/],
      [{ query: 'bear', first: 101 }, /first must not be greater than 100/],
      [{ query: 'bear', types: [] }, /types should not be empty/],
    ] as [Record<string, unknown>, RegExp][]) {
      const res = await t.gql(SEARCH, variables);
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toMatch(message);
    }
    // Query syntax in the text is only text.
    const odd = await t.data(SEARCH, { query: "bear & | ! <-> :* ' ( )" });
    expect(odd.search.hits.map((h: Hit) => h.type)).toContain('STATEMENT');
  });
});

describe('search on a generated world', () => {
  let t: TestApp;
  const world: World = generateWorld({ seed: 4242, incidents: 150 });
  beforeAll(async () => {
    t = await startTestApp();
    await insertWorld(t.dataSource, world);
  });
  afterAll(() => t.close());

  /** Hits expected for one vocabulary word: the texts that contain it, the actors named close to it. */
  function expectedHits(word: string): string[] {
    const w = fold(word);
    const has = (...texts: (string | null)[]) => fold(texts.filter(Boolean).join(' ')).includes(w);
    return [
      ...world.articles.filter((a) => has(a.title, a.body)).map((a) => `SOURCE_ARTICLE ${a.id}`),
      ...world.statements.filter((s) => has(s.quote, s.summary, s.speakerRole)).map((s) => `STATEMENT ${s.id}`),
      ...world.incidents.filter((i) => has(i.title, i.summary)).map((i) => `INCIDENT ${i.id}`),
    ].sort();
  }

  it('finds every text containing a word, in every type, and only those', async () => {
    let total = 0;
    for (const word of [...CODENAMES.slice(0, 6), ...PLACES.map((p) => fold(p))]) {
      const { search } = await t.data(SEARCH, { query: word, first: 100 });
      const expected = expectedHits(word);
      expect({ word, totalCount: search.totalCount }).toEqual({ word, totalCount: expected.length });
      if (expected.length <= 100) {
        expect({ word, hits: search.hits.map((h: Hit) => `${h.type} ${h.node.id}`).sort() }).toEqual({ word, hits: expected });
      }
      total += expected.length;
      // Ranked: scores never increase down the list; every snippet marks the word.
      const scores = search.hits.map((h: Hit) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const hit of search.hits as Hit[]) {
        expect(fold(hit.snippet)).toContain(`<mark>${fold(word)}</mark>`);
        expectSafeHtml(hit.snippet);
      }
    }
    expect(total).toBeGreaterThan(100);
  });

  it('types narrows the hits to the kinds asked for', async () => {
    const word = CODENAMES[0];
    const { search } = await t.data(SEARCH, { query: word, first: 100, types: ['STATEMENT', 'INCIDENT'] });
    const expected = expectedHits(word).filter((h) => !h.startsWith('SOURCE_ARTICLE'));
    expect(search.totalCount).toBe(expected.length);
    expect(new Set(search.hits.map((h: Hit) => h.type))).toEqual(new Set(['STATEMENT', 'INCIDENT']));
  });

  it('finds actors by any alias, misspelled or not, best first', async () => {
    const byAlias = (await t.data(SEARCH, { query: 'grey owl', types: ['THREAT_ACTOR'] })).search;
    expect(byAlias.hits[0]).toEqual({
      type: 'THREAT_ACTOR', score: 1, snippet: '<mark>Grey-Owl</mark> (Ashen Lynx)', node: expect.objectContaining({ name: 'Ashen Lynx' }),
    });
    const misspelled = (await t.data(SEARCH, { query: 'Jade Heronn', types: ['THREAT_ACTOR'] })).search;
    expect(misspelled.hits[0].node.name).toBe('Jade Heron');
    expect(misspelled.hits[0].score).toBeLessThan(1);
    // Each actor once, by its closest name ("Heron Crew" is too far from "Jade Heronn").
    expect(misspelled.hits.map((h: Hit) => h.node.name)).toEqual(['Jade Heron']);
  });

  it('finds words written after start-up as the start of a word (the lexicon follows inserts and updates)', async () => {
    const COUNTED = `query ($query: String!, $types: [SearchHitType!]) { search(query: $query, types: $types) { totalCount totalCountIsExact hits { node { ... on Incident { id title } } } } }`;
    const { createIncident } = await t.data(`mutation { createIncident(input: { title: "Quillworts sabotage" }) { id } }`);
    const byPrefix = (await t.data(COUNTED, { query: 'quillw', types: ['INCIDENT'] })).search;
    expect(byPrefix).toEqual({ totalCount: 1, totalCountIsExact: true, hits: [{ node: { id: createIncident.id, title: 'Quillworts sabotage' } }] });
    // A word that only an update brings in, in a lexeme no other row has.
    await t.dataSource.query(`UPDATE incident SET summary = 'Brackenridge relay' WHERE id = $1`, [createIncident.id]);
    const updated = (await t.data(COUNTED, { query: 'brackenr quill', types: ['INCIDENT'] })).search;
    expect(updated.hits).toEqual([{ node: { id: createIncident.id, title: 'Quillworts sabotage' } }]);
  });

  it('ranks and counts the first 1,000 matches of a type, and every match when exhaustive', async () => {
    await t.dataSource.query(`INSERT INTO incident (id, title, summary)
      SELECT gen_random_uuid(), 'Zephyrine outage ' || g, repeat('zephyrine ', 1 + g % 7) FROM generate_series(1, 1001) g`);
    const BOUNDED = `query ($exhaustive: Boolean) { search(query: "zephyrine", types: [INCIDENT], first: 5, exhaustive: $exhaustive) {
      totalCount totalCountIsExact hits { score node { ... on Incident { title } } } } }`;
    const bounded = (await t.data(BOUNDED, {})).search;
    expect({ totalCount: bounded.totalCount, exact: bounded.totalCountIsExact }).toEqual({ totalCount: 1000, exact: false });
    const all = (await t.data(BOUNDED, { exhaustive: true })).search;
    expect({ totalCount: all.totalCount, exact: all.totalCountIsExact }).toEqual({ totalCount: 1001, exact: true });
    for (const { hits } of [bounded, all]) {
      expect(hits).toHaveLength(5);
      const scores = hits.map((h: { score: number }) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
    // The best score over all matches is reached within the first 1,000 here (each of 7 summary lengths recurs).
    expect(bounded.hits[0].score).toBe(all.hits[0].score);
  });

  it('merges the kinds, each searched in its own statement, as one ranking of every match would (ties by type, then id)', async () => {
    // The same texts in articles (title, body), statements (quote, summary) and incidents (title,
    // summary) give the same vectors, so scores tie across kinds and within each; a page boundary
    // falls among the ties for several `first`, and a page holds several batches of snippets.
    const random = seededRandom(1766);
    const variants = [
      ['Tessaline relay', 'The tessaline outage spread.'],
      ['Tessaline', 'tessaline tessaline at the harbour'],
      ['Harbour report', 'A long account of the harbour where the tessaline pumps failed one after another.'],
      ['Tessaline pumps', null],
    ];
    const rows = Array.from({ length: 150 }, () => ({ kind: Math.floor(random() * 3), variant: variants[Math.floor(random() * variants.length)] }));
    const speaker = world.statements[0].speakerOrganizationId;
    for (const { kind, variant: [a, b] } of rows) {
      if (kind === 0) await t.dataSource.query(`INSERT INTO source_article (title, body) VALUES ($1, $2)`, [a, b]);
      if (kind === 1) {
        await t.dataSource.query(`INSERT INTO statement (speaker_organization_id, quote, summary, stance) VALUES ($1, $2, $3, 'COMMENTS')`, [speaker, a, b]);
      }
      if (kind === 2) await t.dataSource.query(`INSERT INTO incident (title, summary) VALUES ($1, $2)`, [a, b]);
    }
    // Every match of every kind ranked in one statement, snippets as each kind defines them.
    const texts: [string, string, string, boolean][] = [
      ['SOURCE_ARTICLE', 'source_article', `coalesce(d.title, d.url, '') || E'\\n' || coalesce(d.body, '')`, true],
      ['STATEMENT', 'statement', `concat_ws(' — ', d.quote, d.summary, d.speaker_role)`, false],
      ['INCIDENT', 'incident', `d.title || E'\\n' || coalesce(d.summary, '')`, false],
    ];
    const plain = async (query: string, first: number) => {
      const ranked: { type: string; id: string; score: number; snippet: string; total: string }[] = await t.dataSource.query(
        `WITH q AS (SELECT search_words_query($1) AS tsquery)
         SELECT type, id::text AS id, score, snippet, count(*) OVER () AS total FROM (
           ${texts.map(([type, table, text, fragments]) => `SELECT '${type}' AS type, d.id, ${rankSql('d.search_vector', 'q.tsquery')} AS score,
                  ${headlineSql(text, 'q.tsquery', fragments)} AS snippet FROM ${table} d, q WHERE d.search_vector @@ q.tsquery`).join(' UNION ALL ')}
         ) hit ORDER BY score DESC, type, id LIMIT $2`,
        [query.split(' ').map((word) => `${word}:*`).join(' & '), first],
      );
      return { query, totalCount: Number(ranked[0]?.total ?? 0), totalCountIsExact: true, hits: ranked.map(({ total: _, ...hit }) => hit) };
    };
    const service = t.app.get(SearchService);
    for (const query of ['tessaline', 'tessaline harbour', 'harbour']) {
      for (const first of [1, 3, 7, 20, 45, 100]) {
        const expected = await plain(query, first);
        expect(expected.hits.length).toBeGreaterThan(0);
        expect({ query, first, results: await service.search(query, first, [SearchHitType.SOURCE_ARTICLE, SearchHitType.STATEMENT, SearchHitType.INCIDENT]) })
          .toEqual({ query, first, results: expected });
      }
    }
    // The test means something: scores tie across kinds and within them on these pages.
    const page = (await plain('tessaline', 100)).hits;
    const tied = page.filter((hit, i) => i > 0 && hit.score === page[i - 1].score);
    expect(new Set(tied.map((hit) => hit.type)).size).toBe(3);
  });

  it('gives the same first 1,000 matches whether a kind reads its first pages in storage order or asks its index', async () => {
    // Every third incident of 3,000 holds the word, so that its matches spread over the table's pages.
    await t.dataSource.query(`INSERT INTO incident (id, title, summary)
      SELECT gen_random_uuid(), 'Corvane relay ' || g, CASE WHEN g % 3 = 0 THEN repeat('quorvane ', 1 + g % 5) || 'outage' ELSE 'outage' END
        FROM generate_series(1, 3000) g`);
    const service = t.app.get(SearchService);
    const [pages] = await t.dataSource.query(`SELECT relpages FROM pg_class WHERE relname = 'incident'`);
    for (const query of ['quorvane', 'quorvane outage', 'outage', CODENAMES[0]]) {
      const byIndex = await service.search(query, 30, null, { probePages: 0 });
      // Probes that stop short (the index reads the rest), that hold some of the first 1,000, and that hold all of them.
      for (const probePages of [1, 3, Math.ceil(pages.relpages / 2), pages.relpages + 10]) {
        expect({ query, probePages, results: await service.search(query, 30, null, { probePages }) }).toEqual({ query, probePages, results: byIndex });
      }
      if (query.startsWith('quorvane')) expect({ totalCount: byIndex.totalCount, exact: byIndex.totalCountIsExact }).toEqual({ totalCount: 1000, exact: false });
    }
    // The bound read from the statistics (none are dense enough here to probe): the same answer again.
    await t.dataSource.query('ANALYZE incident');
    expect(await service.search('quorvane', 30, null)).toEqual(await service.search('quorvane', 30, null, { probePages: 0 }));
  });
});
