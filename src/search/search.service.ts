import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SUGGESTION_THRESHOLD } from '../actors/threat-actor.service';
import { normalizeName } from '../common/names';
import { HIGHLIGHT_START, HIGHLIGHT_STOP, headlineSql, htmlEscapeSql, rankSql, textQuery } from '../common/text-search';
import { SearchHit, SearchHitType, SearchResults } from './search.types';

/**
 * For each kind of hit: the SQL that finds and ranks the matches (type, id, alias_id,
 * score), and the snippet of one hit (`hit` is the row). Full-text for texts, through the
 * GIN indexes on search_vector; trigram similarity for actor names, through
 * actor_alias_normalized_trgm_idx. `:tsquery` and `:name` are bound once for all kinds.
 */
const KINDS: Record<SearchHitType, { find: string; snippet: string }> = {
  [SearchHitType.SOURCE_ARTICLE]: {
    find: `SELECT 'SOURCE_ARTICLE' AS type, d.id, NULL::uuid AS alias_id, ${rankSql('d.search_vector', 'q.tsquery')} AS score
             FROM source_article d, q WHERE d.search_vector @@ q.tsquery`,
    snippet: `SELECT ${headlineSql(`coalesce(d.title, d.url, '') || E'\\n' || coalesce(d.body, '')`, 'q.tsquery', true)} FROM source_article d, q WHERE d.id = hit.id`,
  },
  [SearchHitType.STATEMENT]: {
    find: `SELECT 'STATEMENT' AS type, d.id, NULL::uuid AS alias_id, ${rankSql('d.search_vector', 'q.tsquery')} AS score
             FROM statement d, q WHERE d.search_vector @@ q.tsquery`,
    snippet: `SELECT ${headlineSql(`concat_ws(' — ', d.quote, d.summary, d.speaker_role)`, 'q.tsquery')} FROM statement d, q WHERE d.id = hit.id`,
  },
  [SearchHitType.INCIDENT]: {
    find: `SELECT 'INCIDENT' AS type, d.id, NULL::uuid AS alias_id, ${rankSql('d.search_vector', 'q.tsquery')} AS score
             FROM incident d, q WHERE d.search_vector @@ q.tsquery`,
    snippet: `SELECT ${headlineSql(`d.title || E'\\n' || coalesce(d.summary, '')`, 'q.tsquery')} FROM incident d, q WHERE d.id = hit.id`,
  },
  // Each actor once, by its closest name; `%` lets the trigram index find candidates.
  [SearchHitType.THREAT_ACTOR]: {
    find: `SELECT 'THREAT_ACTOR' AS type, best.actor_id AS id, best.alias_id, best.score FROM (
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
 * How many matches of one kind are ranked and counted, unless the search is exhaustive. A
 * kind's matches are taken in the order its scan finds them (table order: the GIN index
 * gives a bitmap of matching rows, read in storage order), so that the scan stops there
 * instead of reading and ranking every match (73,000 for "foreign minister condemned" at
 * full scale, most of the time of the search).
 */
export const SEARCH_CANDIDATES = 1000;

@Injectable()
export class SearchService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One ranked list across articles, statements, incidents and actors, in one SQL
   * statement. Each kind's matches (its first SEARCH_CANDIDATES in scan order, or all of
   * them when `exhaustive`) are ranked and counted; each kind's best `first` are merged
   * into the best `first` overall (exact: a kind's top `first` by score then id holds every
   * hit of that kind in the overall top `first` by score, type, id); only those get a
   * snippet (ts_headline re-reads the text, so it runs on the page, not on every match).
   */
  async search(text: string, first: number, types?: SearchHitType[] | null, exhaustive = false): Promise<SearchResults> {
    const query = text.trim();
    const kinds = types?.length ? [...new Set(types)] : Object.values(SearchHitType);
    const tsquery = textQuery(query, 'tsquery');
    const name = normalizeName(query);
    // Without letters or digits in the normalized form, no name can match.
    const searched = kinds.filter((kind) => kind !== SearchHitType.THREAT_ACTOR || name);
    if (searched.length === 0) return { query, totalCount: 0, totalCountIsExact: true, hits: [] };
    const limit = exhaustive ? '' : `LIMIT ${SEARCH_CANDIDATES}`;
    // Per kind: its matches (MATERIALIZED: planned as if all were read, so the scan is the one
    // a full search would use, and read only as far as the LIMIT pulls), its candidates, and
    // its best `first` of them.
    const ctes = searched.flatMap((kind, i) => [
      `matches_${i} AS MATERIALIZED (${KINDS[kind].find})`,
      `candidates_${i} AS MATERIALIZED (SELECT * FROM matches_${i} ${limit})`,
    ]);
    const tops = searched.map((_, i) => `(SELECT * FROM candidates_${i} ORDER BY score DESC, id LIMIT :first)`);
    const countSql = searched.map((_, i) => `(SELECT count(*) FROM candidates_${i})`);
    const snippet = `CASE hit.type ${searched.map((kind) => `WHEN '${kind}' THEN (${KINDS[kind].snippet})`).join(' ')} END`;
    const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      `WITH q AS MATERIALIZED (SELECT ${tsquery.sql} AS tsquery),
       ${ctes.join(',\n       ')},
       page AS (
         SELECT * FROM (${tops.join('\nUNION ALL\n')}) top
          ORDER BY score DESC, type, id LIMIT :first
       ),
       counted AS (SELECT ARRAY[${countSql.join(', ')}]::int[] AS counts)
       SELECT hit.type, hit.id::text AS id, hit.score, ${snippet} AS snippet, counted.counts
         FROM counted LEFT JOIN page hit ON true ORDER BY hit.score DESC, hit.type, hit.id`,
      { ...tsquery.params, name, threshold: SUGGESTION_THRESHOLD, first },
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
