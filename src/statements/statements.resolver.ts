import { Args, Context, ID, Info, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { BelongsTo, HasMany, Reads, Through, selectsField } from '../common/lookahead';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Attribution } from '../attributions/attribution.entity';
import { Caller } from '../common/caller';
import { DateSpan, toDateSpan } from '../common/date-span';
import { loadOrFail } from '../common/lookups';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders, type RequestContext } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { Citation } from '../sources/citation.entity';
import { CitationInput } from '../sources/citation.inputs';
import { CitationService } from '../sources/citation.service';
import { SourceArticle } from '../sources/source-article.entity';
import { LinkSuggestionService } from './link-suggestion.service';
import { LinkSuggestion, SuggestedLinksArgs } from './link-suggestion.types';
import { LinkTargetKind, StatementLink, StatementLinkEvent } from './statement-link.entity';
import { StatementLinkEventFilter, StatementLinkService } from './statement-link.service';
import { Statement, StatementSource } from './statement.entity';
import { CreateStatementInput, StatementFilter, UpdateStatementInput } from './statement.inputs';
import { StatementService } from './statement.service';

@ObjectType()
export class StatementConnection extends Connection(Statement) {}

@ObjectType()
export class StatementLinkEventConnection extends Connection(StatementLinkEvent) {}

const ID_ARG = { type: () => ID };

@Resolver(() => Statement)
export class StatementsResolver {
  constructor(
    private readonly statementService: StatementService,
    private readonly citationService: CitationService,
    private readonly linkService: StatementLinkService,
    private readonly suggestions: LinkSuggestionService,
  ) {}

  @Query(() => Statement, { nullable: true, description: nullWhenAbsent() })
  statement(@Args('id', { type: () => ID }) id: string, @Context('loaders') loaders: RequestLoaders) {
    return loadOrFail(loaders, Statement, id, 'Statement');
  }

  @Query(() => StatementConnection, { description: 'Statements in date order (undated last).' })
  statements(
    @Args('filter', { type: () => StatementFilter, nullable: true }) filter: StatementFilter,
    @Args() page: PageArgs,
    @Context('loaders') loaders: RequestLoaders,
    @Info() info: GraphQLResolveInfo,
  ) {
    return this.statementService.list(filter, page, loaders, { countNow: selectsField(info, 'totalCount') });
  }

  @Mutation(() => Statement, { description: 'Creates the statement with its links and sources, all or nothing.' })
  createStatement(@Args('input') input: CreateStatementInput, @Caller() caller: string) {
    return this.statementService.create(input, caller);
  }

  @Mutation(() => Statement, { description: 'Changes to its incident and actor links are recorded with the calling account.' })
  updateStatement(@Args('input') input: UpdateStatementInput, @Caller() caller: string) {
    return this.statementService.update(input, caller);
  }

  @Mutation(() => ID)
  deleteStatement(@Args('id', { type: () => ID }) id: string) {
    return this.statementService.delete(id);
  }

  @Mutation(() => Statement, { description: 'Recorded with the calling account and time; linking twice is harmless.' })
  linkStatementToIncident(@Args('statementId', ID_ARG) statementId: string, @Args('incidentId', ID_ARG) incidentId: string, @Caller() caller: string) {
    return this.statementService.link('incident', statementId, incidentId, caller);
  }

  @Mutation(() => Statement)
  unlinkStatementFromIncident(@Args('statementId', ID_ARG) statementId: string, @Args('incidentId', ID_ARG) incidentId: string, @Caller() caller: string) {
    return this.statementService.unlink('incident', statementId, incidentId, caller);
  }

  @Mutation(() => Statement)
  linkStatementToActor(@Args('statementId', ID_ARG) statementId: string, @Args('actorId', ID_ARG) actorId: string, @Caller() caller: string) {
    return this.statementService.link('actor', statementId, actorId, caller);
  }

  @Mutation(() => Statement)
  unlinkStatementFromActor(@Args('statementId', ID_ARG) statementId: string, @Args('actorId', ID_ARG) actorId: string, @Caller() caller: string) {
    return this.statementService.unlink('actor', statementId, actorId, caller);
  }

  @Mutation(() => Statement, { description: 'Records that the attribution was made (or denied) in this statement.' })
  linkStatementToAttribution(
    @Args('statementId', ID_ARG) statementId: string,
    @Args('attributionId', ID_ARG) attributionId: string,
    @Caller() caller: string,
  ) {
    return this.statementService.link('attribution', statementId, attributionId, caller);
  }

  @Mutation(() => Statement)
  unlinkStatementFromAttribution(
    @Args('statementId', ID_ARG) statementId: string,
    @Args('attributionId', ID_ARG) attributionId: string,
    @Caller() caller: string,
  ) {
    return this.statementService.unlink('attribution', statementId, attributionId, caller);
  }

  @Mutation(() => Statement, { description: 'Cites an article for the statement (or replaces the excerpt); the excerpt must occur in the article.' })
  linkStatementToSource(@Args('statementId', ID_ARG) statementId: string, @Args('source') source: CitationInput) {
    return this.statementService.linkSource(statementId, source);
  }

  @Mutation(() => Statement, { description: 'Refused (CONFLICT) for the statement\'s last citation.' })
  unlinkStatementFromSource(@Args('statementId', ID_ARG) statementId: string, @Args('sourceArticleId', ID_ARG) sourceArticleId: string) {
    return this.statementService.unlinkSource(statementId, sourceArticleId);
  }

  @Query(() => [LinkSuggestion], {
    description:
      'Incidents the statement may be about and is not linked to: close in time (within withinDays, when both are dated) and sharing an actor '
      + '(or one above or below it), a target, a target country or a quoted name; strongest first, each with its reasons. '
      + 'Rejected suggestions are not made again.',
  })
  suggestedLinks(@Args() { statementId, first, withinDays }: SuggestedLinksArgs) {
    return this.suggestions.suggest(statementId, first, withinDays);
  }

  @Mutation(() => StatementLinkEvent, { description: 'Links the statement to a suggested incident, recording the reasons and the caller.' })
  acceptSuggestedLink(@Args('statementId', ID_ARG) statementId: string, @Args('incidentId', ID_ARG) incidentId: string, @Caller() caller: string) {
    return this.suggestions.accept(statementId, incidentId, caller);
  }

  @Mutation(() => StatementLinkEvent, { description: 'Records that the incident is not what the statement is about: it is not suggested again.' })
  rejectSuggestedLink(@Args('statementId', ID_ARG) statementId: string, @Args('incidentId', ID_ARG) incidentId: string, @Caller() caller: string) {
    return this.suggestions.reject(statementId, incidentId, caller);
  }

  @Query(() => StatementLinkEventConnection, { description: 'Who linked, unlinked, accepted or rejected what, and when; newest first.' })
  statementLinkEvents(
    @Args('filter', { type: () => StatementLinkEventFilter, nullable: true }) filter: StatementLinkEventFilter,
    @Args() page: PageArgs,
  ) {
    return this.linkService.list(filter, page);
  }

  @ResolveField(() => DateSpan)
  @Reads('said')
  said(statement: Statement) {
    return toDateSpan(statement.said);
  }

  @BelongsTo(() => Person, 'speakerPersonId', { nullable: true })
  speakerPerson() {}

  @BelongsTo(() => Organization, 'speakerOrganizationId', { nullable: true })
  speakerOrganization() {}

  @Through(() => Incident, { table: 'statement_incident', fromColumn: 'statement_id', toColumn: 'incident_id' }, {
    description: 'Incidents it is about.',
  })
  incidents() {}

  @Through(() => ThreatActor, { table: 'statement_actor', fromColumn: 'statement_id', toColumn: 'actor_id' }, {
    description: 'Threat actors it is about.',
  })
  actors() {}

  @Through(() => Country, { table: 'statement_country', fromColumn: 'statement_id', toColumn: 'country_code', targetProperty: 'code' }, {
    description: 'Countries it is about.',
  })
  countries() {}

  @HasMany(() => StatementSource, 'statementId', {
    order: { sourceArticleId: 'ASC' }, description: 'Articles that report it, with the excerpt.',
  })
  sources() {}

  @ResolveField(() => [Citation], { description: 'The articles that report it, each with the exact passage that does.' })
  citations(statement: Statement, _args: unknown, { loaders }: RequestContext) {
    return loaders.custom('citations.statement', (ids) => this.citationService.forFacts('statement', ids)).load(statement.id);
  }

  @ResolveField(() => [StatementLink], { description: 'What it is linked to now (incidents, actors, attributions), with who linked it and when.' })
  links(statement: Statement, _args: unknown, { loaders }: RequestContext) {
    return loaders.custom('statement.links', (ids) => this.linkService.currentLinks(ids)).load(statement.id);
  }

  @HasMany(() => StatementLinkEvent, 'statementId', { order: { id: 'ASC' }, description: 'Every change to its links, oldest first.' })
  linkHistory() {}

  @Through(() => Attribution, { table: 'attribution_statement', fromColumn: 'statement_id', toColumn: 'attribution_id' }, {
    description: 'Attributions made or denied in this statement.',
  })
  attributions() {}
}

@Resolver(() => StatementSource)
export class StatementSourcesResolver {
  @BelongsTo(() => SourceArticle, 'sourceArticleId')
  article() {}
}

/** The incident, actor or attribution a link or link event points at (null when it has since been deleted). */
function linkTarget(kind: LinkTargetKind, targetId: string, loaders: RequestLoaders, wanted: LinkTargetKind) {
  if (kind !== wanted) return null;
  switch (kind) {
    case LinkTargetKind.INCIDENT: return loaders.one(Incident).load(targetId);
    case LinkTargetKind.ACTOR: return loaders.one(ThreatActor).load(targetId);
    default: return loaders.one(Attribution).load(targetId);
  }
}

@Resolver(() => StatementLink)
export class StatementLinksResolver {
  @ResolveField(() => Incident, { nullable: true })
  incident(link: StatementLink, _args: unknown, { loaders }: RequestContext) {
    return linkTarget(link.kind, link.targetId, loaders, LinkTargetKind.INCIDENT);
  }

  @ResolveField(() => ThreatActor, { nullable: true })
  actor(link: StatementLink, _args: unknown, { loaders }: RequestContext) {
    return linkTarget(link.kind, link.targetId, loaders, LinkTargetKind.ACTOR);
  }

  @ResolveField(() => Attribution, { nullable: true })
  attribution(link: StatementLink, _args: unknown, { loaders }: RequestContext) {
    return linkTarget(link.kind, link.targetId, loaders, LinkTargetKind.ATTRIBUTION);
  }
}

@Resolver(() => StatementLinkEvent)
export class StatementLinkEventsResolver {
  @BelongsTo(() => Statement, 'statementId')
  statement() {}

  @ResolveField(() => Incident, { nullable: true })
  incident(event: StatementLinkEvent, _args: unknown, { loaders }: RequestContext) {
    return linkTarget(event.targetKind, event.targetId, loaders, LinkTargetKind.INCIDENT);
  }

  @ResolveField(() => ThreatActor, { nullable: true })
  actor(event: StatementLinkEvent, _args: unknown, { loaders }: RequestContext) {
    return linkTarget(event.targetKind, event.targetId, loaders, LinkTargetKind.ACTOR);
  }

  @ResolveField(() => Attribution, { nullable: true })
  attribution(event: StatementLinkEvent, _args: unknown, { loaders }: RequestContext) {
    return linkTarget(event.targetKind, event.targetId, loaders, LinkTargetKind.ATTRIBUTION);
  }
}

@Resolver(() => LinkSuggestion)
export class LinkSuggestionsResolver {
  @BelongsTo(() => Incident, 'incidentId')
  incident() {}
}
