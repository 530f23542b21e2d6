import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import { assertId } from '../common/lookups';
import { Citation } from './citation.entity';
import { CitationInput } from './citation.inputs';
import { excerptOccursIn } from './excerpt';

/** The facts that cite articles through the API, and the table that holds those citations. */
export const CITED_FACTS = {
  statement: { table: 'statement_source', column: 'statement_id', type: 'Statement' },
  attribution: { table: 'attribution_source', column: 'attribution_id', type: 'Attribution' },
} as const;
export type CitedFact = keyof typeof CITED_FACTS;

/**
 * Every fact that can be cited, with its column in `citation` and, for facts that had citations
 * before that table, the older table (article citations made through the API stay there).
 */
export const FACT_CITATIONS = {
  incident: { column: 'incident_id', legacy: { table: 'incident_source', column: 'incident_id', excerpt: false } },
  attribution: { column: 'attribution_id', legacy: { table: 'attribution_source', column: 'attribution_id', excerpt: true } },
  statement: { column: 'statement_id', legacy: { table: 'statement_source', column: 'statement_id', excerpt: true } },
  response: { column: 'response_id', legacy: null },
  actorAlias: { column: 'actor_alias_id', legacy: null },
  actorTie: { column: 'actor_tie_actor_id', legacy: null },
  incidentTarget: { column: 'incident_target_id', legacy: null },
  threatActor: { column: 'threat_actor_id', legacy: null },
  campaign: { column: 'campaign_id', legacy: null },
  actorMember: { column: 'actor_member_id', legacy: null },
} as const;
export type CitableFact = keyof typeof FACT_CITATIONS;

/**
 * Provenance: every statement and attribution cites at least one source article with
 * the exact passage that reports it, and the passage must be in the article (checked
 * on every write, tolerant of case and whitespace only).
 */
@Injectable()
export class CitationService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The citations of each fact, for a batch of fact ids, in one statement: articles first (oldest
   * published first), then dataset records (by dataset, record type and key).
   */
  async forFacts(kind: CitableFact, ids: readonly string[]): Promise<Citation[][]> {
    const { column, legacy } = FACT_CITATIONS[kind];
    const legacyRows = legacy
      ? `SELECT l.${legacy.column} AS fact_id, l.source_article_id, NULL::uuid AS dataset_record_id,
                ${legacy.excerpt ? 'l.excerpt' : 'NULL::text'} AS excerpt, '{}'::text[] AS fields
           FROM ${legacy.table} l WHERE l.${legacy.column} = ANY($1::uuid[])
         UNION ALL `
      : '';
    const rows: { fact_id: string; source_article_id: string | null; dataset_record_id: string | null; excerpt: string | null; fields: string[] }[] =
      await this.dataSource.query(
        `SELECT c.fact_id::text, c.source_article_id::text, c.dataset_record_id::text, c.excerpt, c.fields
           FROM (${legacyRows}
                 SELECT c.${column} AS fact_id, c.source_article_id, c.dataset_record_id, c.excerpt, c.fields
                   FROM citation c WHERE c.${column} = ANY($1::uuid[])) c
           LEFT JOIN source_article a ON a.id = c.source_article_id
           LEFT JOIN dataset_record r ON r.id = c.dataset_record_id
          ORDER BY c.dataset_record_id IS NOT NULL, coalesce(a.published_from, a.published_to, 'infinity'::date), a.created_at, a.id,
                   r.dataset_id, r.record_type, r.record_key`,
        [[...ids]],
      );
    const grouped = new Map<string, Citation[]>();
    for (const row of rows) {
      const list = grouped.get(row.fact_id) ?? [];
      list.push({ sourceArticleId: row.source_article_id, datasetRecordId: row.dataset_record_id, excerpt: row.excerpt, fields: row.fields });
      grouped.set(row.fact_id, list);
    }
    return ids.map((id) => grouped.get(id) ?? []);
  }

  /**
   * Checks a list of citations before it is written: at least one (unless `allowEmpty`),
   * no article twice, every article known, every excerpt in its article's body.
   * Returns the citations with trimmed excerpts.
   */
  async validate(manager: EntityManager, citations: CitationInput[], field = 'sources'): Promise<CitationInput[]> {
    if (citations.length === 0) {
      throw new BadUserInputError(`${field}: cite at least one source article with the excerpt that reports it`, { field });
    }
    const ids = citations.map((c) => c.sourceArticleId);
    if (new Set(ids).size !== ids.length) throw new BadUserInputError(`${field}: an article is listed twice`, { field });
    ids.forEach((id) => assertId(id, 'SourceArticle'));
    const articles: { id: string; title: string; body: string | null }[] = await manager.query(
      `SELECT id::text, coalesce(title, url, id::text) AS title, body FROM source_article WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(articles.map((a) => [a.id, a]));
    return citations.map((citation, i) => {
      const article = byId.get(citation.sourceArticleId);
      if (!article) throw new NotFoundError('SourceArticle', citation.sourceArticleId);
      const excerpt = citation.excerpt.trim();
      const where = `${field}[${i}].excerpt`;
      if (!excerpt) throw new BadUserInputError(`${where} must not be empty: quote the passage that reports the fact`, { field: where });
      if (!article.body) {
        throw new BadUserInputError(
          `${where}: article "${article.title}" has no body to quote from; add its text (updateSourceArticle) first`,
          { field: where, sourceArticleId: article.id },
        );
      }
      if (!excerptOccursIn(excerpt, article.body)) {
        throw new BadUserInputError(
          `${where} does not occur in article "${article.title}": ${JSON.stringify(shorten(excerpt))} ` +
            '(case and spacing may differ; words and punctuation must be the article\'s own)',
          { field: where, sourceArticleId: article.id },
        );
      }
      return { sourceArticleId: citation.sourceArticleId, excerpt };
    });
  }

  /**
   * A quote is the speaker's words as an article reports them: it must occur in the body of one of
   * the articles cited (tolerant of case and whitespace only, like excerpts).
   */
  async assertQuoted(manager: EntityManager, quote: string | null | undefined, articleIds: string[], field = 'quote'): Promise<void> {
    if (!quote) return;
    const bodies: { body: string | null }[] = articleIds.length
      ? await manager.query(`SELECT body FROM source_article WHERE id = ANY($1::uuid[])`, [articleIds])
      : [];
    if (!bodies.some((a) => excerptOccursIn(quote, a.body))) {
      throw new BadUserInputError(
        `${field} does not occur in any cited article's body: ${JSON.stringify(shorten(quote))} ` +
          '(a quote must be the words the article reports; case and spacing may differ)',
        { field },
      );
    }
  }

  /** Replaces a fact's citations with `citations` (already validated). */
  async replace(manager: EntityManager, kind: CitedFact, factId: string, citations: CitationInput[]): Promise<void> {
    const { table, column } = CITED_FACTS[kind];
    await manager.query(`DELETE FROM ${table} WHERE ${column} = $1`, [factId]);
    await manager.query(
      `INSERT INTO ${table} (${column}, source_article_id, excerpt) SELECT $1, unnest($2::uuid[]), unnest($3::text[])`,
      [factId, citations.map((c) => c.sourceArticleId), citations.map((c) => c.excerpt)],
    );
  }

  /** Cites one more article for a fact, or replaces the excerpt of an article it cites. */
  async cite(manager: EntityManager, kind: CitedFact, factId: string, citation: CitationInput): Promise<void> {
    const [checked] = await this.validate(manager, [citation], 'source');
    const { table, column } = CITED_FACTS[kind];
    await manager.query(
      `INSERT INTO ${table} (${column}, source_article_id, excerpt) VALUES ($1, $2, $3)
       ON CONFLICT (${column}, source_article_id) DO UPDATE SET excerpt = EXCLUDED.excerpt`,
      [factId, checked.sourceArticleId, checked.excerpt],
    );
  }

  /** Removes one citation; refused when it is the fact's last one (a fact never loses its source silently). */
  async uncite(manager: EntityManager, kind: CitedFact, factId: string, sourceArticleId: string): Promise<void> {
    assertId(sourceArticleId, 'SourceArticle');
    const { table, column, type } = CITED_FACTS[kind];
    const rows: { source_article_id: string }[] = await manager.query(
      `SELECT source_article_id::text FROM ${table} WHERE ${column} = $1 FOR UPDATE`,
      [factId],
    );
    if (!rows.some((r) => r.source_article_id === sourceArticleId)) {
      throw new NotFoundError(`SourceArticle linked to this ${type.toLowerCase()}`, sourceArticleId);
    }
    if (rows.length === 1) {
      throw new ConflictError(
        `This is the ${type.toLowerCase()}'s only citation; cite another article first, or delete the ${type.toLowerCase()}`,
        { factId, sourceArticleId },
      );
    }
    await manager.query(`DELETE FROM ${table} WHERE ${column} = $1 AND source_article_id = $2`, [factId, sourceArticleId]);
  }
}

function shorten(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
