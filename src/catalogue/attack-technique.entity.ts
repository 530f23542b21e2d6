import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Node } from '../common/node';

@ObjectType({ implements: () => [Node], description: 'A MITRE ATT&CK technique or sub-technique (T1110 Brute Force, T1110.001 Password Guessing).' })
@Entity('attack_technique')
export class AttackTechnique {
  @Field(() => ID, { description: 'ATT&CK id: T1110, or T1110.001 for a sub-technique.' })
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Field()
  @Column({ type: 'text' })
  name: string;

  @Field(() => String, { nullable: true, description: "ATT&CK's text, with its citations as written." })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field(() => [String], { description: 'ATT&CK tactics (kill-chain phases), e.g. "credential-access".' })
  @Column({ type: 'text', array: true, default: '{}' })
  tactics: string[];

  @Field(() => [String], { description: 'Platforms, e.g. "Windows", "Linux".' })
  @Column({ type: 'text', array: true, default: '{}' })
  platforms: string[];

  @Field(() => String, { nullable: true, description: 'Its page on attack.mitre.org.' })
  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Column({ type: 'text', nullable: true })
  parentId: string | null;

  @Field({ description: 'Revoked or deprecated by ATT&CK; kept so that old incidents still resolve.' })
  @Column({ type: 'boolean', default: false })
  revoked: boolean;
}
