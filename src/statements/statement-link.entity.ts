import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Node } from '../common/node';

export enum LinkTargetKind {
  INCIDENT = 'INCIDENT',
  ACTOR = 'ACTOR',
  ATTRIBUTION = 'ATTRIBUTION',
}
registerEnumType(LinkTargetKind, { name: 'LinkTargetKind', description: 'What a statement is linked to.' });

export enum LinkAction {
  LINKED = 'LINKED',
  UNLINKED = 'UNLINKED',
  SUGGESTION_ACCEPTED = 'SUGGESTION_ACCEPTED',
  SUGGESTION_REJECTED = 'SUGGESTION_REJECTED',
}
registerEnumType(LinkAction, {
  name: 'LinkAction',
  description: 'LINKED / UNLINKED by hand (or by creating or updating the statement or attribution); '
    + 'SUGGESTION_ACCEPTED links a suggested incident; SUGGESTION_REJECTED keeps it from being suggested again.',
});

@ObjectType({ implements: () => [Node], description: 'One change to what a statement is linked to: who did it, when, and why (for suggestions).' })
@Entity('statement_link_event')
export class StatementLinkEvent {
  @Field(() => ID)
  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  statementId: string;

  @Field(() => LinkTargetKind)
  @Column({ type: 'text' })
  targetKind: LinkTargetKind;

  @Field(() => ID, { description: 'The incident, actor or attribution (which may since have been deleted).' })
  @Column({ type: 'uuid' })
  targetId: string;

  @Field(() => LinkAction)
  @Column({ type: 'text' })
  action: LinkAction;

  @Field(() => [String], { description: 'For suggestions: why the incident was suggested.' })
  @Column({ type: 'text', array: true })
  reasons: string[];

  @Field({ description: 'The account that made the change ("anonymous" for changes made before accounts existed).' })
  @Column({ type: 'text' })
  recordedBy: string;

  @Field()
  @Column({ type: 'timestamptz' })
  recordedAt: Date;
}

@ObjectType({ description: 'A current link of a statement, with who made it and when.' })
export class StatementLink {
  statementId: string;

  @Field(() => LinkTargetKind)
  kind: LinkTargetKind;

  @Field(() => ID)
  targetId: string;

  @Field(() => String, { nullable: true, description: 'Null for links recorded before link history was kept (the seed\'s).' })
  linkedBy: string | null;

  @Field(() => Date, { nullable: true })
  linkedAt: Date | null;

  @Field({ description: 'Made by accepting a suggested link.' })
  viaSuggestion: boolean;

  @Field(() => [String], { description: 'For accepted suggestions: why it was suggested.' })
  reasons: string[];
}
