/**
 * How an analyst's text becomes a PostgreSQL full-text query, shared by the incident
 * filter and by `search`. The text search configuration `english_unaccent` and the
 * `search_vector` columns come from migrations/1764200000000-AnalystSearch.ts.
 *
 * - Plain words: every word must appear; words of 3+ letters also match as the start
 *   of a word ("cyber" finds "cyberattacks", "norw" finds "Norway"). English stemming,
 *   case and accents ignored ("Soreide" finds "Søreide").
 * - Web-search syntax, used as soon as the text has a double quote, a `-word` or an
 *   `or`: "quoted phrase", `or` between alternatives, `-word` to exclude
 *   (PostgreSQL's websearch_to_tsquery), without prefix matching.
 *
 * A prefix ("cyber" as `'cyber':*`) reaches the index spelled out as the lexemes that start
 * with it (search_prefix_query, over the lexicon `search_lexeme`), which gives the same
 * matches as the prefix item, several times faster for common words.
 */
export const SEARCH_CONFIG = 'english_unaccent';

const MIN_PREFIX_LENGTH = 3;

export interface TextQuery {
  /** SQL tsquery expression, reading the parameters in `params`. */
  sql: string;
  params: Record<string, string>;
  /** Whether the text was read as web-search syntax (quotes, `or`, `-word`). */
  webSearch: boolean;
  /**
   * A tsquery (SQL, its parameters in `params`) that gives every row matching `sql` the same
   * ts_rank_cd as `sql` does, and costs less to rank with: `sql` itself, or, for web-search text,
   * the text without its excluded words (below).
   */
  rankSql: string;
}

/**
 * Web-search text without its excluded single words ("-ransomware"), when that leaves the rank of
 * every match unchanged: the text has no `or` (so its terms are all AND-ed and a match contains no
 * lexeme of an excluded word), the words are outside quotes, letters and digits only (one lexeme,
 * not a phrase), and something else is left. ts_rank_cd ranks the positions of the query's lexemes
 * in the row: an excluded word has none in a match, and its NOT is true in every cover, so the rank
 * is the same; ranking a NOT still costs (9,359 matches of `"energy utility" -ransomware`: 79 ms
 * ranked with the NOT, 56 ms without). Null when nothing can be left out.
 */
function withoutExcludedWords(text: string): string | null {
  if (/(^|\s)or(\s|$)/i.test(text) || (text.match(/"/g) ?? []).length % 2 !== 0) return null;
  let removed = false;
  // Even pieces are outside quotes; a word counts only between white space (or the text's own ends),
  // never right next to a quote.
  const pieces = text.split('"');
  const kept = pieces.map((piece, i) => {
    if (i % 2 === 1) return piece;
    const padded = `${i === 0 ? ' ' : '"'}${piece}${i === pieces.length - 1 ? ' ' : '"'}`;
    const stripped = padded.replace(/(?<=\s)-[\p{L}\p{N}]+(?=\s)/gu, () => {
      removed = true;
      return '';
    });
    return stripped.slice(1, -1);
  }).join('"');
  return removed && /[\p{L}\p{N}]/u.test(kept) ? kept : null;
}

function usesWebSearchSyntax(text: string): boolean {
  return /"/.test(text) || /(^|\s)-[\p{L}\p{N}]/u.test(text) || /(^|\s)or(\s|$)/i.test(text);
}

/** The tsquery of `text`, as SQL reading parameter `:<param>`. */
export function textQuery(text: string, param: string): TextQuery {
  if (usesWebSearchSyntax(text)) {
    const sql = `websearch_to_tsquery('${SEARCH_CONFIG}', :${param})`;
    const ranked = withoutExcludedWords(text);
    // The rank reads `:param` in either form, so that a sort on it is written the same (a list's
    // cursors name its sort keys' SQL): the whole text then goes to the match as `:paramWhole`.
    return ranked === null
      ? { sql, params: { [param]: text }, webSearch: true, rankSql: sql }
      : {
          sql: `websearch_to_tsquery('${SEARCH_CONFIG}', :${param}Whole)`,
          params: { [param]: ranked, [`${param}Whole`]: text },
          webSearch: true,
          rankSql: sql,
        };
  }
  // Only letters and digits reach to_tsquery, so its operators cannot be injected.
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = words.map((word) => (word.length >= MIN_PREFIX_LENGTH ? `${word}:*` : word));
  // The same tsquery as to_tsquery('english_unaccent', 'w1:* & w2 & …'), each prefix item spelled out
  // as the lexemes that start with it (migrations/1765100000004-SearchLexicon.ts), so that GIN
  // intersects posting lists instead of collecting every partial match into a bitmap. A scalar
  // subquery, so that PostgreSQL computes it once per statement (an InitPlan), not per row.
  const sql = `(SELECT search_words_query(:${param}))`;
  return { sql, params: { [param]: terms.join(' & ') }, webSearch: false, rankSql: sql };
}

/**
 * Cover-density rank of a match, divided by 1 + log(document length) and scaled to
 * 0..1 (normalization 1|32), so long articles do not win by length alone.
 */
export function rankSql(vector: string, tsquery: string): string {
  return `ts_rank_cd(${vector}, ${tsquery}, 33)`;
}

/** SQL escaping `&`, `<` and `>` of a text, so that it can be shown as HTML. */
export function htmlEscapeSql(text: string): string {
  return `replace(replace(replace(${text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`;
}

export const HIGHLIGHT_START = '<mark>';
export const HIGHLIGHT_STOP = '</mark>';

/**
 * The best passage of `text` for the query (short texts whole), or, with `fragments`, its
 * two best passages joined by " … " (for long texts). HTML-escaped, matched words wrapped
 * in <mark>…</mark>, line breaks folded into spaces. Escaping first makes the markers the
 * only tags in the result, whatever the source text holds.
 */
export function headlineSql(text: string, tsquery: string, fragments = false): string {
  const options = [
    `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, MaxWords=35, MinWords=15`,
    ...(fragments ? ['MaxFragments=2, FragmentDelimiter=" … "'] : []),
  ].join(', ');
  const oneLine = `regexp_replace(${text}, '\\s+', ' ', 'g')`;
  return `ts_headline('${SEARCH_CONFIG}', ${htmlEscapeSql(oneLine)}, ${tsquery}, '${options}')`;
}

/** A LIKE pattern (SQL) matching texts that contain the case- and accent-folded parameter literally. */
export function containsPatternSql(param: string): string {
  return `'%' || replace(replace(replace(search_fold(:${param}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
}
