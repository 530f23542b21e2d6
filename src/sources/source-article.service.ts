import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { recordAs } from '../common/caller';
import { toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import { assertId, assignDefined, cleanText, escapeLike, findOrFail } from '../common/lookups';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
import type { RequestLoaders } from '../common/request-loaders';
import { excerptOccursIn } from './excerpt';
import { CitableFact, FACT_CITATIONS } from './citation.service';
import { DetachedFactOutcome, SourceArticleDeletion, SupportedFactsPolicy } from './source-article-deletion';
import { SourceArticle } from './source-article.entity';
import { CreateSourceArticleInput, SourceArticleFilter, UpdateSourceArticleInput } from './source-article.inputs';

interface SupportedFacts {
  all: string[];
  stillCited: string[];
  onlySource: string[];
}

/** The facts that DELETE_UNSUPPORTED_FACTS deletes once an article was their only source; their tables are named as the kinds. */
const DELETABLE_FACTS = new Set<CitableFact>(['attribution', 'statement', 'response']);

/** The other citing facts, in the words of the REFUSE message. */
const FACT_WORDS: Record<CitableFact, string> = {
  incident: 'incidents', attribution: 'attributions', statement: 'statements', response: 'responses',
  actorAlias: 'actor aliases', actorTie: 'actor ties', incidentTarget: 'incident targets', threatActor: 'threat actors',
  campaign: 'campaigns', actorMember: 'actor members',
};

@Injectable()
export class SourceArticleService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get(id: string): Promise<SourceArticle> {
    return findOrFail(this.dataSource.manager, SourceArticle, id, 'SourceArticle');
  }

  list(filter: SourceArticleFilter | undefined, page: PageArgs, loaders?: RequestLoaders): Promise<Page<SourceArticle>> {
    const query = this.dataSource.getRepository(SourceArticle).createQueryBuilder('article');
    if (filter?.search) {
      query.andWhere('(article.title ILIKE :search OR article.body ILIKE :search)', { search: `%${escapeLike(filter.search)}%` });
    }
    if (filter?.publisher) query.andWhere('article.publisher ILIKE :publisher', { publisher: escapeLike(filter.publisher) });
    return paginate(
      query,
      { expressions: [`coalesce(article.published_from, article.published_to, '-infinity'::date)`], direction: SortDirection.DESC },
      page,
      loaders,
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
      const cited = new Map<CitableFact, SupportedFacts>();
      for (const kind of Object.keys(FACT_CITATIONS) as CitableFact[]) cited.set(kind, await this.supportedFacts(manager, kind, id));
      const records: { id: string }[] = await manager.query(
        `SELECT DISTINCT dataset_record_id::text AS id FROM dataset_record_article WHERE source_article_id = $1 ORDER BY 1`,
        [id],
      );
      const statements = cited.get('statement')!;
      const attributions = cited.get('attribution')!;
      const incidents = cited.get('incident')!;
      const others = [...cited].filter(([kind]) => !['statement', 'attribution', 'incident'].includes(kind));
      const deletes = (kind: CitableFact) => policy === SupportedFactsPolicy.DELETE_UNSUPPORTED_FACTS && DELETABLE_FACTS.has(kind);
      const result: SourceArticleDeletion = {
        id,
        onSupportedFacts: policy,
        statementsStillCited: statements.stillCited,
        attributionsStillCited: attributions.stillCited,
        statementsLeftUncited: deletes('statement') ? [] : statements.onlySource,
        attributionsLeftUncited: deletes('attribution') ? [] : attributions.onlySource,
        deletedStatements: deletes('statement') ? statements.onlySource : [],
        deletedAttributions: deletes('attribution') ? attributions.onlySource : [],
        incidentsDetached: incidents.all,
        otherFactsDetached: others.flatMap(([kind, facts]) => [
          ...facts.stillCited.map((factId) => ({ kind, id: factId, outcome: DetachedFactOutcome.STILL_CITED })),
          ...facts.onlySource.map((factId) => ({
            kind, id: factId, outcome: deletes(kind) ? DetachedFactOutcome.DELETED : DetachedFactOutcome.LEFT_UNCITED,
          })),
        ]),
        datasetRecordsDetached: records.map((r) => r.id),
      };
      if (policy === SupportedFactsPolicy.REFUSE) {
        const parts: [number, string][] = [
          [statements.all.length, 'statements'],
          [attributions.all.length, 'attributions'],
          [incidents.all.length, 'incidents'],
          ...others.map(([kind, facts]): [number, string] => [facts.all.length, FACT_WORDS[kind]]),
          [records.length, 'dataset records'],
        ];
        const citing = parts.filter(([n]) => n);
        if (citing.length) {
          throw new ConflictError(
            `This source article is cited by ${citing.map(([n, what]) => `${what} (${n})`).join(', ')}; unlink them first, ` +
              'or say what happens to them with onSupportedFacts: DETACH_CITATIONS or DELETE_UNSUPPORTED_FACTS',
            Object.fromEntries(parts.map(([n, what]) => [what.replace(/ (\w)/g, (_, c: string) => c.toUpperCase()), n])),
          );
        }
      }
      for (const { legacy } of Object.values(FACT_CITATIONS)) {
        if (legacy) await manager.query(`DELETE FROM ${legacy.table} WHERE source_article_id = $1`, [id]);
      }
      await manager.query(`DELETE FROM citation WHERE source_article_id = $1`, [id]);
      await manager.query(`DELETE FROM dataset_record_article WHERE source_article_id = $1`, [id]);
      if (policy === SupportedFactsPolicy.DELETE_UNSUPPORTED_FACTS) {
        for (const kind of DELETABLE_FACTS) {
          await manager.query(`DELETE FROM ${kind} WHERE id = ANY($1::uuid[])`, [cited.get(kind)!.onlySource]);
        }
      }
      await manager.getRepository(SourceArticle).delete({ id });
      return result;
    });
  }

  /**
   * The facts of one kind citing an article (through `citation` or the older per-fact table),
   * split by whether any other source (another article or a dataset record) cites them too.
   */
  private async supportedFacts(manager: EntityManager, kind: CitableFact, articleId: string): Promise<SupportedFacts> {
    const { column, legacy } = FACT_CITATIONS[kind];
    const all: string[] = [];
    const stillCited: string[] = [];
    const onlySource: string[] = [];
    const rows: { id: string; others: number }[] = await manager.query(
      `SELECT f.id::text AS id,
              (SELECT count(*)::int FROM citation o WHERE o.${column} = f.id AND o.source_article_id IS DISTINCT FROM $1)
              ${legacy ? `+ (SELECT count(*)::int FROM ${legacy.table} o WHERE o.${legacy.column} = f.id AND o.source_article_id <> $1)` : ''}
                AS others
         FROM (SELECT ${column} AS id FROM citation WHERE source_article_id = $1 AND ${column} IS NOT NULL
               ${legacy ? `UNION SELECT ${legacy.column} FROM ${legacy.table} WHERE source_article_id = $1` : ''}) f
        ORDER BY 1`,
      [articleId],
    );
    for (const row of rows) {
      all.push(row.id);
      (row.others > 0 ? stillCited : onlySource).push(row.id);
    }
    return { all, stillCited, onlySource };
  }
}
