import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ActorAlias } from '../actors/actor-alias.entity';
import { ThreatActor } from '../actors/threat-actor.entity';
import { RequestLoaders, type RequestContext } from '../common/request-loaders';
import { IncidentTarget } from '../incidents/incident-target.entity';
import { Incident } from '../incidents/incident.entity';
import { Citation } from './citation.entity';
import { CitableFact, CitationService } from './citation.service';

/** One batched loader per kind of fact: a list of facts costs one query for all their citations. */
export function citationsOf(loaders: RequestLoaders, service: CitationService, kind: CitableFact, id: string): Promise<Citation[]> {
  return loaders.custom(`citations.${kind}`, (ids) => service.forFacts(kind, ids)).load(id);
}

const CITATIONS = 'Every source of this fact: articles (with the passage, when the body is held) and dataset records (with the fields).';

@Resolver(() => Incident)
export class IncidentCitationsResolver {
  constructor(private readonly citationService: CitationService) {}

  @ResolveField(() => [Citation], { description: CITATIONS })
  citations(incident: Incident, _args: unknown, { loaders }: RequestContext) {
    return citationsOf(loaders, this.citationService, 'incident', incident.id);
  }
}

@Resolver(() => IncidentTarget)
export class TargetCitationsResolver {
  constructor(private readonly citationService: CitationService) {}

  @ResolveField(() => [Citation], { description: CITATIONS })
  citations(target: IncidentTarget, _args: unknown, { loaders }: RequestContext) {
    return citationsOf(loaders, this.citationService, 'incidentTarget', target.id);
  }
}

@Resolver(() => ActorAlias)
export class AliasCitationsResolver {
  constructor(private readonly citationService: CitationService) {}

  @ResolveField(() => [Citation], { description: 'The sources that give this name to the actor.' })
  citations(alias: ActorAlias, _args: unknown, { loaders }: RequestContext) {
    return citationsOf(loaders, this.citationService, 'actorAlias', alias.id);
  }
}

@Resolver(() => ThreatActor)
export class ActorCitationsResolver {
  constructor(private readonly citationService: CitationService) {}

  @ResolveField(() => [Citation], { description: 'The sources that record this actor (its ATT&CK id, its kind, its sponsor).' })
  citations(actor: ThreatActor, _args: unknown, { loaders }: RequestContext) {
    return citationsOf(loaders, this.citationService, 'threatActor', actor.id);
  }

  @ResolveField(() => [Citation], { description: 'The sources that state the tie to the parent (parentTie).' })
  parentTieCitations(actor: ThreatActor, _args: unknown, { loaders }: RequestContext) {
    return citationsOf(loaders, this.citationService, 'actorTie', actor.id);
  }
}
