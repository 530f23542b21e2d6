import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { Attribution, AttributionStatus } from '../attributions/attribution.entity';
import { DateSpan, toDateSpan } from '../common/date-span';
import { BelongsTo } from '../common/lookahead';
import { PageArgs } from '../common/pagination';
import { RequestLoaders } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { Citation } from '../sources/citation.entity';
import { CitationService } from '../sources/citation.service';
import { Response } from '../responses/response.entity';
import { Stance, Statement } from '../statements/statement.entity';
import { ACTOR_TIMELINES, COUNTRY_TIMELINE, INCIDENT_TIMELINE } from './timeline.service';
import { TimelineConnection, TimelineEntry } from './timeline.types';

const TIMELINE = 'In date order by the earliest possible day at the precision the sources give (a month stays "2020-10"), '
  + 'undated last; an incident\'s own dates before what was said that day; equally vague dates in recording order. '
  + 'A connection: pages with first/after or last/before.';

@Resolver(() => Incident)
export class IncidentTimelineResolver {
  @ResolveField(() => TimelineConnection, {
    description: `The incident's own dates (started, disclosed, ended), every statement about it, every attribution of it and every response to it. ${TIMELINE}`,
  })
  timeline(@Parent() incident: Incident, @Context('loaders') loaders: RequestLoaders, @Args() page: PageArgs) {
    return loaders.listPage(INCIDENT_TIMELINE, page, incident.id);
  }
}

@Resolver(() => ThreatActor)
export class ActorTimelineResolver {
  @ResolveField(() => TimelineConnection, {
    description: 'Statements about the actor, attributions naming it (asserted, disputed, denied or retracted), the dates of the '
      + 'incidents it was named for and the responses aimed at it or at a claim naming it. Only this actor unless '
      + `includeSubordinates: a claim against APT28 is not one against Russia. ${TIMELINE}`,
  })
  timeline(
    @Parent() actor: ThreatActor,
    @Context('loaders') loaders: RequestLoaders,
    @Args('includeSubordinates', { defaultValue: false, description: 'Also every actor below this one (GRU → APT28).' })
    includeSubordinates: boolean,
    @Args() page: PageArgs,
  ) {
    return loaders.listPage(includeSubordinates ? ACTOR_TIMELINES.withSubordinates : ACTOR_TIMELINES.own, page, actor.id);
  }
}

@Resolver(() => Country)
export class CountryTimelineResolver {
  @ResolveField(() => TimelineConnection, {
    description: 'Incidents with a target in the country (their dates and attributions), statements about the country, attributions '
      + `naming an actor from or sponsored by it, and the responses it made. ${TIMELINE}`,
  })
  timeline(@Parent() country: Country, @Context('loaders') loaders: RequestLoaders, @Args() page: PageArgs) {
    return loaders.listPage(COUNTRY_TIMELINE, page, country.code);
  }
}

@Resolver(() => TimelineEntry)
export class TimelineEntriesResolver {
  constructor(private readonly citationService: CitationService) {}

  @ResolveField(() => DateSpan, { description: 'When: started / disclosed / ended, said, claimed, or responded.' })
  date(@Parent() entry: TimelineEntry) {
    return toDateSpan(entry.dateColumns);
  }

  @BelongsTo(() => Statement, 'statementId', { nullable: true, description: 'For STATEMENT entries.' })
  statement() {}

  @BelongsTo(() => Attribution, 'attributionId', { nullable: true, description: 'For ATTRIBUTION entries.' })
  attribution() {}

  @BelongsTo(() => Response, 'responseId', { nullable: true, description: 'For RESPONSE entries.' })
  response() {}

  @BelongsTo(() => Incident, 'incidentId', { nullable: true, description: 'The incident whose date this is, or that the attribution or response is about.' })
  incident() {}

  @ResolveField(() => Person, { nullable: true, description: 'Who said it, or who made the claim (a person).' })
  async speakerPerson(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    const id = await personOf(entry, loaders);
    return id ? loaders.one(Person).load(id) : null;
  }

  @ResolveField(() => Organization, { nullable: true, description: 'Who said it, or who made the claim (a body).' })
  async speakerOrganization(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    const id = await organizationOf(entry, loaders);
    return id ? loaders.one(Organization).load(id) : null;
  }

  @ResolveField(() => String, { nullable: true, description: 'The speaker\'s name: the person, else the organization.' })
  async speaker(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    const [personId, organizationId] = await Promise.all([personOf(entry, loaders), organizationOf(entry, loaders)]);
    const person = personId ? await loaders.one(Person).load(personId) : null;
    if (person) return person.name;
    return organizationId ? ((await loaders.one(Organization).load(organizationId))?.name ?? null) : null;
  }

  @ResolveField(() => String, { nullable: true, description: 'The speaker\'s role as the source gives it, else the person\'s role.' })
  async role(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    const statement = await statementOf(entry, loaders);
    if (statement?.speakerRole) return statement.speakerRole;
    const personId = await personOf(entry, loaders);
    return personId ? ((await loaders.one(Person).load(personId))?.role ?? null) : null;
  }

  @ResolveField(() => Stance, { nullable: true, description: 'For statements.' })
  async stance(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    return (await statementOf(entry, loaders))?.stance ?? null;
  }

  @ResolveField(() => AttributionStatus, { nullable: true, description: 'For attributions: asserted, disputed, denied or retracted.' })
  async status(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    return (await attributionOf(entry, loaders))?.status ?? null;
  }

  @ResolveField(() => ThreatActor, { nullable: true, description: 'For attributions: the accused actor.' })
  async actor(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    const attribution = await attributionOf(entry, loaders);
    return attribution ? loaders.one(ThreatActor).load(attribution.actorId) : null;
  }

  @ResolveField(() => Int, { nullable: true, description: 'For attributions: 0–100.' })
  async confidence(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    return (await attributionOf(entry, loaders))?.confidence ?? null;
  }

  @ResolveField(() => String, { nullable: true, description: 'For attributions: the words of the source ("likely").' })
  async confidenceWords(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    return (await attributionOf(entry, loaders))?.confidenceWords ?? null;
  }

  @ResolveField(() => [Citation], { description: 'For statements, attributions and responses: the articles (with excerpts) and dataset records that report them.' })
  citations(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    if (entry.statementId) {
      return loaders.custom('citations.statement', (ids) => this.citationService.forFacts('statement', ids)).load(entry.statementId);
    }
    if (entry.attributionId) {
      return loaders.custom('citations.attribution', (ids) => this.citationService.forFacts('attribution', ids)).load(entry.attributionId);
    }
    if (entry.responseId) {
      return loaders.custom('citations.response', (ids) => this.citationService.forFacts('response', ids)).load(entry.responseId);
    }
    return [];
  }
}

/** The entry's statement, attribution or response, each batched per request (one query per kind for a whole page). */
function statementOf(entry: TimelineEntry, loaders: RequestLoaders): Promise<Statement | null> {
  return entry.statementId ? loaders.one(Statement).load(entry.statementId) : Promise.resolve(null);
}

function attributionOf(entry: TimelineEntry, loaders: RequestLoaders): Promise<Attribution | null> {
  return entry.attributionId ? loaders.one(Attribution).load(entry.attributionId) : Promise.resolve(null);
}

function responseOf(entry: TimelineEntry, loaders: RequestLoaders): Promise<Response | null> {
  return entry.responseId ? loaders.one(Response).load(entry.responseId) : Promise.resolve(null);
}

async function personOf(entry: TimelineEntry, loaders: RequestLoaders): Promise<string | null> {
  const [statement, attribution, response] = await Promise.all([statementOf(entry, loaders), attributionOf(entry, loaders), responseOf(entry, loaders)]);
  return statement?.speakerPersonId ?? attribution?.attributedByPersonId ?? response?.responderPersonId ?? null;
}

async function organizationOf(entry: TimelineEntry, loaders: RequestLoaders): Promise<string | null> {
  const [statement, attribution, response] = await Promise.all([statementOf(entry, loaders), attributionOf(entry, loaders), responseOf(entry, loaders)]);
  return statement?.speakerOrganizationId ?? attribution?.attributedByOrganizationId ?? response?.responderOrganizationId ?? null;
}
