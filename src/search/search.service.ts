import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SUGGESTION_THRESHOLD } from '../actors/threat-actor.service';
import { normalizeName } from '../common/names';
import { HIGHLIGHT_START, HIGHLIGHT_STOP, headlineSql, htmlEscapeSql, rankSql, textQuery } from '../common/text-search';
import { SearchStatisticsCache, probePages } from './search-probe';
import { SearchHit, SearchHitType, SearchResults } from './search.types';

/**
 * For each kind of hit: the SQL that finds and ranks the matches (type, id, alias_id,
 * score), and the snippet of one hit (`hit` is the row). Full-text for texts, through the
 * GIN indexes on search_vector; trigram similarity for actor names, through
 * actor_alias_normalized_trgm_idx. `:tsquery` and `:name` are bound once for all kinds.
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
   * then one SQL statement does the rest. Each kind's matches (its first SEARCH_CANDIDATES
   * in storage order, or all of them when `exhaustive`) are ranked and counted; each kind's
   * best `first` are merged into the best `first` overall (exact: a kind's top `first` by
   * score then id holds every hit of that kind in the overall top `first` by score, type,
   * id); only those get a snippet (ts_headline re-reads the text, so it runs on the page,
   * not on every match).
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
    const [{ tsquery }]: { tsquery: string }[] = await this.dataSource.query(tsquerySql, tsqueryParameters);
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
    // Per kind: its matches (MATERIALIZED: read only as far as the LIMIT pulls), its
    // candidates, and its best `first` of them.
    const ctes = searched.flatMap((kind, i) => [
      `matches_${i} AS MATERIALIZED (${KINDS[kind].find(probes[`probe_${i}`] ? `:probe_${i}` : '')})`,
      `candidates_${i} AS MATERIALIZED (SELECT * FROM matches_${i} ${limit})`,
    ]);
    const tops = searched.map((_, i) => `(SELECT * FROM candidates_${i} ORDER BY score DESC, id LIMIT :first)`);
    const countSql = searched.map((_, i) => `(SELECT count(*) FROM candidates_${i})`);
    const snippet = `CASE hit.type ${searched.map((kind) => `WHEN '${kind}' THEN (${KINDS[kind].snippet})`).join(' ')} END`;
    // The tsquery as a CTE's value: the planner does not see it, so every search gets the same
    // plan shape (the index for each kind, the TID range for a probe), whatever its words.
    const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      `WITH q AS MATERIALIZED (SELECT CAST(:tsquery AS tsquery) AS tsquery),
       ${ctes.join(',\n       ')},
       page AS (
         SELECT * FROM (${tops.join('\nUNION ALL\n')}) top
          ORDER BY score DESC, type, id LIMIT :first
       ),
       counted AS (SELECT ARRAY[${countSql.join(', ')}]::int[] AS counts)
       SELECT hit.type, hit.id::text AS id, hit.score, ${snippet} AS snippet, counted.counts
         FROM counted LEFT JOIN page hit ON true ORDER BY hit.score DESC, hit.type, hit.id`,
      { tsquery, ...probes, name, threshold: SUGGESTION_THRESHOLD, first },
    );
    const rows: { type: SearchHitType | null; id: string; score: number; snippet: string; counts: number[] }[] =
      await this.dataSource.query(sql, parameters);
    const counts = rows[0].counts;
    return {
      query,
      totalCount: counts.reduce((sum, n) => sum + n, 0),
      totalCountIsExact: exhaustive || counts.every((n) => n < SEARCH_CANDIDATES),
      hits: rows
        .filter((row) => row.type !== null)
        .map((row): SearchHit => ({ type: row.type!, id: row.id, score: row.score, snippet: row.snippet })),
    };
  }
}
