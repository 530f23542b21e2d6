import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toDateSpanColumns, updatedDateSpan } from '../common/date-span';
import { BadUserInputError } from '../common/errors';
import { assignDefined, cleanText, escapeLike, findOrFail } from '../common/lookups';
import { Page, PageArgs, SortDirection, paginate } from '../common/pagination';
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

  async update(input: UpdateSourceArticleInput): Promise<SourceArticle> {
    const article = await this.get(input.id);
    if (input.title !== undefined && !cleanText(input.title)) throw new BadUserInputError('title must not be empty', { field: 'title' });
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
    return this.dataSource.getRepository(SourceArticle).save(article);
  }

  async delete(id: string): Promise<string> {
    await this.get(id);
    await this.dataSource.getRepository(SourceArticle).delete({ id });
    return id;
  }
}
