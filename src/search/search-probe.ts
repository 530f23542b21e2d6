import { DataSource } from 'typeorm';

/**
 * Whether a kind's first matches in storage order are cheaper found by reading the table from
 * its first page than through the GIN index, and how far to read.
 *
 * A search ranks each kind's first SEARCH_CANDIDATES matches in storage order. The GIN index
 * cannot stop early: its bitmap scan decodes the whole posting list of every lexeme of the
 * query before the first row comes out (for "foreign minister condemned" at full scale about
 * 730,000 statement postings for 38,345 matches, 42 ms on a quiet machine). When the matches
 * are dense, the same first matches are found sooner by reading the table in storage order
 * and testing each row (25,000 statements for the first 1,000 of that query, a third of the
 * CPU). So each text kind reads first the table's pages below a bound (a TID range scan, in
 * block order, never a synchronized scan that could start mid-table) and then, only if those
 * pages held too few matches, the GIN index for the pages from the bound on: the matches come
 * out in the same order either way, so the answer does not depend on the bound.
 *
 * The bound comes from PostgreSQL's own statistics of search_vector (pg_stats: the frequency
 * of its most common lexemes, refreshed by ANALYZE) and from the table's size: the index's work
 * is about the postings of the query's lexemes; reading a row costs about 1 / PROBE_ROWS_PER_POSTING
 * postings' worth (measured at full scale: 0.09 µs a posting, 1.0–1.5 µs a row). The probe is
 * given PROBE_ROWS_PER_POSTING rows per posting, about half of what the index would cost, so
 * that a probe that falls short costs at most about 1.5 times the index alone; and it is not
 * tried at all unless the most frequent part of the query could fill the candidates within it.
 */
export const PROBE_ROWS_PER_POSTING = 0.05;

/** The statistics of one searched table that the bound is computed from. */
export interface SearchTableStatistics {
  /** Rows and heap pages (pg_class.reltuples, relpages). */
  tuples: number;
  pages: number;
  /** Fraction of rows holding each of the most common lexemes (pg_stats.most_common_elems). */
  frequency: Map<string, number>;
  /** Frequency assumed for a lexeme not in `frequency`: the least frequency listed. */
  rareFrequency: number;
}

/**
 * The lexemes of each part of a conjunction as PostgreSQL prints it
 * (`'foreign' & ( 'minist' | 'ministri' ) & 'condemn'`), `!` marking a negated part.
 */
export function conjunctionParts(tsquery: string): { lexemes: string[]; negated: boolean }[] {
  return tsquery
    .split(' & ')
    .map((part) => ({ lexemes: [...part.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replace(/''/g, "'")), negated: part.includes('!') }))
    .filter((part) => part.lexemes.length > 0);
}

/**
 * Heap pages to read in storage order before asking the index, for the first `wanted`
 * matches of the conjunction `tsquery` (0: the index alone). Only a plain conjunction of
 * words (textQuery's form) is estimated; `webSearch` queries use the index alone.
 */
export function probePages(statistics: SearchTableStatistics | undefined, tsquery: string, wanted: number): number {
  if (!statistics || statistics.tuples <= 0 || statistics.pages <= 0) return 0;
  const frequencyOf = (lexeme: string) => statistics.frequency.get(lexeme) ?? statistics.rareFrequency;
  let postings = 0;
  // At most the frequency of the rarest part: the rows matching every part are among its rows.
  let density = 1;
  for (const part of conjunctionParts(tsquery)) {
    const frequency = part.lexemes.reduce((sum, lexeme) => sum + frequencyOf(lexeme), 0);
    postings += frequency * statistics.tuples;
    if (!part.negated) density = Math.min(density, frequency);
  }
  const rows = postings * PROBE_ROWS_PER_POSTING;
  if (density <= 0 || wanted / density > rows) return 0;
  return Math.ceil(rows / (statistics.tuples / statistics.pages));
}

/** How long statistics are kept before being read again (ANALYZE changes them rarely). */
const STATISTICS_TTL_MS = 5 * 60_000;

/** The statistics of the searched tables, read from pg_class and pg_stats, kept for a few minutes. */
export class SearchStatisticsCache {
  private loaded?: { at: number; tables: Promise<Map<string, SearchTableStatistics>> };

  constructor(
    private readonly dataSource: DataSource,
    private readonly tables: string[],
  ) {}

  get(): Promise<Map<string, SearchTableStatistics>> {
    if (!this.loaded || Date.now() - this.loaded.at > STATISTICS_TTL_MS) {
      const tables = this.load();
      this.loaded = { at: Date.now(), tables };
      // A failed read is not kept: the next search reads again.
      tables.catch(() => (this.loaded = undefined));
    }
    return this.loaded.tables;
  }

  private async load(): Promise<Map<string, SearchTableStatistics>> {
    const rows: { table: string; tuples: number; pages: number; elems: string[] | null; freqs: number[] | null }[] = await this.dataSource.query(
      `SELECT c.relname AS "table", c.reltuples::float8 AS tuples, c.relpages AS pages,
              s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs::float8[] AS freqs
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
         LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = 'search_vector'
        WHERE c.relname = ANY($1::text[]) AND c.relkind = 'r'`,
      [this.tables],
    );
    const statistics = new Map<string, SearchTableStatistics>();
    for (const row of rows) {
      if (!row.elems || !row.freqs) continue;
      // most_common_elem_freqs holds one frequency per element, then their minimum and maximum.
      const frequency = new Map(row.elems.map((lexeme, i) => [lexeme, row.freqs![i]]));
      statistics.set(row.table, { tuples: row.tuples, pages: row.pages, frequency, rareFrequency: row.freqs[row.elems.length] });
    }
    return statistics;
  }
}
