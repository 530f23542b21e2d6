import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { recordAs } from '../common/caller';
import { toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import { assertId, assignDefined, cleanText, escapeLike, findOrFail } from '../common/lookups';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import { excerptOccursIn } from './excerpt';
import { SourceArticleDeletion, SupportedFactsPolicy } from './source-article-deletion';
import { SourceArticle } from './source-article.entity';
import { CreateSourceArticleInput, SourceArticleFilter, UpdateSourceArticleInput } from './source-article.inputs';

@Injectable()
export class SourceArticleService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get(id: string): Promise<SourceArticle> {
    return findOrFail(this.dataSource.manager, SourceArticle, id, 'SourceArticle');
  }

  list(filter: SourceArticleFilter | undefined, page: PageArgs): Promise<Page<SourceArticle>> {
    const query = this.dataSource.getRepository(SourceArticle).createQueryBuilder('article');
    if (filter?.search) {
      query.andWhere('(article.title ILIKE :search OR article.body ILIKE :search)', { search: `%${escapeLike(filter.search)}%` });
    }
    if (filter?.publisher) query.andWhere('article.publisher ILIKE :publisher', { publisher: escapeLike(filter.publisher) });
    return paginate(
      query,
      { expressions: [`coalesce(article.published_from, article.published_to, '-infinity'::date)`], direction: SortDirection.DESC },
      page,
    );
  }

  create(input: CreateSourceArticleInput): Promise<SourceArticle> {
    const title = cleanText(input.title);
    if (!title) throw new BadUserInputError('title must not be empty', { field: 'title' });
    return this.dataSource.getRepository(SourceArticle).save({
      url: cleanText(input.url) ?? null,
      title,
      publisher: cleanText(input.publisher) ?? null,
      section: cleanText(input.section) ?? null,
      published: toDateSpanColumns(input.published, 'published'),
      authors: (input.authors ?? []).map((a) => a.trim()),
      language: input.language ?? null,
      body: input.body ?? null,
      retrievedAt: input.retrievedAt ?? null,
    });
  }

  update(input: UpdateSourceArticleInput): Promise<SourceArticle> {
    if (input.title !== undefined && !cleanText(input.title)) throw new BadUserInputError('title must not be empty', { field: 'title' });
    return this.dataSource.transaction(async (manager) => {
      const article = await findOrFail(manager, SourceArticle, input.id, 'SourceArticle');
      assignDefined(article, {
        url: cleanText(input.url),
        title: cleanText(input.title) ?? undefined,
        publisher: cleanText(input.publisher),
        section: cleanText(input.section),
        published: updatedDateSpan(article.published, input.published, 'published'),
        authors: input.authors?.map((a) => a.trim()),
        language: input.language,
        body: input.body,
        retrievedAt: input.retrievedAt,
      });
      if (input.body !== undefined) await this.assertBodyKeepsExcerpts(manager, article.id, article.body);
      return manager.getRepository(SourceArticle).save(article);
    });
  }

  /** A corrected body must still contain every excerpt cited from the article. */
  private async assertBodyKeepsExcerpts(manager: EntityManager, articleId: string, body: string | null): Promise<void> {
    const cited: { kind: string; excerpt: string | null }[] = await manager.query(
      `SELECT 'statement' AS kind, excerpt FROM statement_source WHERE source_article_id = $1
       UNION ALL SELECT 'attribution', excerpt FROM attribution_source WHERE source_article_id = $1`,
      [articleId],
    );
    const lost = cited.filter((c) => c.excerpt && !excerptOccursIn(c.excerpt, body));
    if (lost.length) {
      throw new ConflictError(
        `The new body no longer contains ${lost.length} excerpt(s) cited from this article, e.g. ${JSON.stringify(lost[0].excerpt)}; ` +
          'correct those citations first',
        { lostExcerpts: lost.map((c) => c.excerpt) },
      );
    }
  }

  /**
   * Deletes an article. What happens to the statements and attributions it supports is the
   * caller's explicit choice (`policy`); nothing is left without a citation silently, and the
   * answer lists every fact touched. One transaction; the article row is locked first so no
   * citation can be added to it meanwhile.
   */
  delete(id: string, policy: SupportedFactsPolicy, caller: string): Promise<SourceArticleDeletion> {
    assertId(id, 'SourceArticle');
    return this.dataSource.transaction(async (manager) => {
      const [locked] = await manager.query(`SELECT id FROM source_article WHERE id = $1 FOR UPDATE`, [id]);
      if (!locked) throw new NotFoundError('SourceArticle', id);
      await recordAs(manager, caller);
      const statements = await this.supportedFacts(manager, 'statement_source', 'statement_id', id);
      const attributions = await this.supportedFacts(manager, 'attribution_source', 'attribution_id', id);
      const incidents: { id: string }[] = await manager.query(
        `SELECT incident_id::text AS id FROM incident_source WHERE source_article_id = $1 ORDER BY 1`,
        [id],
      );
      const result: SourceArticleDeletion = {
        id,
        onSupportedFacts: policy,
        statementsStillCited: statements.stillCited,
        attributionsStillCited: attributions.stillCited,
        statementsLeftUncited: [],
        attributionsLeftUncited: [],
        deletedStatements: [],
        deletedAttributions: [],
        incidentsDetached: incidents.map((i) => i.id),
      };
      if (policy === SupportedFactsPolicy.REFUSE) {
        const parts = [
          [statements.all.length, 'statements'],
          [attributions.all.length, 'attributions'],
          [incidents.length, 'incidents'],
        ].filter(([n]) => n) as [number, string][];
        if (parts.length) {
          throw new ConflictError(
            `This source article is cited by ${parts.map(([n, what]) => `${what} (${n})`).join(', ')}; unlink them first, ` +
              'or say what happens to them with onSupportedFacts: DETACH_CITATIONS or DELETE_UNSUPPORTED_FACTS',
            { statements: statements.all.length, attributions: attributions.all.length, incidents: incidents.length },
          );
        }
      }
      await manager.query(`DELETE FROM statement_source WHERE source_article_id = $1`, [id]);
      await manager.query(`DELETE FROM attribution_source WHERE source_article_id = $1`, [id]);
      await manager.query(`DELETE FROM incident_source WHERE source_article_id = $1`, [id]);
      if (policy === SupportedFactsPolicy.DELETE_UNSUPPORTED_FACTS) {
        await manager.query(`DELETE FROM attribution WHERE id = ANY($1::uuid[])`, [attributions.onlySource]);
        await manager.query(`DELETE FROM statement WHERE id = ANY($1::uuid[])`, [statements.onlySource]);
        result.deletedStatements = statements.onlySource;
        result.deletedAttributions = attributions.onlySource;
      } else {
        result.statementsLeftUncited = statements.onlySource;
        result.attributionsLeftUncited = attributions.onlySource;
      }
      await manager.getRepository(SourceArticle).delete({ id });
      return result;
    });
  }

  /** The facts citing an article, split by whether other articles cite them too. */
  private async supportedFacts(manager: EntityManager, table: string, column: string, articleId: string) {
    const rows: { id: string; citations: number }[] = await manager.query(
      `SELECT c.${column}::text AS id, (SELECT count(*)::int FROM ${table} o WHERE o.${column} = c.${column}) AS citations
         FROM ${table} c WHERE c.source_article_id = $1 ORDER BY 1`,
      [articleId],
    );
    return {
      all: rows.map((r) => r.id),
      stillCited: rows.filter((r) => r.citations > 1).map((r) => r.id),
      onlySource: rows.filter((r) => r.citations === 1).map((r) => r.id),
    };
  }
}
