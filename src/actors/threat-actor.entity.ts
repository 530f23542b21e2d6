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

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
