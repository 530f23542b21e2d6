import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DateSpanColumns } from '../common/date-span';
import { Node } from '../common/node';

export enum Stance {
  ACCUSES = 'ACCUSES',
  CONDEMNS = 'CONDEMNS',
  DENIES = 'DENIES',
  WARNS = 'WARNS',
  CONFIRMS = 'CONFIRMS',
  COMMENTS = 'COMMENTS',
}
registerEnumType(Stance, { name: 'Stance' });

@ObjectType({ implements: () => [Node], description: 'Something an official or body said, when, in which words, and with what stance.' })
@Entity('statement')
export class Statement {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  speakerPersonId: string | null;

  @Column({ type: 'uuid', nullable: true })
  speakerOrganizationId: string | null;

  @Field(() => String, { nullable: true, description: 'The speaker\'s role as the source gives it ("a spokesman for Macron").' })
  @Column({ type: 'text', nullable: true })
  speakerRole: string | null;

  @Column(() => DateSpanColumns)
  said: DateSpanColumns;

  @Field(() => String, { nullable: true, description: 'The exact words, when the source quotes them.' })
  @Column({ type: 'text', nullable: true })
  quote: string | null;

  @Field(() => String, { nullable: true, description: 'The source\'s report of what was said, when not (only) quoted.' })
  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag of the quote.' })
  @Column({ type: 'text', nullable: true })
  language: string | null;

  @Field(() => Stance)
  @Column({ type: 'text' })
  stance: Stance;

  /** Recording order, to order statements whose dates are equally vague. */
  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@ObjectType({ description: 'A source article reporting a statement, with the excerpt that does.' })
@Entity('statement_source')
export class StatementSource {
  @PrimaryColumn({ type: 'uuid' })
  statementId: string;

  @PrimaryColumn({ type: 'uuid' })
  sourceArticleId: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  excerpt: string | null;
}
