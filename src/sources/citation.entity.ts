import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An article cited for an attribution, with the passage that reports the claim. */
@Entity('attribution_source')
export class AttributionSource {
  @PrimaryColumn({ type: 'uuid' })
  attributionId: string;

  @PrimaryColumn({ type: 'uuid' })
  sourceArticleId: string;

  @Column({ type: 'text' })
  excerpt: string;
}

@ObjectType({
  description: 'Where a fact comes from: a source article (with the exact passage that reports the fact, when its body is held), '
    + 'or a dataset record (with the fields the fact came from).',
})
export class Citation {
  /** Exactly one of these two is set. */
  sourceArticleId: string | null;
  datasetRecordId: string | null;

  @Field(() => [String], { description: 'For a dataset record: the fields of the record the fact came from, as the dataset names them.' })
  fields: string[];

  @Field(() => String, {
    nullable: true,
    description: 'The passage, as it stands in the article. Null for a dataset record, for an article reference whose body is not held, '
      + 'and for citations recorded before excerpts were required.',
  })
  excerpt: string | null;
}

export enum CitationKind {
  ARTICLE = 'ARTICLE',
  DATASET_RECORD = 'DATASET_RECORD',
}
registerEnumType(CitationKind, { name: 'CitationKind', description: 'What a citation points at: an article, or a record of a dataset.' });

@ObjectType({ description: 'One field of a dataset record, verbatim.' })
export class DatasetRecordField {
  @Field({ description: 'The field\'s name in the dataset ("attribution_basis").' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Its value as coded (JSON text for a value that is not a string); null when empty.' })
  value: string | null;
}

/** The fields of a record as name/value pairs, in the record's order, optionally only some. */
export function recordFields(record: { fields: Record<string, unknown> }, only?: string[] | null): DatasetRecordField[] {
  const wanted = only ? new Set(only) : null;
  return Object.entries(record.fields)
    .filter(([name]) => !wanted || wanted.has(name))
    .map(([name, value]) => ({
      name,
      value: value === null || value === undefined || value === '' ? null : typeof value === 'string' ? value : JSON.stringify(value),
    }));
}
