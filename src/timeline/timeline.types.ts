import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Attribution } from '../attributions/attribution.entity';
import { DateSpanColumns } from '../common/date-span';
import { Response } from '../responses/response.entity';
import { Statement } from '../statements/statement.entity';

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
export class TimelineEntry {
  @Field(() => TimelineEntryKind)
  kind: TimelineEntryKind;

  dateColumns: DateSpanColumns;

  /** The incident this entry is about (its own date, or the subject of an attribution), when there is one. */
  incidentId: string | null;

  @Field(() => Statement, { nullable: true, description: 'For STATEMENT entries.' })
  statement: Statement | null;

  @Field(() => Attribution, { nullable: true, description: 'For ATTRIBUTION entries.' })
  attribution: Attribution | null;

  @Field(() => Response, { nullable: true, description: 'For RESPONSE entries.' })
  response?: Response | null;

  /** Sort keys: same-day rank (incident dates first) and recording order. */
  rank: number;
  recordedAt: Date;
  seq: bigint;
}
