import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ThreatActor } from '../actors/threat-actor.entity';
import { BelongsTo, HasMany } from '../common/lookahead';
import { RequestLoaders, type RequestContext } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import {
  ActorCatalogueRecord, ActorExternalId, ActorReference, ActorSuspectedVictim, ActorTargetedSector,
} from './actor-catalogue.entity';

/** What the actor catalogues (MISP, MITRE ATT&CK) say about an actor; each field one batched query per request. */
@Resolver(() => ThreatActor)
export class ActorCatalogueResolver {
  @HasMany(() => ActorExternalId, 'actorId', {
    order: { source: 'ASC', externalId: 'ASC' }, description: 'Ids in outside schemes, e.g. MITRE ATT&CK G0007.',
  })
  externalIds() {}

  @ResolveField(() => [String], { description: 'URLs of reports about the actor, as the catalogues cite them.' })
  async references(actor: ThreatActor, _args: unknown, { loaders }: RequestContext): Promise<string[]> {
    const rows = await loaders.many(ActorReference, 'actorId', { url: 'ASC' }).load(actor.id);
    return rows.map((r) => r.url);
  }

  @ResolveField(() => [String], { description: 'Sectors the catalogues say it targets, in their words ("Government, Administration").' })
  async targetedSectors(actor: ThreatActor, _args: unknown, { loaders }: RequestContext): Promise<string[]> {
    const rows = await loaders.many(ActorTargetedSector, 'actorId', { sector: 'ASC' }).load(actor.id);
    return rows.map((r) => r.sector);
  }

  @HasMany(() => ActorSuspectedVictim, 'actorId', {
    order: { name: 'ASC' }, description: 'Suspected victims the catalogues name: countries, organisations, regions.',
  })
  suspectedVictims() {}

  @HasMany(() => ActorCatalogueRecord, 'actorId', {
    order: { source: 'ASC', recordUuid: 'ASC' }, description: 'The catalogue entries imported into this actor.',
  })
  catalogueEntries() {}
}

@Resolver(() => ActorSuspectedVictim)
export class SuspectedVictimResolver {
  @BelongsTo(() => Country, 'countryCode', { key: 'code', nullable: true, description: 'Set when the victim is a country.' })
  country() {}
}
