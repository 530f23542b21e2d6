import { Field, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: 'One name of a threat actor ("Fancy Bear"), and where that name comes from.' })
@Entity('actor_alias')
export class ActorAlias {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  actorId: string;

  @Field()
  @Column({ type: 'text' })
  name: string;

  /** Case-, accent- and punctuation-free form; unique across all actors. */
  @Column({ type: 'text' })
  normalized: string;

  @Field(() => String, { nullable: true, description: 'Who uses this name (a vendor, a source article, a catalogue).' })
  @Column({ type: 'text', nullable: true })
  source: string | null;
}
