import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DateSpanColumns } from '../common/date-span';
import { Node } from '../common/node';

/**
 * What kind of response, in a few words; the source's own coding stays in codedType / codedSubtype.
 * docs/eurepoc.md maps EuRepoC's codes onto these.
 */
export enum ResponseKind {
  /** A public statement by a head of state or government, a minister, an agency, an international body. */
  STATEMENT = 'STATEMENT',
  /** Awareness raising, advisories, other preventive or stabilising measures. */
  PREVENTIVE_MEASURE = 'PREVENTIVE_MEASURE',
  /** Diplomatic protest, summoning, cooperation with other states. */
  DIPLOMATIC = 'DIPLOMATIC',
  /** A meeting, an inquiry or another step of government or parliament (resignations, committees, emergency meetings). */
  EXECUTIVE_OR_LEGISLATIVE = 'EXECUTIVE_OR_LEGISLATIVE',
  /** Economic sanctions and other retorsion. */
  SANCTIONS = 'SANCTIONS',
  /** Indictments, arrests, law-enforcement investigations, emergency proclamations and other legal measures. */
  LEGAL_ACTION = 'LEGAL_ACTION',
  OTHER = 'OTHER',
}
registerEnumType(ResponseKind, {
  name: 'ResponseKind',
  description: 'What kind of response, mapped from the source\'s coding (kept verbatim in codedType / codedSubtype).',
  valuesMap: {
    STATEMENT: { description: 'A public statement (head of state or government, minister, agency, international body).' },
    PREVENTIVE_MEASURE: { description: 'Awareness raising, advisories and other preventive or stabilising measures.' },
    DIPLOMATIC: { description: 'Diplomatic protest notes, summoning, cooperative measures between states.' },
    EXECUTIVE_OR_LEGISLATIVE: { description: 'Meetings, inquiries, resignations and other steps of government or parliament.' },
    SANCTIONS: { description: 'Economic sanctions and other retorsion.' },
    LEGAL_ACTION: { description: 'Indictments, arrests, investigations, emergency proclamations and other legal measures.' },
    OTHER: { description: 'Coded, but none of the above.' },
  },
});

@ObjectType({ implements: () => [Node], description: 'A political or legal response to an incident, an attribution or an actor: who responded, when, how.' })
@Entity('response')
export class Response {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  responderOrganizationId: string | null;

  @Column({ type: 'uuid', nullable: true })
  responderPersonId: string | null;

  @Column({ type: 'char', length: 2, nullable: true })
  responderCountryCode: string | null;

  @Field(() => String, { nullable: true, description: 'The responding region or body when it is not a country ("EU", "NATO").' })
  @Column({ type: 'text', nullable: true })
  responderRegion: string | null;

  @Field(() => String, { nullable: true, description: 'The responder as the source wrote it ("Joe Biden (President, USA)").' })
  @Column({ type: 'text', nullable: true })
  responderText: string | null;

  @Column(() => DateSpanColumns)
  responded: DateSpanColumns;

  @Field(() => ResponseKind)
  @Column({ type: 'text' })
  kind: ResponseKind;

  @Field(() => String, { nullable: true, description: 'The type as the source coded it ("State Actors: Stabilizing measures").' })
  @Column({ type: 'text', nullable: true })
  codedType: string | null;

  @Field(() => String, { nullable: true, description: 'The subtype as the source coded it ("Statement by head of state/head of government").' })
  @Column({ type: 'text', nullable: true })
  codedSubtype: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'uuid', nullable: true })
  incidentId: string | null;

  @Column({ type: 'uuid', nullable: true })
  attributionId: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
