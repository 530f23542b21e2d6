import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateSpanColumns } from '../common/date-span';
import { Connection } from '../common/pagination';

export enum TimelineEntryKind {
  INCIDENT_STARTED = 'INCIDENT_STARTED',
  INCIDENT_DISCLOSED = 'INCIDENT_DISCLOSED',
  INCIDENT_ENDED = 'INCIDENT_ENDED',
  STATEMENT = 'STATEMENT',
  ATTRIBUTION = 'ATTRIBUTION',
  RESPONSE = 'RESPONSE',
}
registerEnumType(TimelineEntryKind, {
  name: 'TimelineEntryKind',
  description: 'An incident\'s own date (started, disclosed, ended), something said (STATEMENT), a claim of who did it (ATTRIBUTION), or a political or legal response (RESPONSE).',
});

@ObjectType({
  description: 'One dated event of a timeline. Entries are in date order by their earliest possible day (undated last); '
    + 'an incident\'s own dates come before what was said on the same day; entries whose dates are equally vague keep the order '
    + 'in which they were recorded.',
})
@Entity({ name: 'timeline_entry', synchronize: false })
export class TimelineEntry {
  /** The id of its statement, attribution or response; for an incident's own date, timeline_date_entry_id(incident, kind). */
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => TimelineEntryKind)
  @Column({ type: 'text' })
  kind: TimelineEntryKind;

  @Column(() => DateSpanColumns, { prefix: 'date' })
  dateColumns: DateSpanColumns;

  /** The incident this entry is about (its own date, or the subject of an attribution or response), when there is one. */
  @Column({ type: 'uuid', nullable: true })
  incidentId: string | null;

  @Column({ type: 'uuid', nullable: true })
  statementId: string | null;

  @Column({ type: 'uuid', nullable: true })
  attributionId: string | null;

  @Column({ type: 'uuid', nullable: true })
  responseId: string | null;
}

@ObjectType()
export class TimelineConnection extends Connection(TimelineEntry) {}
