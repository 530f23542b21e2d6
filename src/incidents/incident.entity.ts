import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DateSpanColumns } from '../common/date-span';
import { Node } from '../common/node';

export enum IncidentType {
  INTRUSION = 'INTRUSION',
  CREDENTIAL_ATTACK = 'CREDENTIAL_ATTACK',
  PHISHING = 'PHISHING',
  MALWARE = 'MALWARE',
  RANSOMWARE = 'RANSOMWARE',
  DATA_THEFT = 'DATA_THEFT',
  HACK_AND_LEAK = 'HACK_AND_LEAK',
  DDOS = 'DDOS',
  DEFACEMENT = 'DEFACEMENT',
  ESPIONAGE = 'ESPIONAGE',
  SABOTAGE = 'SABOTAGE',
  INFLUENCE_OPERATION = 'INFLUENCE_OPERATION',
  OTHER = 'OTHER',
}
registerEnumType(IncidentType, { name: 'IncidentType' });

@ObjectType({ implements: () => [Node], description: 'Something that happened: an attack or operation, with its dates, methods and targets.' })
@Entity('incident')
export class Incident {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'text' })
  title: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Column(() => DateSpanColumns)
  started: DateSpanColumns;

  @Column(() => DateSpanColumns)
  ended: DateSpanColumns;

  @Column(() => DateSpanColumns)
  disclosed: DateSpanColumns;

  @Field(() => [IncidentType], { description: 'Empty when the source does not say how.' })
  @Column({ type: 'text', array: true, default: '{}' })
  types: IncidentType[];

  @Field(() => [String], { description: 'MITRE ATT&CK technique ids, e.g. T1110 (Brute Force).' })
  @Column({ type: 'text', array: true, default: '{}' })
  techniqueIds: string[];

  @Column({ type: 'uuid', nullable: true })
  campaignId: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
