import { Args, Context, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Campaign } from '../campaigns/campaign.entity';
import { DateSpan, toDateSpan } from '../common/date-span';
import { Connection, PageArgs } from '../common/pagination';
import { RequestLoaders } from '../common/request-loaders';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { byDateSaid } from '../statements/statement-order';
import { Statement } from '../statements/statement.entity';
import { Attribution } from './attribution.entity';
import { AttributionFilter, CreateAttributionInput, UpdateAttributionInput } from './attribution.inputs';
import { AttributionService } from './attribution.service';

@ObjectType()
export class AttributionConnection extends Connection(Attribution) {}

@Resolver(() => Attribution)
export class AttributionsResolver {
  constructor(private readonly attributionService: AttributionService) {}

  @Query(() => Attribution)
  attribution(@Args('id', { type: () => ID }) id: string) {
    return this.attributionService.get(id);
  }

  @Query(() => AttributionConnection, { description: 'Attribution claims in date order (undated last).' })
  attributions(
    @Args('filter', { type: () => AttributionFilter, nullable: true }) filter: AttributionFilter | undefined,
    @Args() page: PageArgs,
  ) {
    return this.attributionService.list(filter, page);
  }

  @Mutation(() => Attribution)
  createAttribution(@Args('input') input: CreateAttributionInput) {
    return this.attributionService.create(input);
  }

  @Mutation(() => Attribution)
  updateAttribution(@Args('input') input: UpdateAttributionInput) {
    return this.attributionService.update(input);
  }

  @Mutation(() => ID)
  deleteAttribution(@Args('id', { type: () => ID }) id: string) {
    return this.attributionService.delete(id);
  }

  @ResolveField(() => DateSpan, { description: 'When the claim was made.' })
  attributed(@Parent() attribution: Attribution) {
    return toDateSpan(attribution.attributed);
  }

  @ResolveField(() => Incident, { nullable: true })
  incident(@Parent() attribution: Attribution, @Context('loaders') loaders: RequestLoaders) {
    return attribution.incidentId ? loaders.one(Incident).load(attribution.incidentId) : null;
  }

  @ResolveField(() => Campaign, { nullable: true })
  campaign(@Parent() attribution: Attribution, @Context('loaders') loaders: RequestLoaders) {
    return attribution.campaignId ? loaders.one(Campaign).load(attribution.campaignId) : null;
  }

  @ResolveField(() => ThreatActor, { description: 'The accused actor.' })
  actor(@Parent() attribution: Attribution, @Context('loaders') loaders: RequestLoaders) {
    return loaders.one(ThreatActor).load(attribution.actorId);
  }

  @ResolveField(() => Organization, { nullable: true })
  attributedByOrganization(@Parent() attribution: Attribution, @Context('loaders') loaders: RequestLoaders) {
    return attribution.attributedByOrganizationId ? loaders.one(Organization).load(attribution.attributedByOrganizationId) : null;
  }

  @ResolveField(() => Person, { nullable: true })
  attributedByPerson(@Parent() attribution: Attribution, @Context('loaders') loaders: RequestLoaders) {
    return attribution.attributedByPersonId ? loaders.one(Person).load(attribution.attributedByPersonId) : null;
  }

  @ResolveField(() => [Statement], { description: 'Statements in which the claim was made or denied.' })
  statements(@Parent() attribution: Attribution, @Context('loaders') loaders: RequestLoaders) {
    return loaders
      .through(Statement, { table: 'attribution_statement', fromColumn: 'attribution_id', toColumn: 'statement_id' }, byDateSaid)
      .load(attribution.id);
  }
}
