import { Args, Context, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BelongsTo, HasMany } from '../common/lookahead';
import { loadOrFail } from '../common/lookups';
import { Connection, PageArgs } from '../common/pagination';
import { nullWhenAbsent } from '../common/node';
import { RequestLoaders, type RequestContext } from '../common/request-loaders';
import { Country } from '../countries/country.entity';
import { IncidentConnection } from '../incidents/incidents.resolver';
import { ActorAlias } from './actor-alias.entity';
import { ActorLookup } from './actor-lookup.types';
import { ThreatActor } from './threat-actor.entity';
import {
  ActorLookupArgs, AliasInput, CreateThreatActorInput, ThreatActorFilter, UpdateThreatActorInput,
} from './threat-actor.inputs';
import { ACTOR_INCIDENTS, ThreatActorService } from './threat-actor.service';

@ObjectType()
export class ThreatActorConnection extends Connection(ThreatActor) {}

@Resolver(() => ThreatActor)
export class ActorsResolver {
  constructor(private readonly actorService: ThreatActorService) {}

  @Query(() => ThreatActor, { nullable: true, description: nullWhenAbsent() })
  threatActor(@Args('id', { type: () => ID }) id: string, @Context('loaders') loaders: RequestLoaders) {
    return loadOrFail(loaders, ThreatActor, id, 'ThreatActor');
  }

  @Query(() => ThreatActor, {
    nullable: true,
    description: nullWhenAbsent('The actor that goes by this name or alias, ignoring case, accents, spaces, hyphens and other punctuation ("fancy-bear").'),
  })
  threatActorByName(@Args('name') name: string) {
    return this.actorService.getByName(name);
  }

  @Query(() => ActorLookup, {
    description:
      'Looks a name up: `exact` is the actor that goes by it (as threatActorByName, but null instead of NOT_FOUND); ' +
      '`suggestions` are other actors with a close name (misspellings), most similar first.',
  })
  threatActorLookup(@Args() args: ActorLookupArgs) {
    return this.actorService.lookup(args.name, args.first);
  }

  @Query(() => ThreatActorConnection)
  threatActors(
    @Args('filter', { type: () => ThreatActorFilter, nullable: true }) filter: ThreatActorFilter,
    @Args() page: PageArgs,
    @Context('loaders') loaders: RequestLoaders,
  ) {
    return this.actorService.list(filter, page, loaders);
  }

  @Mutation(() => ThreatActor)
  createThreatActor(@Args('input') input: CreateThreatActorInput) {
    return this.actorService.create(input);
  }

  @Mutation(() => ThreatActor)
  updateThreatActor(@Args('input') input: UpdateThreatActorInput) {
    return this.actorService.update(input);
  }

  @Mutation(() => ID, { description: 'Refused (CONFLICT) while the actor has child actors or is named in attributions.' })
  deleteThreatActor(@Args('id', { type: () => ID }) id: string) {
    return this.actorService.delete(id);
  }

  @Mutation(() => ThreatActor)
  addThreatActorAlias(@Args('actorId', { type: () => ID }) actorId: string, @Args('alias') alias: AliasInput) {
    return this.actorService.addAlias(actorId, alias);
  }

  @Mutation(() => ThreatActor)
  removeThreatActorAlias(@Args('actorId', { type: () => ID }) actorId: string, @Args('name') name: string) {
    return this.actorService.removeAlias(actorId, name);
  }

  @HasMany(() => ActorAlias, 'actorId', { order: { name: 'ASC' }, description: 'Every name, the primary name included.' })
  aliases() {}

  @BelongsTo(() => Country, 'countryCode', { key: 'code', nullable: true, description: 'Country of origin.' })
  country() {}

  @BelongsTo(() => Country, 'sponsorCountryCode', { key: 'code', nullable: true, description: 'Suspected state sponsor.' })
  sponsorCountry() {}

  @BelongsTo(() => ThreatActor, 'parentId', { nullable: true })
  parent() {}

  @HasMany(() => ThreatActor, 'parentId', { order: { name: 'ASC' } })
  children() {}

  @ResolveField(() => [ThreatActor], { description: 'From the direct parent up to the root (APT28 → GRU → Russian Federation).' })
  ancestors(actor: ThreatActor, _args: unknown, { loaders }: RequestContext) {
    return loaders.custom('actor.ancestors', (ids) => this.actorService.ancestorsOf(ids)).load(actor.id);
  }

  @ResolveField(() => [ThreatActor], { description: 'Every actor below this one, at any depth.' })
  descendants(actor: ThreatActor, _args: unknown, { loaders }: RequestContext) {
    return loaders.custom('actor.descendants', (ids) => this.actorService.descendantsOf(ids)).load(actor.id);
  }

  @ResolveField(() => IncidentConnection, {
    description: 'Incidents someone asserts this actor (or, with includeSubordinates, any actor below it) carried out; denials and '
      + 'retracted claims do not count. Earliest start first, undated last.',
  })
  incidents(
    @Parent() actor: ThreatActor,
    @Context('loaders') loaders: RequestLoaders,
    @Args('includeSubordinates', { defaultValue: false }) includeSubordinates: boolean,
    @Args() page: PageArgs,
  ) {
    return loaders.listPage(includeSubordinates ? ACTOR_INCIDENTS.withSubordinates : ACTOR_INCIDENTS.own, page, actor.id);
  }
}
