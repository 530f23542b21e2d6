import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DateSpanColumns } from '../common/date-span';

@ObjectType({ description: 'A published article that reports incidents, attributions and statements.' })
@Entity('source_article')
export class SourceArticle {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => String, { nullable: true, description: 'Unique when known; null when the copy we hold does not give it.' })
  @Column({ type: 'text', nullable: true })
  url: string | null;

  /** Null for an article reference that gives only its URL (GraphQL: title, which then shows the URL). */
  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  publisher: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  section: string | null;

  @Column(() => DateSpanColumns)
  published: DateSpanColumns;

  @Field(() => [String])
  @Column({ type: 'text', array: true, default: '{}' })
  authors: string[];

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag, e.g. "en".' })
  @Column({ type: 'text', nullable: true })
  language: string | null;

  @Field(() => String, { nullable: true, description: 'The text; null for an article reference (known by URL, not retrieved).' })
  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  retrievedAt: Date | null;

  @Field()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
