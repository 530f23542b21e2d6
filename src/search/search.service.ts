import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SUGGESTION_THRESHOLD } from '../actors/threat-actor.service';
import { runSql } from '../common/entity-reader';
import { normalizeName } from '../common/names';
import { HIGHLIGHT_START, HIGHLIGHT_STOP, headlineSql, htmlEscapeSql, rankSql, textQuery } from '../common/text-search';
import { SearchStatisticsCache, probePages } from './search-probe';
import { SearchHit, SearchHitType, SearchResults } from './search.types';

/**
 * For each kind of hit: the SQL that finds and ranks the matches (type, id, alias_id,
 * score), and the snippet of one hit (`hit` is the row). Full-text for texts, through the
 * GIN indexes on search_vector; trigram similarity for actor names, through
 * actor_alias_normalized_trgm_idx. Each kind is a statement of its own, binding what it reads
 * (`:tsquery`, `:probe`, `:name`, `:threshold`).
 */
const KINDS: Record<SearchHitType, { table?: string; find: (probe: string) => string; snippet: string }> = {
  [SearchHitType.SOURCE_ARTICLE]: {
    table: 'source_article',
    find: (probe) => textMatches(SearchHitType.SOURCE_ARTICLE, 'source_article', probe),
    snippet: `SELECT ${headlineSql(`coalesce(d.title, d.url, '') || E'\\n' || coalesce(d.body, '')`, 'q.tsquery', true)} FROM source_article d, q WHERE d.id = hit.id`,
  },
  [SearchHitType.STATEMENT]: {
    table: 'statement',
    find: (probe) => textMatches(SearchHitType.STATEMENT, 'statement', probe),
    snippet: `SELECT ${headlineSql(`concat_ws(' — ', d.quote, d.summary, d.speaker_role)`, 'q.tsquery')} FROM statement d, q WHERE d.id = hit.id`,
  },
  [SearchHitType.INCIDENT]: {
    table: 'incident',
    find: (probe) => textMatches(SearchHitType.INCIDENT, 'incident', probe),
    snippet: `SELECT ${headlineSql(`d.title || E'\\n' || coalesce(d.summary, '')`, 'q.tsquery')} FROM incident d, q WHERE d.id = hit.id`,
  },
  // Each actor once, by its closest name; `%` lets the trigram index find candidates.
  [SearchHitType.THREAT_ACTOR]: {
    find: () => `SELECT 'THREAT_ACTOR' AS type, best.actor_id AS id, best.alias_id, best.score FROM (
             SELECT DISTINCT ON (alias.actor_id) alias.actor_id, alias.id AS alias_id, similarity(alias.normalized, :name) AS score
               FROM actor_alias alias
              WHERE alias.normalized % :name AND similarity(alias.normalized, :name) >= :threshold
              ORDER BY alias.actor_id, score DESC, lower(alias.name)) best`,
    snippet: `SELECT '${HIGHLIGHT_START}' || ${htmlEscapeSql('alias.name')} || '${HIGHLIGHT_STOP}'
                     || CASE WHEN alias.name <> actor.name THEN ' (' || ${htmlEscapeSql('actor.name')} || ')' ELSE '' END
                FROM actor_alias alias JOIN threat_actor actor ON actor.id = alias.actor_id WHERE alias.id = hit.alias_id`,
  },
};

/**
 * The matches of a text kind in storage order, ranked. Without a probe: the GIN index's bitmap,
 * whose heap scan returns rows in block order. With a probe (`probe`: the parameter holding the
 * TID that bounds it, see search-probe.ts): first the rows of the pages below the bound, read in
 * block order and tested one by one (ts_match_vq is `@@` without the index), then the index's
 * matches from the bound on, so the order is the same and a LIMIT above stops the reading as
 * soon as it has enough. `IS TRUE` keeps the second bound out of the TID range quals, so that
 * the planner keeps the index for that branch.
 */
function textMatches(type: SearchHitType, table: string, probe: string): string {
  const rows = probe
    ? `(SELECT d.id, d.search_vector FROM ${table} d, q WHERE d.ctid < ${probe}::tid AND ts_match_vq(d.search_vector, q.tsquery)
        UNION ALL
        SELECT d.id, d.search_vector FROM ${table} d, q WHERE d.search_vector @@ q.tsquery AND (d.ctid >= ${probe}::tid) IS TRUE)`
    : table;
  return `SELECT '${type}' AS type, d.id, NULL::uuid AS alias_id, ${rankSql('d.search_vector', 'q.tsquery')} AS score
             FROM ${rows} d, q WHERE ${probe ? 'true' : 'd.search_vector @@ q.tsquery'}`;
}

/**
 * How many matches of one kind are ranked and counted, unless the search is exhaustive. A
 * kind's matches are taken in the order its scan finds them (table order: the GIN index
 * gives a bitmap of matching rows, read in storage order), so that the scan stops there
 * instead of reading and ranking every match (73,000 for "foreign minister condemned" at
 * full scale, most of the time of the search).
 */
export const SEARCH_CANDIDATES = 1000;

/** Options of one search beyond its text: see SearchArgs. */
export interface SearchOptions {
  exhaustive?: boolean;
  /**
   * Heap pages each text kind reads in storage order before its index, instead of the bound
   * from the statistics (search-probe.ts). The answer is the same for any value; tests use it
   * to check that.
   */
  probePages?: number;
}

@Injectable()
export class SearchService {
  private readonly statistics: SearchStatisticsCache;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    const tables = Object.values(KINDS).flatMap((kind) => (kind.table ? [kind.table] : []));
    this.statistics = new SearchStatisticsCache(dataSource, tables);
  }

  /**
   * One ranked list across articles, statements, incidents and actors. The analyst's text
   * becomes a tsquery first (one small statement: the probe bounds depend on its lexemes),
   * then one statement per kind, all at the same time on the pool: its matches (its first
   * SEARCH_CANDIDATES in storage order, or all of them when `exhaustive`) are ranked and
   * counted, and its best `first` returned. Those are merged here into the best `first`
   * overall (exact: a kind's top `first` by score then id holds every hit of that kind in the
   * overall top `first` by score, type, id); only those get a snippet, in a last round of
   * statements (ts_headline re-reads the text, so it runs on the page, not on every match).
   * Kinds in parallel: at full scale each text kind costs 5–30 ms (ranking 1,000 articles,
   * a GIN scan of middling words, a storage-order probe), about as much as the others
   * together, so the search waits for the slowest instead of their sum.
   */
  async search(text: string, first: number, types?: SearchHitType[] | null, options: SearchOptions = {}): Promise<SearchResults> {
    const exhaustive = options.exhaustive ?? false;
    const query = text.trim();
    const kinds = types?.length ? [...new Set(types)] : Object.values(SearchHitType);
    const textSearch = textQuery(query, 'words');
    const name = normalizeName(query);
    // Without letters or digits in the normalized form, no name can match.
    const searched = kinds.filter((kind) => kind !== SearchHitType.THREAT_ACTOR || name);
    if (searched.length === 0) return { query, totalCount: 0, totalCountIsExact: true, hits: [] };
    const [tsquerySql, tsqueryParameters] = this.dataSource.driver.escapeQueryWithParameters(
      `SELECT (${textSearch.sql})::text AS tsquery`,
      textSearch.params,
    );
    const [{ tsquery }] = (await runSql(this.dataSource, tsquerySql, tsqueryParameters, true)) as { tsquery: string }[];
    // A probe bound per text kind (a TID: its first page not probed), when the matches are dense enough.
    const statistics = exhaustive || (options.probePages === undefined && textSearch.webSearch) ? undefined : await this.statistics.get();
    const probes: Record<string, string> = {};
    searched.forEach((kind, i) => {
      const table = KINDS[kind].table;
      if (!table || !statistics) return;
      const pages = options.probePages ?? probePages(statistics.get(table), tsquery, SEARCH_CANDIDATES);
      if (pages > 0) probes[`probe_${i}`] = `(${pages},0)`;
    });
    const limit = exhaustive ? '' : `LIMIT ${SEARCH_CANDIDATES}`;
    // Each kind in a statement of its own, all at once on the pool (10 connections): their
    // matches (MATERIALIZED: read only as far as the LIMIT pulls), the count of their
    // candidates and their best `first`. The tsquery as a CTE's value: the planner does not
    // see it, so every search gets the same plan shape (the index for each kind, the TID range
    // for a probe), whatever its words.
    const tops = await Promise.all(
      searched.map(async (kind, i): Promise<{ count: number; hits: RankedHit[] }> => {
        const probe = probes[`probe_${i}`];
        const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
          `WITH q AS MATERIALIZED (SELECT CAST(:tsquery AS tsquery) AS tsquery),
           matches AS MATERIALIZED (${KINDS[kind].find(probe ? ':probe' : '')}),
           candidates AS MATERIALIZED (SELECT * FROM matches ${limit})
           SELECT counted.count, top.id::text AS id, top.alias_id::text AS "aliasId", top.score
             FROM (SELECT count(*)::int AS count FROM candidates) counted
             LEFT JOIN LATERAL (SELECT id, alias_id, score FROM candidates ORDER BY score DESC, id LIMIT :first) top ON true`,
          { tsquery, probe, name, threshold: SUGGESTION_THRESHOLD, first },
        );
        const rows = (await runSql(this.dataSource, sql, parameters, true)) as { count: number; id: string | null; aliasId: string | null; score: number }[];
        const hits = rows.flatMap(({ id, aliasId, score }) => (id === null ? [] : [{ type: kind, id, aliasId, score }]));
        return { count: rows[0].count, hits };
      }),
    );
    // A kind's top `first` by score then id holds every hit of that kind in the overall top
    // `first` by score, type, id. Types and ids compare as PostgreSQL compares them (upper-case
    // names that differ by their first two letters; uuids as lower-case hex, byte order).
    const page = tops
      .flatMap((top) => top.hits)
      .sort((a, b) => b.score - a.score || compareText(a.type, b.type) || compareText(a.id, b.id))
      .slice(0, first);
    const snippets = await this.snippets(page, tsquery);
    const counts = tops.map((top) => top.count);
    return {
      query,
      totalCount: counts.reduce((sum, n) => sum + n, 0),
      totalCountIsExact: exhaustive || counts.every((n) => n < SEARCH_CANDIDATES),
      hits: page.map((hit, i): SearchHit => ({ type: hit.type, id: hit.id, score: hit.score, snippet: snippets[i] })),
    };
  }

  /**
   * The snippets of the page's hits, in its order (ts_headline re-reads each text, so it runs on
   * the page only): SNIPPETS_PER_STATEMENT hits a statement, whatever their kinds, all at once, so
   * that a page of long articles is highlighted on more than one connection (and core) while a
   * short page stays one statement.
   */
  private async snippets(page: RankedHit[], tsquery: string): Promise<string[]> {
    const batchCount = Math.ceil(page.length / SNIPPETS_PER_STATEMENT);
    const batchSize = Math.ceil(page.length / Math.max(batchCount, 1));
    const batches = Array.from({ length: batchCount }, (_, i) => page.slice(i * batchSize, (i + 1) * batchSize));
    const snippet = `CASE hit.type ${Object.values(SearchHitType).map((kind) => `WHEN '${kind}' THEN (${KINDS[kind].snippet})`).join(' ')} END`;
    const results = await Promise.all(
      batches.map(async (batch) => {
        const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
          `WITH q AS MATERIALIZED (SELECT CAST(:tsquery AS tsquery) AS tsquery)
           SELECT ${snippet} AS snippet
             FROM unnest(CAST(:types AS text[]), CAST(:ids AS uuid[]), CAST(:aliasIds AS uuid[])) WITH ORDINALITY AS hit(type, id, alias_id, position)
            ORDER BY hit.position`,
          { tsquery, types: batch.map((hit) => hit.type), ids: batch.map((hit) => hit.id), aliasIds: batch.map((hit) => hit.aliasId) },
        );
        const rows = (await runSql(this.dataSource, sql, parameters, true)) as { snippet: string }[];
        return rows.map((row) => row.snippet);
      }),
    );
    return results.flat();
  }
}

/**
 * Snippets per statement: an article's costs about 0.4–0.7 ms (its whole body is parsed again),
 * so a page of 20 is two statements of 10.
 */
const SNIPPETS_PER_STATEMENT = 10;

/** One kind's ranked match, before its snippet. */
interface RankedHit {
  type: SearchHitType;
  id: string;
  aliasId: string | null;
  score: number;
}

/** Byte order of ASCII text, as PostgreSQL orders these types and uuids. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
