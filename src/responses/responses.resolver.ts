import { Args, Context, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BelongsTo, ReadAhead, Reads } from '../common/lookahead';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Attribution } from '../attributions/attribution.entity';
import { Caller } from '../common/caller';
import { DateSpan, toDateSpan } from '../common/date-span';
import { loadOrFail } from '../common/lookups';
import { Connection, PageArgs } from '../common/pagination';
import { RequestLoaders, type RequestContext } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { Citation } from '../sources/citation.entity';
import { CitationService } from '../sources/citation.service';
import { citationsOf } from '../sources/fact-citations.resolver';
import { Response } from './response.entity';
import { CreateResponseInput, ResponseFilter, UpdateResponseInput } from './response.inputs';
import { ACTOR_RESPONSES, COUNTRY_RESPONSES, INCIDENT_RESPONSES, ResponseService } from './response.service';

@ObjectType()
export class ResponseConnection extends Connection(Response) {}

@Resolver(() => Response)
export class ResponsesResolver {
  constructor(private readonly responseService: ResponseService, private readonly citationService: CitationService) {}

  @Query(() => Response, { nullable: true })
  response(@Args('id', { type: () => ID }) id: string, @Context('loaders') loaders: RequestLoaders) {
    return loadOrFail(loaders, Response, id, 'Response');
  }

  @Query(() => ResponseConnection, { description: 'Political and legal responses, in date order (undated last).' })
  responses(
    @Args('filter', { type: () => ResponseFilter, nullable: true }) filter: ResponseFilter | null,
    @Args() page: PageArgs,
    @Context('loaders') loaders: RequestLoaders,
  ) {
    return this.responseService.list(filter, page, loaders);
  }

  @Mutation(() => Response)
  createResponse(@Args('input') input: CreateResponseInput, @Caller() caller: string) {
    return this.responseService.create(input, caller);
  }

  @Mutation(() => Response)
  updateResponse(@Args('input') input: UpdateResponseInput, @Caller() caller: string) {
    return this.responseService.update(input, caller);
  }

  @Mutation(() => ID)
  deleteResponse(@Args('id', { type: () => ID }) id: string) {
    return this.responseService.delete(id);
  }

  @ResolveField(() => DateSpan, { description: 'When it was responded (or, for a planned step, when it was announced for).' })
  @Reads('responded')
  responded(response: Response) {
    return toDateSpan(response.responded);
  }

  @BelongsTo(() => Organization, 'responderOrganizationId', { nullable: true })
  responderOrganization() {}

  @BelongsTo(() => Person, 'responderPersonId', { nullable: true })
  responderPerson() {}

  @BelongsTo(() => Country, 'responderCountryCode', { key: 'code', nullable: true })
  responderCountry() {}

  @BelongsTo(() => Incident, 'incidentId', { nullable: true, description: 'The incident it responds to.' })
  incident() {}

  @BelongsTo(() => Attribution, 'attributionId', { nullable: true, description: 'The attribution it responds to.' })
  attribution() {}

  @BelongsTo(() => ThreatActor, 'actorId', { nullable: true, description: 'The actor it is aimed at.' })
  actor() {}

  @ResolveField(() => [Citation], { description: 'The articles and dataset records that report the response.' })
  citations(response: Response, _args: unknown, { loaders }: RequestContext) {
    return citationsOf(loaders, this.citationService, 'response', response.id);
  }
}

@Resolver(() => Incident)
export class IncidentResponsesResolver {
  @ResolveField(() => ResponseConnection, { description: 'Responses to the incident, in date order.' })
  @ReadAhead(() => INCIDENT_RESPONSES)
  responses(@Parent() incident: Incident, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(INCIDENT_RESPONSES, page, incident.id);
  }
}

@Resolver(() => ThreatActor)
export class ActorResponsesResolver {
  @ResolveField(() => ResponseConnection, {
    description: 'Responses aimed at the actor, at a claim naming it, or at an incident someone asserts it carried out; in date order.',
  })
  responses(
    @Parent() actor: ThreatActor,
    @Args() page: PageArgs,
    @Args('includeSubordinates', { defaultValue: false, description: 'Also those concerning the actors below it.' }) includeSubordinates: boolean,
    @Context('loaders') loaders: RequestLoaders,
  ) {
    return loaders.listPage(includeSubordinates ? ACTOR_RESPONSES.withSubordinates : ACTOR_RESPONSES.own, page, actor.id);
  }
}

@Resolver(() => Country)
export class CountryResponsesResolver {
  @ResolveField(() => ResponseConnection, { description: 'Responses the country made (as responder), in date order.' })
  @ReadAhead(() => COUNTRY_RESPONSES, 'code')
  responses(@Parent() country: Country, @Args() page: PageArgs, @Context('loaders') loaders: RequestLoaders) {
    return loaders.listPage(COUNTRY_RESPONSES, page, country.code);
  }
}
