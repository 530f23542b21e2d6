import { Field, ObjectType } from '@nestjs/graphql';
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

@ObjectType({ description: 'Where a fact comes from: a source article and the exact passage of it that reports the fact.' })
export class Citation {
  sourceArticleId: string;

  @Field(() => String, {
    nullable: true,
    description: 'The passage, as it stands in the article. Null only for citations recorded before excerpts were required.',
  })
  excerpt: string | null;
}
