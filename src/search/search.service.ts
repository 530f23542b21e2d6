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

@Injectable()
export class SearchService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One ranked list across articles, statements, incidents and actors, in one SQL
   * statement: every match is ranked, the best `first` are kept, and only those get a
   * snippet (ts_headline re-reads the text, so it runs on the page, not on every match).
   */
  async search(text: string, first: number, types?: SearchHitType[] | null): Promise<SearchResults> {
    const query = text.trim();
    const kinds = types?.length ? [...new Set(types)] : Object.values(SearchHitType);
    const tsquery = textQuery(query, 'tsquery');
    const name = normalizeName(query);
    // Without letters or digits in the normalized form, no name can match.
    const finders = kinds.filter((kind) => kind !== SearchHitType.THREAT_ACTOR || name).map((kind) => KINDS[kind].find);
    if (finders.length === 0) return { query, totalCount: 0, hits: [] };
    const snippet = `CASE hit.type ${kinds.map((kind) => `WHEN '${kind}' THEN (${KINDS[kind].snippet})`).join(' ')} END`;
    const [sql, parameters] = this.dataSource.driver.escapeQueryWithParameters(
      `WITH q AS (SELECT ${tsquery.sql} AS tsquery),
       matches AS (${finders.join('\nUNION ALL\n')}),
       page AS (
         SELECT type, id, alias_id, score, count(*) OVER () AS total FROM matches
          ORDER BY score DESC, type, id LIMIT :first
       )
       SELECT hit.type, hit.id::text AS id, hit.score, hit.total::int AS total, ${snippet} AS snippet
         FROM page hit ORDER BY hit.score DESC, hit.type, hit.id`,
      { ...tsquery.params, name, threshold: SUGGESTION_THRESHOLD, first },
    );
    const rows: { type: SearchHitType; id: string; score: number; total: number; snippet: string }[] =
      await this.dataSource.query(sql, parameters);
    return {
      query,
      totalCount: rows[0]?.total ?? 0,
      hits: rows.map((row): SearchHit => ({ type: row.type, id: row.id, score: row.score, snippet: row.snippet })),
    };
  }
}
