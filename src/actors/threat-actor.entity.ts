import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Node } from '../common/node';

export enum ThreatActorKind {
  APT_GROUP = 'APT_GROUP',
  MILITARY_UNIT = 'MILITARY_UNIT',
  INTELLIGENCE_AGENCY = 'INTELLIGENCE_AGENCY',
  STATE = 'STATE',
  CRIMINAL_GROUP = 'CRIMINAL_GROUP',
  HACKTIVIST = 'HACKTIVIST',
  INDIVIDUAL = 'INDIVIDUAL',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(ThreatActorKind, { name: 'ThreatActorKind' });

/** What the source says binds an actor to its parent: a proven chain of command is only one of these. */
export enum ActorTie {
  UNIT_OF = 'UNIT_OF',
  OPERATED_BY = 'OPERATED_BY',
  HAS_TIES_TO = 'HAS_TIES_TO',
  SPONSORED_BY = 'SPONSORED_BY',
}
registerEnumType(ActorTie, {
  name: 'ActorTie',
  description: 'The kind of tie between an actor and its parent, as its source states it.',
  valuesMap: {
    UNIT_OF: { description: 'A unit of the parent (GTsSS military unit 26165 of the GRU).' },
    OPERATED_BY: { description: 'Run by the parent.' },
    HAS_TIES_TO: { description: 'Has ties to the parent ("This actor has ties to GRU"): no chain of command is claimed.' },
    SPONSORED_BY: { description: 'Sponsored by the parent (a state).' },
  },
});

@ObjectType({ implements: () => [Node], description: 'Who is accused: a group, unit, agency or state, in a tree (APT28 → GRU → Russian state).' })
@Entity('threat_actor')
export class ThreatActor {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field({ description: 'Primary name; also one of its aliases.' })
  @Column({ type: 'text' })
  name: string;

  @Field(() => ThreatActorKind)
  @Column({ type: 'text' })
  kind: ThreatActorKind;

  @Column({ type: 'char', length: 2, nullable: true })
  countryCode: string | null;

  @Column({ type: 'char', length: 2, nullable: true })
  sponsorCountryCode: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'uuid', nullable: true })
  parentId: string | null;

  @Field(() => ActorTie, { nullable: true, description: 'How this actor is tied to its parent, as the source says; null without a parent, or when no source said.' })
  @Column({ type: 'text', nullable: true })
  parentTie: ActorTie | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
