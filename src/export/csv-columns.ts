import { FACT_CITATIONS } from '../sources/citation.service';

/**
 * One column of a CSV export: its header and the SQL that selects it, on the export's alias
 * `f` (the fact table), its joins, and the per-fact aggregates (`CsvAggregate`). Every value
 * is computed by PostgreSQL, which writes the file itself (COPY … TO STDOUT, FORMAT csv).
 */
export interface CsvColumn {
  name: string;
  sql: string;
}

/**
 * A list per fact computed once for all the matched facts, set-based: a `GROUP BY` over the
 * link table joined to `matched` (the filtered ids), LEFT JOINed to the fact by `fact_id`.
 * PostgreSQL hashes it with the facts instead of running a subquery per row. Each SELECT
 * sorts its rows in a subquery (by fact, then the list's own order) and aggregates them
 * without an ORDER BY of its own, so the aggregate reads them in that order: with one,
 * PostgreSQL 15 sorts each fact's few rows apart, a small sort per fact (2.9 s of 11 for the
 * 300k attributions, against 0.3 s so).
 */
export interface CsvAggregate {
  /** The name of its CTE, which is also the alias the columns read it by. */
  alias: string;
  /** Its SELECT, on the CTE `matched` (column `id`); yields `fact_id` and the columns it adds. */
  sql: string;
}

export const column = (name: string, sql: string): CsvColumn => ({ name, sql });

/** A list as a JSON array (`[]` when empty): lists hold free text, so no separator is safe. */
export const jsonList = (name: string, sql: string): CsvColumn => ({ name, sql: `coalesce(to_json(${sql}), '[]'::json)::text` });

/**
 * The precision of a stored span, as `precisionOf` (src/common/date-span.ts) gives it: one day,
 * one calendar month, one calendar year, any other interval (open ones too), or nothing known.
 */
export function precisionSql(from: string, to: string): string {
  return `CASE WHEN ${from} IS NULL AND ${to} IS NULL THEN 'UNKNOWN'
       WHEN ${from} IS NULL OR ${to} IS NULL THEN 'RANGE'
       WHEN ${from} = ${to} THEN 'DAY'
       WHEN ${from} = date_trunc('month', ${from})::date AND ${to} = (date_trunc('month', ${from}) + interval '1 month - 1 day')::date THEN 'MONTH'
       WHEN ${from} = date_trunc('year', ${from})::date AND ${to} = (date_trunc('year', ${from}) + interval '1 year - 1 day')::date THEN 'YEAR'
       ELSE 'RANGE' END`;
}

/** The ISO 8601 form at that precision, as `toDateSpan` gives it: 2020-08-24, 2020-10, 2020, 2019-01-01/.., none when unknown. */
export function displaySql(from: string, to: string): string {
  return `CASE ${precisionSql(from, to)}
       WHEN 'DAY' THEN to_char(${from}, 'YYYY-MM-DD')
       WHEN 'MONTH' THEN to_char(${from}, 'YYYY-MM')
       WHEN 'YEAR' THEN to_char(${from}, 'YYYY')
       WHEN 'RANGE' THEN coalesce(to_char(${from}, 'YYYY-MM-DD'), '..') || '/' || coalesce(to_char(${to}, 'YYYY-MM-DD'), '..')
       END`;
}

/**
 * A date span as five columns: earliest and latest possible day, the precision and the
 * ISO 8601 form at that precision (as GraphQL's DateSpan gives them), and the source's words.
 */
export function dateSpan(name: string, prefix: string): CsvColumn[] {
  const [from, to] = [`${prefix}_from`, `${prefix}_to`];
  return [
    column(`${name}_from`, `to_char(${from}, 'YYYY-MM-DD')`),
    column(`${name}_to`, `to_char(${to}, 'YYYY-MM-DD')`),
    column(`${name}_precision`, precisionSql(from, to)),
    column(`${name}_display`, displaySql(from, to)),
    column(`${name}_text`, `${prefix}_text`),
  ];
}

/** A timestamp in UTC, as GraphQL's DateTime gives it (2020-10-13T09:30:00.000Z). */
export const timestamp = (name: string, sql: string): CsvColumn =>
  column(name, `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** The name of the row a foreign key points to, by a LEFT JOIN on `alias` (declared in the export's joins). */
export const nameOf = (name: string, alias: string): CsvColumn => column(name, `${alias}.name`);

/** The aggregate of the citations of the matched facts: `cited.n` and `cited.list` (a JSON array), by `fact_id`. */
export function citationAggregate(fact: 'incident' | 'attribution' | 'statement'): CsvAggregate {
  const { column: factColumn, legacy } = FACT_CITATIONS[fact];
  const article = `json_build_object(
      'source_article_id', a.id, 'title', a.title, 'url', a.url, 'publisher', a.publisher,
      'published', coalesce(a.published_from::text, a.published_to::text)${legacy.excerpt ? `, 'excerpt', c.excerpt` : ''})`;
  const record = `json_build_object(
      'dataset_record_id', r.id, 'dataset', d.name, 'version', d.version, 'record_type', r.record_type, 'record_key', r.record_key,
      'fields', to_json(c.fields))`;
  return {
    alias: 'cited',
    sql: `SELECT c.fact_id, count(*)::int AS n, json_agg(c.item)::text AS list
            FROM (SELECT c.fact_id, CASE WHEN r.id IS NULL THEN ${article} ELSE ${record} END AS item
                    FROM (SELECT l.${legacy.column} AS fact_id, l.source_article_id, NULL::uuid AS dataset_record_id,
                                 ${legacy.excerpt ? 'l.excerpt' : 'NULL::text AS excerpt'}, NULL::text[] AS fields
                            FROM ${legacy.table} l JOIN matched m ON m.id = l.${legacy.column}
                          UNION ALL
                          SELECT c.${factColumn}, c.source_article_id, c.dataset_record_id, c.excerpt, c.fields
                            FROM citation c JOIN matched m ON m.id = c.${factColumn}) c
                    LEFT JOIN source_article a ON a.id = c.source_article_id
                    LEFT JOIN dataset_record r ON r.id = c.dataset_record_id
                    LEFT JOIN dataset d ON d.id = r.dataset_id
                   ORDER BY c.fact_id, r.id IS NOT NULL, coalesce(a.published_from, a.published_to, 'infinity'::date), a.created_at, a.id,
                            d.name, d.version, r.record_type, r.record_key) c
           GROUP BY c.fact_id`,
  };
}

/**
 * The citations of a fact as a JSON array, in the order of the GraphQL `citations` field
 * (CitationService.forFacts): articles first, oldest first, each with its id, title, URL,
 * publisher, publication date and, where the fact keeps one, the excerpt that reports it; then
 * the dataset records an import took the fact from (EuRepoC, STIX), by dataset, type and key,
 * each with the record's dataset, version, type, key and the fields the fact came from. Articles
 * come from the fact's own table (cited through the API) and from `citation` (cited by an import).
 * Read from `citationAggregate`, which the export must declare.
 */
export const citations = (): CsvColumn[] => [
  column('citation_count', 'coalesce(cited.n, 0)'),
  column('citations', `coalesce(cited.list, '[]')`),
];
