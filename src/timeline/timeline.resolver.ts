import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { AttributionStatus } from '../attributions/attribution.entity';
import { DateSpan, toDateSpan } from '../common/date-span';
import { RequestLoaders } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import { Incident } from '../incidents/incident.entity';
import { Organization } from '../organizations/organization.entity';
import { Person } from '../people/person.entity';
import { Citation } from '../sources/citation.entity';
import { CitationService } from '../sources/citation.service';
import { Stance } from '../statements/statement.entity';
import { TimelineService } from './timeline.service';
import { TimelineEntry } from './timeline.types';

const TIMELINE = 'In date order at the precision the sources give (a month stays "2020-10"); equally vague dates in recording order.';

@Resolver(() => Incident)
export class IncidentTimelineResolver {
  constructor(private readonly timelines: TimelineService) {}

  @ResolveField(() => [TimelineEntry], {
    description: `The incident's own dates (started, disclosed, ended), every statement about it, every attribution of it and every response to it. ${TIMELINE}`,
  })
  timeline(@Parent() incident: Incident, @Context('loaders') loaders: RequestLoaders) {
    return loaders.custom('timeline.incident', (ids) => this.timelines.forIncidents(ids)).load(incident.id);
  }
}

@Resolver(() => ThreatActor)
export class ActorTimelineResolver {
  constructor(private readonly timelines: TimelineService) {}

  @ResolveField(() => [TimelineEntry], {
    description: 'Statements about the actor, attributions naming it (asserted, disputed, denied or retracted) and the dates of the '
      + `incidents it was named for. Only this actor unless includeSubordinates: a claim against APT28 is not one against Russia. ${TIMELINE}`,
  })
  timeline(
    @Parent() actor: ThreatActor,
    @Context('loaders') loaders: RequestLoaders,
    @Args('includeSubordinates', { defaultValue: false, description: 'Also every actor below this one (GRU → APT28).' })
    includeSubordinates: boolean,
  ) {
    return loaders
      .custom(`timeline.actor:${includeSubordinates}`, (ids) => this.timelines.forActors(ids, includeSubordinates))
      .load(actor.id);
  }
}

@Resolver(() => Country)
export class CountryTimelineResolver {
  constructor(private readonly timelines: TimelineService) {}

  @ResolveField(() => [TimelineEntry], {
    description: 'Incidents with a target in the country (their dates and attributions), statements about the country, and attributions '
      + `naming an actor from or sponsored by it. ${TIMELINE}`,
  })
  timeline(@Parent() country: Country, @Context('loaders') loaders: RequestLoaders) {
    return loaders.custom('timeline.country', (codes) => this.timelines.forCountries(codes)).load(country.code);
  }
}

@Resolver(() => TimelineEntry)
export class TimelineEntriesResolver {
  constructor(private readonly citationService: CitationService) {}

  @ResolveField(() => DateSpan, { description: 'When: started / disclosed / ended, said, or claimed.' })
  date(@Parent() entry: TimelineEntry) {
    return toDateSpan(entry.dateColumns);
  }

  @ResolveField(() => Incident, { nullable: true, description: 'The incident whose date this is, or that the attribution is about.' })
  incident(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    return entry.incidentId ? loaders.one(Incident).load(entry.incidentId) : null;
  }

  @ResolveField(() => Person, { nullable: true, description: 'Who said it, or who made the claim (a person).' })
  speakerPerson(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    const id = personOf(entry);
    return id ? loaders.one(Person).load(id) : null;
  }

  @ResolveField(() => Organization, { nullable: true, description: 'Who said it, or who made the claim (a body).' })
  speakerOrganization(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    const id = organizationOf(entry);
    return id ? loaders.one(Organization).load(id) : null;
  }

  @ResolveField(() => String, { nullable: true, description: 'The speaker\'s name: the person, else the organization.' })
  async speaker(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    const personId = personOf(entry);
    const organizationId = organizationOf(entry);
    const person = personId ? await loaders.one(Person).load(personId) : null;
    if (person) return person.name;
    return organizationId ? ((await loaders.one(Organization).load(organizationId))?.name ?? null) : null;
  }

  @ResolveField(() => String, { nullable: true, description: 'The speaker\'s role as the source gives it, else the person\'s role.' })
  async role(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    if (entry.statement?.speakerRole) return entry.statement.speakerRole;
    const personId = personOf(entry);
    return personId ? ((await loaders.one(Person).load(personId))?.role ?? null) : null;
  }

  @ResolveField(() => Stance, { nullable: true, description: 'For statements.' })
  stance(@Parent() entry: TimelineEntry) {
    return entry.statement?.stance ?? null;
  }

  @ResolveField(() => AttributionStatus, { nullable: true, description: 'For attributions: asserted, disputed, denied or retracted.' })
  status(@Parent() entry: TimelineEntry) {
    return entry.attribution?.status ?? null;
  }

  @ResolveField(() => ThreatActor, { nullable: true, description: 'For attributions: the accused actor.' })
  actor(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    return entry.attribution ? loaders.one(ThreatActor).load(entry.attribution.actorId) : null;
  }

  @ResolveField(() => Int, { nullable: true, description: 'For attributions: 0–100.' })
  confidence(@Parent() entry: TimelineEntry) {
    return entry.attribution?.confidence ?? null;
  }

  @ResolveField(() => String, { nullable: true, description: 'For attributions: the words of the source ("likely").' })
  confidenceWords(@Parent() entry: TimelineEntry) {
    return entry.attribution?.confidenceWords ?? null;
  }

  @ResolveField(() => [Citation], { description: 'For statements, attributions and responses: the articles (with excerpts) and dataset records that report them.' })
  citations(@Parent() entry: TimelineEntry, @Context('loaders') loaders: RequestLoaders) {
    if (entry.statement) {
      return loaders.custom('citations.statement', (ids) => this.citationService.forFacts('statement', ids)).load(entry.statement.id);
    }
    if (entry.attribution) {
      return loaders.custom('citations.attribution', (ids) => this.citationService.forFacts('attribution', ids)).load(entry.attribution.id);
    }
    if (entry.response) {
      return loaders.custom('citations.response', (ids) => this.citationService.forFacts('response', ids)).load(entry.response.id);
    }
    return [];
  }
}

function personOf(entry: TimelineEntry): string | null {
  return entry.statement?.speakerPersonId ?? entry.attribution?.attributedByPersonId ?? entry.response?.responderPersonId ?? null;
}

function organizationOf(entry: TimelineEntry): string | null {
  return entry.statement?.speakerOrganizationId ?? entry.attribution?.attributedByOrganizationId ?? entry.response?.responderOrganizationId ?? null;
}
