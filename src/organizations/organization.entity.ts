import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Node } from '../common/node';

export enum OrganizationKind {
  GOVERNMENT = 'GOVERNMENT',
  MINISTRY = 'MINISTRY',
  INTELLIGENCE_AGENCY = 'INTELLIGENCE_AGENCY',
  SECURITY_AGENCY = 'SECURITY_AGENCY',
  LAW_ENFORCEMENT = 'LAW_ENFORCEMENT',
  MILITARY = 'MILITARY',
  PARLIAMENT = 'PARLIAMENT',
  POLITICAL_PARTY = 'POLITICAL_PARTY',
  POLITICAL_CAMPAIGN = 'POLITICAL_CAMPAIGN',
  EMBASSY = 'EMBASSY',
  COMPANY = 'COMPANY',
  SECURITY_COMPANY = 'SECURITY_COMPANY',
  MEDIA = 'MEDIA',
  INTERNATIONAL_ORGANIZATION = 'INTERNATIONAL_ORGANIZATION',
  NGO = 'NGO',
  ACADEMIC = 'ACADEMIC',
  OTHER = 'OTHER',
}
registerEnumType(OrganizationKind, { name: 'OrganizationKind' });

@ObjectType({ implements: () => [Node], description: 'A body: a target, an attributing party, or the institution of a speaker.' })
@Entity('organization')
export class Organization {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'text' })
  name: string;

  @Field(() => OrganizationKind)
  @Column({ type: 'text' })
  kind: OrganizationKind;

  @Column({ type: 'char', length: 2, nullable: true })
  countryCode: string | null;

  @Field(() => String, { nullable: true, description: 'Sector, e.g. "Government", "Media" (MISP sector names).' })
  @Column({ type: 'text', nullable: true })
  sector: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
