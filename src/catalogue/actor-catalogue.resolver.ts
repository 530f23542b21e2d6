import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { RequestLoaders } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import {
  ActorCatalogueRecord, ActorExternalId, ActorReference, ActorSuspectedVictim, ActorTargetedSector,
} from './actor-catalogue.entity';

/** What the actor catalogues (MISP, MITRE ATT&CK) say about an actor; each field one batched query per request. */
@Resolver(() => ThreatActor)
export class ActorCatalogueResolver {
  @ResolveField(() => [ActorExternalId], { description: 'Ids in outside schemes, e.g. MITRE ATT&CK G0007.' })
  externalIds(@Parent() actor: ThreatActor, @Context('loaders') loaders: RequestLoaders) {
    return loaders.many(ActorExternalId, 'actorId', { source: 'ASC', externalId: 'ASC' }).load(actor.id);
  }

  @ResolveField(() => [String], { description: 'URLs of reports about the actor, as the catalogues cite them.' })
  async references(@Parent() actor: ThreatActor, @Context('loaders') loaders: RequestLoaders): Promise<string[]> {
    const rows = await loaders.many(ActorReference, 'actorId', { url: 'ASC' }).load(actor.id);
    return rows.map((r) => r.url);
  }

  @ResolveField(() => [String], { description: 'Sectors the catalogues say it targets, in their words ("Government, Administration").' })
  async targetedSectors(@Parent() actor: ThreatActor, @Context('loaders') loaders: RequestLoaders): Promise<string[]> {
    const rows = await loaders.many(ActorTargetedSector, 'actorId', { sector: 'ASC' }).load(actor.id);
    return rows.map((r) => r.sector);
  }

  @ResolveField(() => [ActorSuspectedVictim], { description: 'Suspected victims the catalogues name: countries, organisations, regions.' })
  suspectedVictims(@Parent() actor: ThreatActor, @Context('loaders') loaders: RequestLoaders) {
    return loaders.many(ActorSuspectedVictim, 'actorId', { name: 'ASC' }).load(actor.id);
  }

  @ResolveField(() => [ActorCatalogueRecord], { description: 'The catalogue entries imported into this actor.' })
  catalogueEntries(@Parent() actor: ThreatActor, @Context('loaders') loaders: RequestLoaders) {
    return loaders.many(ActorCatalogueRecord, 'actorId', { source: 'ASC', recordUuid: 'ASC' }).load(actor.id);
  }
}

@Resolver(() => ActorSuspectedVictim)
export class SuspectedVictimResolver {
  @ResolveField(() => Country, { nullable: true, description: 'Set when the victim is a country.' })
  country(@Parent() victim: ActorSuspectedVictim, @Context('loaders') loaders: RequestLoaders) {
    return victim.countryCode ? loaders.one(Country, 'code').load(victim.countryCode) : null;
  }
}
