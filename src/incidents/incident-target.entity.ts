import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Node } from '../common/node';

export enum TargetRole {
  VICTIM = 'VICTIM',
  INTENDED_TARGET = 'INTENDED_TARGET',
  AFFECTED = 'AFFECTED',
}
registerEnumType(TargetRole, { name: 'TargetRole' });

@ObjectType({ implements: () => [Node], description: 'Who or what an incident was aimed at: at most one of organization, person, country or region, with a sector, kind or name.' })
@Entity('incident_target')
export class IncidentTarget {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  incidentId: string;

  @Field(() => TargetRole)
  @Column({ type: 'text' })
  role: TargetRole;

  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @Column({ type: 'uuid', nullable: true })
  personId: string | null;

  @Column({ type: 'char', length: 2, nullable: true })
  countryCode: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  sector: string | null;

  @Field(() => String, { nullable: true, description: 'A region as the source names it ("Global", "EU"), never turned into a country.' })
  @Column({ type: 'text', nullable: true })
  region: string | null;

  @Field(() => String, { nullable: true, description: 'What kind of target within the sector, as coded ("Government / ministries").' })
  @Column({ type: 'text', nullable: true })
  kind: string | null;

  @Field(() => String, { nullable: true, description: 'The target\'s name as the source gives it, when it names no recorded organization or person.' })
  @Column({ type: 'text', nullable: true })
  name: string | null;
}
