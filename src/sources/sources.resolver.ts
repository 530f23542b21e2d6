import { Args, Context, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Caller } from '../common/caller';
import { DateSpan, toDateSpan } from '../common/date-span';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders } from '../common/request-loaders';
import { Incident } from '../incidents/incident.entity';
import { byDateSaid } from '../statements/statement-order';
import { Statement } from '../statements/statement.entity';
import { Citation } from './citation.entity';
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
  sourceArticle(@Args('id', { type: () => ID }) id: string) {
    return this.articleService.get(id);
  }

  @Query(() => SourceArticleConnection, { description: 'Latest published first.' })
  sourceArticles(
    @Args('filter', { type: () => SourceArticleFilter, nullable: true }) filter: SourceArticleFilter,
    @Args() page: PageArgs,
  ) {
    return this.articleService.list(filter, page);
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

  @ResolveField(() => DateSpan)
  published(@Parent() article: SourceArticle) {
    return toDateSpan(article.published);
  }

  @ResolveField(() => [Statement], { description: 'Statements this article reports, in date order.' })
  statements(@Parent() article: SourceArticle, @Context('loaders') loaders: RequestLoaders) {
    return loaders
      .through(Statement, { table: 'statement_source', fromColumn: 'source_article_id', toColumn: 'statement_id' }, byDateSaid)
      .load(article.id);
  }

  @ResolveField(() => [Incident], { description: 'Incidents this article reports.' })
  incidents(@Parent() article: SourceArticle, @Context('loaders') loaders: RequestLoaders) {
    return loaders
      .through(Incident, { table: 'incident_source', fromColumn: 'source_article_id', toColumn: 'incident_id' })
      .load(article.id);
  }
}

@Resolver(() => Citation)
export class CitationsResolver {
  @ResolveField(() => SourceArticle)
  article(@Parent() citation: Citation, @Context('loaders') loaders: RequestLoaders) {
    return loaders.one(SourceArticle).load(citation.sourceArticleId);
  }
}
