import { Field, Float, ObjectType } from '@nestjs/graphql';
import { ActorAlias } from './actor-alias.entity';
import { ThreatActor } from './threat-actor.entity';

@ObjectType({ description: 'An actor whose name is close to the one looked up, but not the same.' })
export class ActorSuggestion {
  @Field(() => ThreatActor)
  actor: ThreatActor;

  @Field(() => ActorAlias, { description: 'The name of the actor closest to the one looked up.' })
  alias: ActorAlias;

  @Field(() => Float, { description: 'Trigram similarity (pg_trgm) of the normalized names, from 0.3 to 1.' })
  similarity: number;
}

@ObjectType({ description: 'The answer to a name lookup: the actor of that name, if any, and close names of other actors.' })
export class ActorLookup {
  @Field(() => ThreatActor, {
    nullable: true,
    description: 'The actor that goes by this name (any alias, ignoring case, accents, spaces, hyphens and punctuation).',
  })
  exact: ThreatActor | null;

  @Field(() => ActorAlias, { nullable: true, description: 'The name of `exact` that matched.' })
  exactAlias: ActorAlias | null;

  @Field(() => [ActorSuggestion], {
    description: 'Other actors with a similar name (close misspellings: "Fancy Baer" → APT28 via "Fancy Bear"), most similar first; never `exact`.',
  })
  suggestions: ActorSuggestion[];
}
