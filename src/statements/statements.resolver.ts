import { Args, Context, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Attribution } from '../attributions/attribution.entity';
import { DateSpan, toDateSpan } from '../common/date-span';
import { Connection, PageArgs } from '../common/pagination';
import { RequestLoaders } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { SourceArticle } from '../sources/source-article.entity';
import { Statement, StatementSource } from './statement.entity';
import { CreateStatementInput, StatementFilter, StatementSourceInput, UpdateStatementInput } from './statement.inputs';
import { StatementService } from './statement.service';

@ObjectType()
export class StatementConnection extends Connection(Statement) {}

@Resolver(() => Statement)
export class StatementsResolver {
  constructor(private readonly statementService: StatementService) {}

  @Query(() => Statement)
  statement(@Args('id', { type: () => ID }) id: string) {
    return this.statementService.get(id);
  }

  @Query(() => StatementConnection, { description: 'Statements in date order (undated last).' })
  statements(
    @Args('filter', { type: () => StatementFilter, nullable: true }) filter: StatementFilter | undefined,
    @Args() page: PageArgs,
  ) {
    return this.statementService.list(filter, page);
  }

  @Mutation(() => Statement, { description: 'Creates the statement with its links and sources, all or nothing.' })
  createStatement(@Args('input') input: CreateStatementInput) {
    return this.statementService.create(input);
  }

  @Mutation(() => Statement)
  updateStatement(@Args('input') input: UpdateStatementInput) {
    return this.statementService.update(input);
  }

  @Mutation(() => ID)
  deleteStatement(@Args('id', { type: () => ID }) id: string) {
    return this.statementService.delete(id);
  }

  @Mutation(() => Statement)
  linkStatementToIncident(@Args('statementId', { type: () => ID }) statementId: string, @Args('incidentId', { type: () => ID }) incidentId: string) {
    return this.statementService.link('incident', statementId, incidentId);
  }

  @Mutation(() => Statement)
  unlinkStatementFromIncident(@Args('statementId', { type: () => ID }) statementId: string, @Args('incidentId', { type: () => ID }) incidentId: string) {
    return this.statementService.unlink('incident', statementId, incidentId);
  }

  @Mutation(() => Statement)
  linkStatementToActor(@Args('statementId', { type: () => ID }) statementId: string, @Args('actorId', { type: () => ID }) actorId: string) {
    return this.statementService.link('actor', statementId, actorId);
  }

  @Mutation(() => Statement)
  unlinkStatementFromActor(@Args('statementId', { type: () => ID }) statementId: string, @Args('actorId', { type: () => ID }) actorId: string) {
    return this.statementService.unlink('actor', statementId, actorId);
  }

  @Mutation(() => Statement, { description: 'Cites an article for the statement (or updates the excerpt).' })
  linkStatementToSource(@Args('statementId', { type: () => ID }) statementId: string, @Args('source') source: StatementSourceInput) {
    return this.statementService.linkSource(statementId, source);
  }

  @Mutation(() => Statement)
  unlinkStatementFromSource(
    @Args('statementId', { type: () => ID }) statementId: string,
    @Args('sourceArticleId', { type: () => ID }) sourceArticleId: string,
  ) {
    return this.statementService.unlinkSource(statementId, sourceArticleId);
  }

  @ResolveField(() => DateSpan)
  said(@Parent() statement: Statement) {
    return toDateSpan(statement.said);
  }

  @ResolveField(() => Person, { nullable: true })
  speakerPerson(@Parent() statement: Statement, @Context('loaders') loaders: RequestLoaders) {
    return statement.speakerPersonId ? loaders.one(Person).load(statement.speakerPersonId) : null;
  }

  @ResolveField(() => Organization, { nullable: true })
  speakerOrganization(@Parent() statement: Statement, @Context('loaders') loaders: RequestLoaders) {
    return statement.speakerOrganizationId ? loaders.one(Organization).load(statement.speakerOrganizationId) : null;
  }

  @ResolveField(() => [Incident], { description: 'Incidents it is about.' })
  incidents(@Parent() statement: Statement, @Context('loaders') loaders: RequestLoaders) {
    return loaders
      .through(Incident, { table: 'statement_incident', fromColumn: 'statement_id', toColumn: 'incident_id' })
      .load(statement.id);
  }

  @ResolveField(() => [ThreatActor], { description: 'Threat actors it is about.' })
  actors(@Parent() statement: Statement, @Context('loaders') loaders: RequestLoaders) {
    return loaders
      .through(ThreatActor, { table: 'statement_actor', fromColumn: 'statement_id', toColumn: 'actor_id' })
      .load(statement.id);
  }

  @ResolveField(() => [Country], { description: 'Countries it is about.' })
  countries(@Parent() statement: Statement, @Context('loaders') loaders: RequestLoaders) {
    return loaders
      .through(Country, { table: 'statement_country', fromColumn: 'statement_id', toColumn: 'country_code', targetProperty: 'code' })
      .load(statement.id);
  }

  @ResolveField(() => [StatementSource], { description: 'Articles that report it, with the excerpt.' })
  sources(@Parent() statement: Statement, @Context('loaders') loaders: RequestLoaders) {
    return loaders.many(StatementSource, 'statementId', { sourceArticleId: 'ASC' }).load(statement.id);
  }

  @ResolveField(() => [Attribution], { description: 'Attributions made or denied in this statement.' })
  attributions(@Parent() statement: Statement, @Context('loaders') loaders: RequestLoaders) {
    return loaders
      .through(Attribution, { table: 'attribution_statement', fromColumn: 'statement_id', toColumn: 'attribution_id' })
      .load(statement.id);
  }
}

@Resolver(() => StatementSource)
export class StatementSourcesResolver {
  @ResolveField(() => SourceArticle)
  article(@Parent() source: StatementSource, @Context('loaders') loaders: RequestLoaders) {
    return loaders.one(SourceArticle).load(source.sourceArticleId);
  }
}
