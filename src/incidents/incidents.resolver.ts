import { Args, Context, ID, Info, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BelongsTo, HasMany, ReadAhead, Reads, Through, selectsField } from '../common/lookahead';
import type { GraphQLResolveInfo } from 'graphql';
import { Campaign } from '../campaigns/campaign.entity';
import { DateSpan, toDateSpan } from '../common/date-span';
import { loadOrFail } from '../common/lookups';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { SourceArticle } from '../sources/source-article.entity';
import { IncidentTarget } from './incident-target.entity';
import { Incident } from './incident.entity';
import { CreateIncidentInput, IncidentFilter, IncidentSort, TargetInput, UpdateIncidentInput } from './incident.inputs';
import { CAMPAIGN_INCIDENTS, IncidentService, ORGANIZATION_TARGETS } from './incident.service';

@ObjectType()
export class IncidentConnection extends Connection(Incident) {}

@ObjectType()
export class IncidentTargetConnection extends Connection(IncidentTarget) {}

@Resolver(() => Incident)
export class IncidentsResolver {
  constructor(private readonly incidentService: IncidentService) {}

  @Query(() => Incident, { nullable: true, description: nullWhenAbsent() })
  incident(@Args('id', { type: () => ID }) id: string, @Context('loaders') loaders: RequestLoaders) {
    return loadOrFail(loaders, Incident, id, 'Incident');
  }

  @Query(() => IncidentConnection, { description: 'Incidents matching every given filter; latest start first by default.' })
  incidents(
    // Typed without `| undefined`: the ValidationPipe validates by the emitted type, and a union emits Object.
    @Args('filter', { type: () => IncidentFilter, nullable: true }) filter: IncidentFilter,
    @Args('sort', { type: () => IncidentSort, nullable: true }) sort: IncidentSort,
    @Args() page: PageArgs,
    @Context('loaders') loaders: RequestLoaders,
    @Info() info: GraphQLResolveInfo,
  ) {
    return this.incidentService.list(filter, sort, page, loaders, { countNow: selectsField(info, 'totalCount') });
  }

  @Mutation(() => Incident, { description: 'Creates the incident with its targets and sources, all or nothing.' })
  createIncident(@Args('input') input: CreateIncidentInput) {
    return this.incidentService.create(input);
  }

  @Mutation(() => Incident)
  updateIncident(@Args('input') input: UpdateIncidentInput) {
    return this.incidentService.update(input);
  }

  @Mutation(() => ID, { description: 'Removes its targets and statement links too; refused (CONFLICT) while attributions name it.' })
  deleteIncident(@Args('id', { type: () => ID }) id: string) {
    return this.incidentService.delete(id);
  }

  @Mutation(() => IncidentTarget)
  addIncidentTarget(@Args('incidentId', { type: () => ID }) incidentId: string, @Args('target') target: TargetInput) {
    return this.incidentService.addTarget(incidentId, target);
  }

  @Mutation(() => ID)
  removeIncidentTarget(@Args('targetId', { type: () => ID }) targetId: string) {
    return this.incidentService.removeTarget(targetId);
  }

  @ResolveField(() => DateSpan)
  @Reads('started')
  started(incident: Incident) {
    return toDateSpan(incident.started);
  }

  @ResolveField(() => DateSpan)
  @Reads('ended')
  ended(incident: Incident) {
    return toDateSpan(incident.ended);
  }

  @ResolveField(() => DateSpan)
  @Reads('disclosed')
  disclosed(incident: Incident) {
    return toDateSpan(incident.disclosed);
  }

  @BelongsTo(() => Campaign, 'campaignId', { nullable: true })
  campaign() {}

  @HasMany(() => IncidentTarget, 'incidentId')
  targets() {}

  @Through(() => SourceArticle, { table: 'incident_source', fromColumn: 'incident_id', toColumn: 'source_article_id' }, {
    description: 'Articles that report it.',
  })
  sources() {}
}

@Resolver(() => IncidentTarget)
export class IncidentTargetsResolver {
  @BelongsTo(() => Incident, 'incidentId')
  incident() {}

  @BelongsTo(() => Organization, 'organizationId', { nullable: true })
  organization() {}

  @BelongsTo(() => Person, 'personId', { nullable: true })
  person() {}

  @BelongsTo(() => Country, 'countryCode', {
    key: 'code', nullable: true, description: 'The targeted country, when the target is a country.',
  })
  country() {}
}

/** The incident lists of other types, paged: a campaign's incidents, an organization's targetings. */
@Resolver(() => Campaign)
export class CampaignIncidentsResolver {
  @ResolveField(() => IncidentConnection, { description: 'Its incidents, earliest start first, undated last.' })
  @ReadAhead(() => CAMPAIGN_INCIDENTS)
  incidents(@Parent() campaign: Campaign, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(CAMPAIGN_INCIDENTS, page, campaign.id);
  }
}

@Resolver(() => Organization)
export class OrganizationTargetsResolver {
  @ResolveField(() => IncidentTargetConnection, { description: 'Incidents in which this organization was a target, in recording order.' })
  @ReadAhead(() => ORGANIZATION_TARGETS)
  targetedIn(@Parent() organization: Organization, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(ORGANIZATION_TARGETS, page, organization.id);
  }
}
