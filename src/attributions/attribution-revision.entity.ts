import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateSpanColumns } from '../common/date-span';
import { Attribution, AttributionBasis, AttributionStatus } from './attribution.entity';

export enum RevisionOperation {
  BASELINE = 'BASELINE',
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  DELETED = 'DELETED',
}
registerEnumType(RevisionOperation, {
  name: 'RevisionOperation',
  description: 'BASELINE: the state found when history began to be kept (earlier changes are not known). '
    + 'DELETED: the attribution as it was when deleted.',
});

/**
 * One recorded state of an attribution, written by a database trigger in the same
 * transaction as the change (see migrations/1764300000000-ResearchProvenance.ts).
 */
@ObjectType({ description: 'One recorded state of an attribution: what it said after a change, who changed it and when.' })
@Entity('attribution_revision')
export class AttributionRevision {
  @Field(() => ID, { description: 'Increases with every change recorded, across all attributions.' })
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  attributionId: string;

  @Field(() => RevisionOperation)
  @Column({ type: 'text' })
  operation: RevisionOperation;

  @Column({ type: 'text', array: true })
  changedFields: string[];

  @Field({ description: 'When this state was recorded in this database (not when the claim was made).' })
  @Column({ type: 'timestamptz' })
  recordedAt: Date;

  @Field({ description: 'The account that made the change ("seed" for the founding data, "import:<name>" for imports).' })
  @Column({ type: 'text' })
  recordedBy: string;

  @Column({ type: 'uuid', nullable: true })
  incidentId: string | null;

  @Column({ type: 'uuid', nullable: true })
  campaignId: string | null;

  @Column({ type: 'uuid' })
  actorId: string;

  @Column({ type: 'uuid', nullable: true })
  attributedByOrganizationId: string | null;

  @Column({ type: 'uuid', nullable: true })
  attributedByPersonId: string | null;

  @Column(() => DateSpanColumns)
  attributed: DateSpanColumns;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'smallint', nullable: true })
  confidence: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  confidenceWords: string | null;

  @Field(() => [AttributionBasis])
  @Column({ type: 'text', array: true })
  bases: AttributionBasis[];

  @Field(() => AttributionStatus)
  @Column({ type: 'text' })
  status: AttributionStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}

/** Column names of the trigger's change list → the GraphQL field names a client knows. */
const FIELD_OF_COLUMN: Record<string, string> = {
  incident_id: 'incident', campaign_id: 'campaign', actor_id: 'actor',
  attributed_by_organization_id: 'attributedByOrganization', attributed_by_person_id: 'attributedByPerson',
  attributed_from: 'attributed', attributed_to: 'attributed', attributed_text: 'attributed',
  confidence_words: 'confidenceWords', created_at: 'createdAt',
};

export function changedFieldNames(columns: string[]): string[] {
  return [...new Set(columns.map((c) => FIELD_OF_COLUMN[c] ?? c))];
}

/** The attribution as a revision records it (for "as of" answers). */
export function attributionAsRecorded(revision: AttributionRevision): Attribution {
  const { seq: _seq, attributionId, operation: _op, changedFields: _changed, recordedAt: _at, recordedBy: _by, ...state } = revision;
  return Object.assign(new Attribution(), state, { id: attributionId });
}
