import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Campaign } from '../campaigns/campaign.entity';
import { PageArgs, pageKey } from '../common/pagination';
import { RequestLoaders } from '../common/request-loaders';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { AttributionParent, AttributionService } from './attribution.service';
import { AttributionConnection } from './attributions.resolver';

const ORDER = 'Oldest claim first, undated last.';

/** A page of the attributions of each parent of a request level, in one query for all of them. */
function pagesOf(service: AttributionService, loaders: RequestLoaders, column: AttributionParent, parentId: string, page: PageArgs) {
  return loaders.custom(pageKey(`attributions.${column}`, page), (ids) => service.pagesOf(column, ids, page, loaders)).load(parentId);
}

@Resolver(() => ThreatActor)
export class ActorAttributionsResolver {
  constructor(private readonly service: AttributionService) {}

  @ResolveField(() => AttributionConnection, { description: `Claims naming this actor, by anyone, with any status. ${ORDER}` })
  attributions(@Parent() actor: ThreatActor, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return pagesOf(this.service, loaders, 'actor_id', actor.id, page);
  }
}

@Resolver(() => Incident)
export class IncidentAttributionsResolver {
  constructor(private readonly service: AttributionService) {}

  @ResolveField(() => AttributionConnection, { description: `Every claim about who did it, including denials. ${ORDER}` })
  attributions(@Parent() incident: Incident, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return pagesOf(this.service, loaders, 'incident_id', incident.id, page);
  }
}

@Resolver(() => Campaign)
export class CampaignAttributionsResolver {
  constructor(private readonly service: AttributionService) {}

  @ResolveField(() => AttributionConnection, { description: `Claims about who ran the campaign. ${ORDER}` })
  attributions(@Parent() campaign: Campaign, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return pagesOf(this.service, loaders, 'campaign_id', campaign.id, page);
  }
}

@Resolver(() => Organization)
export class OrganizationAttributionsResolver {
  constructor(private readonly service: AttributionService) {}

  @ResolveField(() => AttributionConnection, { description: `Attributions this organization made (or denied). ${ORDER}` })
  attributionsMade(@Parent() organization: Organization, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return pagesOf(this.service, loaders, 'attributed_by_organization_id', organization.id, page);
  }
}

@Resolver(() => Person)
export class PersonAttributionsResolver {
  constructor(private readonly service: AttributionService) {}

  @ResolveField(() => AttributionConnection, { description: `Attributions this person made (or denied). ${ORDER}` })
  attributionsMade(@Parent() person: Person, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return pagesOf(this.service, loaders, 'attributed_by_person_id', person.id, page);
  }
}

export const ATTRIBUTION_LIST_RESOLVERS = [
  ActorAttributionsResolver, IncidentAttributionsResolver, CampaignAttributionsResolver,
  OrganizationAttributionsResolver, PersonAttributionsResolver,
];
