import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Node } from '../common/node';

@ObjectType({ implements: () => [Node], description: 'A published dataset, at one version (EuRepoC Global Dataset 1.1), whose records facts cite.' })
@Entity('dataset')
export class Dataset {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'text' })
  name: string;

  @Field()
  @Column({ type: 'text' })
  version: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  publisher: string | null;

  @Field(() => String, { nullable: true, description: 'Where the dataset is published.' })
  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Field(() => String, { nullable: true, description: 'How the publisher asks to be cited.' })
  @Column({ type: 'text', nullable: true })
  citation: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  licence: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

@ObjectType({ implements: () => [Node], description: 'One record of a dataset (an incident row, an attribution row …) with its fields as the dataset coded them.' })
@Entity('dataset_record')
export class DatasetRecord {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  datasetId: string;

  @Field({ description: 'What kind of record: "incident", "attribution", "receiver", or a STIX type.' })
  @Column({ type: 'text' })
  recordType: string;

  @Field({ description: 'The record\'s own id in the dataset ("42", "attack-pattern--…").' })
  @Column({ type: 'text' })
  recordKey: string;

  /** The record's fields verbatim, as the dataset coded them (GraphQL: DatasetRecord.fields as name/value pairs). */
  @Column({ type: 'jsonb' })
  fields: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** An article reference a record lists (EuRepoC's sources_url, sources_attribution). */
@Entity('dataset_record_article')
export class DatasetRecordArticle {
  @PrimaryColumn({ type: 'uuid' })
  datasetRecordId: string;

  @PrimaryColumn({ type: 'uuid' })
  sourceArticleId: string;

  /** The record's field that listed it. */
  @Column({ type: 'text', nullable: true })
  field: string | null;
}
