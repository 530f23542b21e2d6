import { toDateSpan } from '../common/date-span';

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
 * The citations of a fact as a JSON array, oldest article first (as the GraphQL `citations`
 * field orders them): each article's id, title, URL, publisher and publication date, and the
 * excerpt that reports the fact where the citation table keeps one. One subquery per row,
 * which PostgreSQL runs after sorting; the count is read from the array rather than asked again.
 */
export function citations(table: string, factColumn: string, withExcerpt: boolean): CsvColumn[] {
  const citation = `json_build_object(
      'source_article_id', a.id, 'title', a.title, 'url', a.url, 'publisher', a.publisher,
      'published', coalesce(a.published_from::text, a.published_to::text)${withExcerpt ? `, 'excerpt', c.excerpt` : ''})`;
  return [
    { name: 'citation_count', compute: (row) => (JSON.parse(row.citations as string) as unknown[]).length },
    column(
      'citations',
      `(SELECT coalesce(json_agg(${citation} ORDER BY coalesce(a.published_from, a.published_to, 'infinity'::date), a.created_at, a.id), '[]'::json)::text
          FROM ${table} c JOIN source_article a ON a.id = c.source_article_id WHERE c.${factColumn} = f.id)`,
    ),
  ];
}

/** The name of the row a foreign key points to, by a LEFT JOIN on `alias` (declared in the export's joins). */
export const nameOf = (name: string, alias: string): CsvColumn => column(name, `${alias}.name`);
