import { MigrationInterface, QueryRunner } from 'typeorm';

/** Derived from the searched texts, like the dashboard's summaries: not facts, so not in the change log. */
export const LEXICON_TABLES = ['search_lexeme'];

/** The tables whose search_vector (migrations/1764200000000-AnalystSearch.ts) the lexicon covers. */
const SEARCHED_TABLES = ['incident', 'statement', 'source_article'];

/**
 * `search_lexeme`: every lexeme that occurs in any search_vector, so that a word searched as
 * the start of a word ("minister" as `'minist':*`) can be expanded into the lexemes that
 * really start with it (`'minist' | 'ministri'`) before the GIN index is asked.
 *
 * Why: a prefix (`:*`) item makes GIN's "partial match" collect, for each item, the whole
 * posting list of every matching lexeme into a bitmap before intersecting them; for
 * "foreign minister condemned" at full scale that is about 700,000 statement ids and
 * 430 ms of the index scan under load. The same query with the lexemes spelled out uses
 * GIN's ordinary scan, which intersects compressed posting lists and skips through them
 * (75 ms, same rows). The answer cannot change: the lexicon only ever grows (a lexeme
 * whose last document is gone stays, matching nothing), it is written in the same
 * transaction as the row that brings the lexeme (statement-level triggers, one DISTINCT
 * over the transition table, so bulk loads stay one statement), and a prefix is expanded
 * into itself plus every lexicon entry that starts with it. See search_prefix_query.
 *
 * Backfill: every lexeme of the existing rows (ts_stat over each table).
 */
export class SearchLexicon1765100000004 implements MigrationInterface {
  name = 'SearchLexicon1765100000004';

  async up(q: QueryRunner): Promise<void> {
    // COLLATE "C": byte order, so that `LIKE 'prefix%'` is a range scan of the primary key.
    await q.query(`CREATE TABLE search_lexeme (lexeme text COLLATE "C" PRIMARY KEY)`);
    await q.query(`CREATE FUNCTION search_lexeme_collect() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- In lexeme order, so that two writers adding the same new lexemes wait in one order (no deadlock).
        INSERT INTO search_lexeme (lexeme)
        SELECT DISTINCT l.lexeme FROM new_rows, unnest(tsvector_to_array(new_rows.search_vector)) AS l(lexeme)
         ORDER BY l.lexeme
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    for (const table of SEARCHED_TABLES) {
      // Transition tables allow one event per trigger, and no column list.
      for (const event of ['INSERT', 'UPDATE']) {
        await q.query(`CREATE TRIGGER ${table}_lexemes_${event.toLowerCase()} AFTER ${event} ON ${table}
          REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_lexeme_collect()`);
      }
    }
    await q.query(`INSERT INTO search_lexeme (lexeme)
      ${SEARCHED_TABLES.map((table) => `SELECT word FROM ts_stat('SELECT search_vector FROM ${table}')`).join(' UNION ')}`);

    // One word of the analyst's text as the start of a word (src/common/text-search.ts): its
    // prefix item, spelled out as every lexeme that starts with it. Anything else (a stop
    // word, a word the parser splits, a prefix starting more than 64 lexemes, where the
    // partial match is no slower) is returned as to_tsquery reads it.
    await q.query(`CREATE FUNCTION search_prefix_query(word text) RETURNS tsquery
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      DECLARE
        parsed tsquery := to_tsquery('english_unaccent', word || ':*');
        prefix text := substring(parsed::text FROM '^''([^''\\\\]+)'':\\*$');
        lexemes text[];
      BEGIN
        IF prefix IS NULL THEN RETURN parsed; END IF;
        lexemes := ARRAY(SELECT lexeme FROM search_lexeme
                          WHERE lexeme LIKE replace(replace(prefix, '%', '\\%'), '_', '\\_') || '%' ORDER BY lexeme LIMIT 65);
        IF cardinality(lexemes) > 64 THEN RETURN parsed; END IF;
        RETURN array_to_string(ARRAY(
          SELECT '''' || replace(replace(l, '\\', '\\\\'), '''', '''''') || ''''
            FROM unnest(array_append(lexemes, prefix)) AS l GROUP BY l ORDER BY l), ' | ')::tsquery;
      END $$`);
    // The conjunction textQuery builds ("w1:* & w2 & …"): each word by search_prefix_query
    // (prefix items) or to_tsquery (short words), joined by AND. Same tsquery as
    // to_tsquery('english_unaccent', words), prefixes spelled out.
    await q.query(`CREATE FUNCTION search_words_query(words text) RETURNS tsquery
      LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
      DECLARE
        result tsquery;
        item tsquery;
        term text;
      BEGIN
        FOREACH term IN ARRAY string_to_array(words, ' & ') LOOP
          item := CASE WHEN right(term, 2) = ':*' THEN search_prefix_query(left(term, -2))
                       ELSE to_tsquery('english_unaccent', term) END;
          result := CASE WHEN result IS NULL THEN item ELSE result && item END;
        END LOOP;
        RETURN coalesce(result, to_tsquery('english_unaccent', words));
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION search_words_query(text)`);
    await q.query(`DROP FUNCTION search_prefix_query(text)`);
    for (const table of SEARCHED_TABLES) {
      for (const event of ['insert', 'update']) await q.query(`DROP TRIGGER ${table}_lexemes_${event} ON ${table}`);
    }
    await q.query(`DROP FUNCTION search_lexeme_collect()`);
    await q.query(`DROP TABLE search_lexeme`);
  }
}
