import { toDateSpan } from '../common/date-span';
import { FACT_CITATIONS } from '../sources/citation.service';

/**
 * One column of a CSV export: its header, and either the SQL that selects it (on the
 * export's alias `f`, the fact table) or how it is computed from the selected values.
 */
export interface CsvColumn {
  name: string;
  sql?: string;
  compute?: (row: Record<string, unknown>) => unknown;
}

export const column = (name: string, sql: string): CsvColumn => ({ name, sql });

/** A list as a JSON array (`[]` when empty): lists hold free text, so no separator is safe. */
export const jsonList = (name: string, sql: string): CsvColumn => ({ name, sql: `coalesce(to_json(${sql}), '[]'::json)::text` });

/**
 * A date span as five columns: earliest and latest possible day, the precision and the
 * ISO 8601 form at that precision (as GraphQL's DateSpan gives them), and the source's words.
 */
export function dateSpan(name: string, prefix: string): CsvColumn[] {
  const span = (row: Record<string, unknown>) =>
    toDateSpan({ from: row[`${name}_from`] as string | null, to: row[`${name}_to`] as string | null, text: null });
  return [
    column(`${name}_from`, `${prefix}_from::text`),
    column(`${name}_to`, `${prefix}_to::text`),
    { name: `${name}_precision`, compute: (row) => span(row).precision },
    { name: `${name}_display`, compute: (row) => span(row).display },
    column(`${name}_text`, `${prefix}_text`),
  ];
}

/** A timestamp in UTC, as GraphQL's DateTime gives it (2020-10-13T09:30:00.000Z). */
export const timestamp = (name: string, sql: string): CsvColumn =>
  column(name, `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * The citations of a fact as a JSON array, in the order of the GraphQL `citations` field
 * (CitationService.forFacts): articles first, oldest first, each with its id, title, URL,
 * publisher, publication date and, where the fact keeps one, the excerpt that reports it; then
 * the dataset records an import took the fact from (EuRepoC, STIX), by dataset, type and key,
 * each with the record's dataset, version, type, key and the fields the fact came from. Articles
 * come from the fact's own table (cited through the API) and from `citation` (cited by an import).
 * One subquery per row, which PostgreSQL runs after sorting; the count is read from the array.
 */
export function citations(fact: 'incident' | 'attribution' | 'statement'): CsvColumn[] {
  const { column: factColumn, legacy } = FACT_CITATIONS[fact];
  const article = `json_build_object(
      'source_article_id', a.id, 'title', a.title, 'url', a.url, 'publisher', a.publisher,
      'published', coalesce(a.published_from::text, a.published_to::text)${legacy.excerpt ? `, 'excerpt', c.excerpt` : ''})`;
  const record = `json_build_object(
      'dataset_record_id', r.id, 'dataset', d.name, 'version', d.version, 'record_type', r.record_type, 'record_key', r.record_key,
      'fields', to_json(c.fields))`;
  return [
    { name: 'citation_count', compute: (row) => (JSON.parse(row.citations as string) as unknown[]).length },
    column(
      'citations',
      `(SELECT coalesce(json_agg(CASE WHEN r.id IS NULL THEN ${article} ELSE ${record} END
                 ORDER BY r.id IS NOT NULL, coalesce(a.published_from, a.published_to, 'infinity'::date), a.created_at, a.id,
                          d.name, d.version, r.record_type, r.record_key), '[]'::json)::text
          FROM (SELECT l.source_article_id, NULL::uuid AS dataset_record_id, ${legacy.excerpt ? 'l.excerpt' : 'NULL::text AS excerpt'}, NULL::text[] AS fields
                  FROM ${legacy.table} l WHERE l.${legacy.column} = f.id
                UNION ALL
                SELECT c.source_article_id, c.dataset_record_id, c.excerpt, c.fields FROM citation c WHERE c.${factColumn} = f.id) c
          LEFT JOIN source_article a ON a.id = c.source_article_id
          LEFT JOIN dataset_record r ON r.id = c.dataset_record_id
          LEFT JOIN dataset d ON d.id = r.dataset_id)`,
    ),
  ];
}

/** The name of the row a foreign key points to, by a LEFT JOIN on `alias` (declared in the export's joins). */
export const nameOf = (name: string, alias: string): CsvColumn => column(name, `${alias}.name`);
