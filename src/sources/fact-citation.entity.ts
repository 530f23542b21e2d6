import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One row of `citation`: one fact cited by one source, either an article (with an optional excerpt,
 * checked against its body when it has one) or a dataset record (with the fields the fact came from).
 * Exactly one source column and exactly one fact column are set.
 */
@Entity('citation')
export class FactCitation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  sourceArticleId: string | null;

  @Column({ type: 'uuid', nullable: true })
  datasetRecordId: string | null;

  @Column({ type: 'text', nullable: true })
  excerpt: string | null;

  @Column({ type: 'text', array: true, default: '{}' })
  fields: string[];

  @Column({ type: 'uuid', nullable: true })
  incidentId: string | null;

  @Column({ type: 'uuid', nullable: true })
  attributionId: string | null;

  @Column({ type: 'uuid', nullable: true })
  statementId: string | null;

  @Column({ type: 'uuid', nullable: true })
  responseId: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorAliasId: string | null;

  /** The tie of this actor to its parent (threat_actor.parent_id / parent_tie). */
  @Column({ type: 'uuid', nullable: true })
  actorTieActorId: string | null;

  @Column({ type: 'uuid', nullable: true })
  incidentTargetId: string | null;

  @Column({ type: 'uuid', nullable: true })
  threatActorId: string | null;

  @Column({ type: 'uuid', nullable: true })
  campaignId: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorMemberId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
