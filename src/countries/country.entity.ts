import { Field, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@ObjectType({ description: 'A country, by ISO 3166-1 alpha-2 code.' })
@Entity('country')
export class Country {
  @Field({ description: 'ISO 3166-1 alpha-2 code, e.g. "NO".' })
  @PrimaryColumn({ type: 'char', length: 2 })
  code: string;

  @Field({ description: 'Official English name, e.g. "Russian Federation".' })
  @Column({ type: 'text' })
  name: string;
}
