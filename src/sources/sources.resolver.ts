import { Args, Context, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BelongsTo, Reads, Through } from '../common/lookahead';
import { Caller } from '../common/caller';
import { DateSpan, toDateSpan } from '../common/date-span';
import { loadOrFail } from '../common/lookups';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders } from '../common/request-loaders';
import { Incident } from '../incidents/incident.entity';
import { byDateSaid } from '../statements/statement-order';
import { Statement } from '../statements/statement.entity';
import { Citation, CitationKind, DatasetRecordField, recordFields } from './citation.entity';
import { Dataset, DatasetRecord } from './dataset.entity';
import { SourceArticleDeletion, SupportedFactsPolicy } from './source-article-deletion';
import { SourceArticle } from './source-article.entity';
import { CreateSourceArticleInput, SourceArticleFilter, UpdateSourceArticleInput } from './source-article.inputs';
import { SourceArticleService } from './source-article.service';

@ObjectType()
export class SourceArticleConnection extends Connection(SourceArticle) {}

@Resolver(() => SourceArticle)
export class SourcesResolver {
  constructor(private readonly articleService: SourceArticleService) {}

  @Query(() => SourceArticle, { nullable: true, description: nullWhenAbsent() })
  sourceArticle(@Args('id', { type: () => ID }) id: string, @Context('loaders') loaders: RequestLoaders) {
    return loadOrFail(loaders, SourceArticle, id, 'SourceArticle');
  }

  @Query(() => SourceArticleConnection, { description: 'Latest published first.' })
  sourceArticles(
    @Args('filter', { type: () => SourceArticleFilter, nullable: true }) filter: SourceArticleFilter,
    @Args() page: PageArgs,
    @Context('loaders') loaders: RequestLoaders,
  ) {
    return this.articleService.list(filter, page, loaders);
  }

  @Mutation(() => SourceArticle)
  createSourceArticle(@Args('input') input: CreateSourceArticleInput) {
    return this.articleService.create(input);
  }

  @Mutation(() => SourceArticle)
  updateSourceArticle(@Args('input') input: UpdateSourceArticleInput) {
    return this.articleService.update(input);
  }

  @Mutation(() => SourceArticleDeletion, {
    description:
      'Deletes an article. While statements, attributions or incidents cite it, refused (CONFLICT) unless onSupportedFacts says ' +
      'what happens to them; the answer lists every fact affected.',
  })
  deleteSourceArticle(
    @Args('id', { type: () => ID }) id: string,
    @Args('onSupportedFacts', { type: () => SupportedFactsPolicy, defaultValue: SupportedFactsPolicy.REFUSE }) policy: SupportedFactsPolicy,
    @Caller() caller: string,
  ) {
    return this.articleService.delete(id, policy, caller);
  }

  @ResolveField(() => String, {
    description: 'The article\'s title; for an article reference that gives none, its URL (see hasTitle). Always present, as before references existed.',
  })
  @Reads('title', 'url')
  title(article: SourceArticle) {
    return article.title ?? article.url ?? article.id;
  }

  @ResolveField(() => Boolean, { description: 'False when the source gives no title (title then shows the URL).' })
  hasTitle(article: SourceArticle) {
    return article.title !== null;
  }

  @ResolveField(() => Boolean, { description: 'False for an article reference: known by its URL (and what a record says of it), its text not held.' })
  retrieved(article: SourceArticle) {
    return article.body !== null;
  }

  @ResolveField(() => DateSpan)
  @Reads('published')
  published(article: SourceArticle) {
    return toDateSpan(article.published);
  }

  @Through(() => Statement, { table: 'statement_source', fromColumn: 'source_article_id', toColumn: 'statement_id' }, {
    sort: byDateSaid, description: 'Statements this article reports, in date order.',
  })
  statements() {}

  @Through(() => Incident, { table: 'incident_source', fromColumn: 'source_article_id', toColumn: 'incident_id' }, {
    description: 'Incidents this article reports.',
  })
  incidents() {}
}

@Resolver(() => Citation)
export class CitationsResolver {
  @ResolveField(() => CitationKind)
  kind(citation: Citation) {
    return citation.datasetRecordId ? CitationKind.DATASET_RECORD : CitationKind.ARTICLE;
  }

  @BelongsTo(() => SourceArticle, 'sourceArticleId', { nullable: true, description: 'The article cited; null when a dataset record is.' })
  article() {}

  @BelongsTo(() => DatasetRecord, 'datasetRecordId', { nullable: true, description: 'The dataset record cited; null when an article is.' })
  record() {}
}

@Resolver(() => DatasetRecord)
export class DatasetRecordsResolver {
  @BelongsTo(() => Dataset, 'datasetId')
  dataset() {}

  @ResolveField(() => [DatasetRecordField], {
    description: 'The record\'s fields verbatim, as the dataset coded them, by name; `only` picks some.',
  })
  fields(@Parent() record: DatasetRecord, @Args('only', { type: () => [String], nullable: true }) only: string[] | null) {
    return recordFields(record, only);
  }

  @Through(() => SourceArticle, { table: 'dataset_record_article', fromColumn: 'dataset_record_id', toColumn: 'source_article_id' }, {
    sort: byUrl, description: 'The article references the record lists (by URL; not retrieved unless a body is held).',
  })
  articles() {}
}

function byUrl(a: SourceArticle, b: SourceArticle): number {
  return (a.url ?? '').localeCompare(b.url ?? '');
}
