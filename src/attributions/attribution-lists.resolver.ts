import { Args, Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Campaign } from '../campaigns/campaign.entity';
import { ReadAhead } from '../common/lookahead';
import { PageArgs } from '../common/pagination';
import { RequestLoaders } from '../common/request-loaders';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { ATTRIBUTION_LISTS } from './attribution.service';
import { AttributionConnection } from './attributions.resolver';

const ORDER = 'Oldest claim first, undated last.';

@Resolver(() => ThreatActor)
export class ActorAttributionsResolver {
  @ResolveField(() => AttributionConnection, { description: `Claims naming this actor, by anyone, with any status. ${ORDER}` })
  @ReadAhead(() => ATTRIBUTION_LISTS.actor_id)
  attributions(@Parent() actor: ThreatActor, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(ATTRIBUTION_LISTS.actor_id, page, actor.id);
  }
}

@Resolver(() => Incident)
export class IncidentAttributionsResolver {
  @ResolveField(() => AttributionConnection, { description: `Every claim about who did it, including denials. ${ORDER}` })
  @ReadAhead(() => ATTRIBUTION_LISTS.incident_id)
  attributions(@Parent() incident: Incident, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(ATTRIBUTION_LISTS.incident_id, page, incident.id);
  }
}

@Resolver(() => Campaign)
export class CampaignAttributionsResolver {
  @ResolveField(() => AttributionConnection, { description: `Claims about who ran the campaign. ${ORDER}` })
  @ReadAhead(() => ATTRIBUTION_LISTS.campaign_id)
  attributions(@Parent() campaign: Campaign, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(ATTRIBUTION_LISTS.campaign_id, page, campaign.id);
  }
}

@Resolver(() => Organization)
export class OrganizationAttributionsResolver {
  @ResolveField(() => AttributionConnection, { description: `Attributions this organization made (or denied). ${ORDER}` })
  @ReadAhead(() => ATTRIBUTION_LISTS.attributed_by_organization_id)
  attributionsMade(@Parent() organization: Organization, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(ATTRIBUTION_LISTS.attributed_by_organization_id, page, organization.id);
  }
}

@Resolver(() => Person)
export class PersonAttributionsResolver {
  @ResolveField(() => AttributionConnection, { description: `Attributions this person made (or denied). ${ORDER}` })
  @ReadAhead(() => ATTRIBUTION_LISTS.attributed_by_person_id)
  attributionsMade(@Parent() person: Person, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(ATTRIBUTION_LISTS.attributed_by_person_id, page, person.id);
  }
}

export const ATTRIBUTION_LIST_RESOLVERS = [
  ActorAttributionsResolver, IncidentAttributionsResolver, CampaignAttributionsResolver,
  OrganizationAttributionsResolver, PersonAttributionsResolver,
];
