import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DateSpanColumns } from '../common/date-span';

export enum AttributionStatus {
  ASSERTED = 'ASSERTED',
  DISPUTED = 'DISPUTED',
  DENIED = 'DENIED',
  RETRACTED = 'RETRACTED',
}
registerEnumType(AttributionStatus, {
  name: 'AttributionStatus',
  description: 'ASSERTED: the party claims it. DISPUTED / DENIED: the party contests or rejects it. RETRACTED: withdrawn.',
});

export enum AttributionBasis {
  TECHNICAL = 'TECHNICAL',
  INTELLIGENCE = 'INTELLIGENCE',
  INVESTIGATION = 'INVESTIGATION',
  POLITICAL = 'POLITICAL',
  OTHER = 'OTHER',
}
registerEnumType(AttributionBasis, { name: 'AttributionBasis' });

@ObjectType({ description: 'A claim, by a party on a date, that an incident or campaign was carried out by an actor.' })
@Entity('attribution')
export class Attribution {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  incidentId: string | null;

  @Column({ type: 'uuid', nullable: true })
  campaignId: string | null;

  @Column({ type: 'uuid' })
  actorId: string;

  @Column({ type: 'uuid', nullable: true })
  attributedByOrganizationId: string | null;

  @Column({ type: 'uuid', nullable: true })
  attributedByPersonId: string | null;

  @Column(() => DateSpanColumns)
  attributed: DateSpanColumns;

  @Field(() => Int, { nullable: true, description: '0–100; null when the source gives no confidence.' })
  @Column({ type: 'smallint', nullable: true })
  confidence: number | null;

  @Field(() => String, { nullable: true, description: 'The words used ("likely").' })
  @Column({ type: 'text', nullable: true })
  confidenceWords: string | null;

  @Field(() => [AttributionBasis])
  @Column({ type: 'text', array: true, default: '{}' })
  bases: AttributionBasis[];

  @Field(() => AttributionStatus)
  @Column({ type: 'text' })
  status: AttributionStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  notes: string | null;

  /** The attributing country as a dataset codes it (EuRepoC attributing_country); GraphQL: attributingCountry. */
  @Column({ type: 'char', length: 2, nullable: true })
  attributingCountryCode: string | null;

  @Field(() => String, { nullable: true, description: 'The type of attribution as the dataset coded it, verbatim ("Technical report (e.g., by IT-companies …)").' })
  @Column({ type: 'text', nullable: true })
  codedType: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The basis as the dataset coded it, verbatim ("Attribution by receiver government / state entity"); a dataset may code it without naming the party.',
  })
  @Column({ type: 'text', nullable: true })
  codedBasis: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
