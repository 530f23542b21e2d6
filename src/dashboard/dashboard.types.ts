import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsEnum, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AttributionStatus } from '../attributions/attribution.entity';
import { DatePrecision } from '../common/date-span';
import { OrganizationKind } from '../organizations/organization.entity';

/**
 * The ids of the incidents matching a filter, as SQL with its positional parameters ($1 …);
 * filtered, $1 is their ids (uuid[]), which the aggregates compare incident ids with.
 */
export interface IncidentScope {
  sql: string;
  parameters: unknown[];
  /** No condition: every incident (the aggregates then skip joining to the scope). */
  everything: boolean;
  /** How many incidents match, when already counted. */
  total?: number;
  /**
   * The filter is one condition whose incidents are counted ahead (migrations/1765300000010-ScopeCounts.ts):
   * the aggregates read incident_scope_facet_count and incident_scope_lag_count for (scope, key), $1 and $2.
   */
  counted?: CountedScope;
  /** With `counted`: the same incidents as ids, found (once) when an aggregate cannot be read from the counts. */
  listed?: () => Promise<IncidentScope>;
}

/** A scope of the per-scope counts: the incidents attributed to one actor (any status), or targeted in one country. */
export interface CountedScope {
  scope: 'ACTOR' | 'TARGET_COUNTRY';
  key: string;
}

export enum TimeInterval {
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
  YEAR = 'YEAR',
}
registerEnumType(TimeInterval, { name: 'TimeInterval', description: 'The width of a time bucket: calendar month, quarter or year.' });

export enum ActorRollUp {
  NONE = 'NONE',
  AGENCY = 'AGENCY',
  TOP = 'TOP',
}
registerEnumType(ActorRollUp, {
  name: 'ActorRollUp',
  description: 'How accused actors are counted up their hierarchy (APT28 → GRU → Russian Federation).',
  valuesMap: {
    NONE: { description: 'Each actor as named in the attribution.' },
    AGENCY: {
      description:
        'Each actor as its nearest INTELLIGENCE_AGENCY among itself and its ancestors (APT28 → GRU); an actor with none ' +
        'counts as its top-most ancestor that is not a STATE; a STATE stays itself.',
    },
    TOP: { description: 'Each actor as the top of its tree (APT28 → Russian Federation).' },
  },
});

/** The precisions a lag can be measured at (an interval or an unknown date is never precise enough). */
export const LAG_PRECISIONS = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR] as const;

const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

@ObjectType({ description: 'Incidents counted under one value of a dimension (an actor, a country, a type …).' })
export class IncidentGroup {
  @Field({ description: 'Stable key: actor or organization id, ISO country code, enum value, technique id, sector in lower case.' })
  key: string;

  @Field({ description: 'What to show: actor or organization name, country name, enum value, technique id, sector.' })
  label: string;

  @Field(() => Int, { description: 'Distinct incidents.' })
  count: number;
}

@ObjectType({
  description:
    'Incidents of the filter counted by one dimension. An incident counts once in each group it belongs to ' +
    '(attributed to two actors: once for each), and once in `total`; so the groups can add up to more than `total`.',
})
export class IncidentBreakdown {
  @Field(() => Int, { description: 'Distinct incidents matching the filter.' })
  total: number;

  @Field(() => [IncidentGroup], { description: 'The `top` largest groups, largest first (ties by label).' })
  groups: IncidentGroup[];

  @Field(() => Int, { description: 'The counts of the groups after the top ones, summed ("other").' })
  other: number;

  @Field(() => Int, { description: 'How many groups were summed into `other`.' })
  otherGroups: number;

  @Field(() => Int, { description: 'Incidents with no value for this dimension (no attribution, no target country …).' })
  none: number;
}

@ObjectType()
export class TimeBucket {
  @Field({ description: 'First day of the bucket (YYYY-MM-DD).' })
  start: string;

  @Field({ description: '"2020-08", "2020-Q3" or "2020".' })
  label: string;

  @Field(() => Int)
  count: number;
}

@ObjectType({
  description:
    'Incidents by the bucket of their start. An incident is placed when its whole start span (earliest..latest possible ' +
    'day) falls in one bucket: a start known only to the year is in a YEAR bucket but not in a MONTH bucket. ' +
    'buckets + undated + imprecise + outsideRange = total.',
})
export class IncidentTimeline {
  @Field(() => TimeInterval)
  interval: TimeInterval;

  @Field(() => [TimeBucket], { description: 'Every bucket from `from` (or the first placed incident) to `to` (or the last), empty ones with 0.' })
  buckets: TimeBucket[];

  @Field(() => Int, { description: 'Distinct incidents matching the filter.' })
  total: number;

  @Field(() => Int, { description: 'Incidents with no start date at all.' })
  undated: number;

  @Field(() => Int, { description: 'Incidents whose start is known less precisely than one bucket (or is open-ended), not placed.' })
  imprecise: number;

  @Field(() => Int, { description: 'Placed incidents before `from` or after `to`.' })
  outsideRange: number;
}

@ObjectType({ description: 'Attribution lags in days: how many, and their median and quartiles (linear interpolation, percentile_cont).' })
export class LagStatistics {
  @Field(() => Int, { description: 'Incidents measured.' })
  count: number;

  @Field(() => Float, { nullable: true })
  median: number | null;

  @Field(() => Float, { nullable: true })
  lowerQuartile: number | null;

  @Field(() => Float, { nullable: true })
  upperQuartile: number | null;

  @Field(() => Int, { nullable: true })
  min: number | null;

  @Field(() => Int, { nullable: true })
  max: number | null;
}

@ObjectType({ description: 'Lags to the first attribution made by parties of one kind.' })
export class AttributingKindLag extends LagStatistics {
  @Field(() => OrganizationKind, { nullable: true, description: 'Null: attributed by a person with no known organization.' })
  kind: OrganizationKind | null;
}

@ObjectType({ description: 'Lags of the incidents that started in one time bucket.' })
export class LagTimeBucket extends LagStatistics {
  @Field({ description: 'First day of the bucket (YYYY-MM-DD).' })
  start: string;

  @Field()
  label: string;
}

@ObjectType({ description: 'A bar of the lag histogram: incidents whose lag is from minDays to maxDays (inclusive).' })
export class LagBin {
  @Field()
  label: string;

  @Field(() => Int)
  minDays: number;

  @Field(() => Int, { nullable: true, description: 'Null: no upper bound.' })
  maxDays: number | null;

  @Field(() => Int)
  count: number;
}

@ObjectType({
  description:
    'Days from an incident\'s start to its first public attribution. Start: its earliest possible day (started.from), ' +
    'used only when the start is known at least as precisely as `startPrecision`. First attribution: the earliest possible ' +
    'day (attributed.from) of its ASSERTED attributions, known only when every one of them has a date (an undated claim ' +
    'may have come first). A vaguely dated attribution counts from its first possible day, so its lag is a lower bound; ' +
    'a claim that may predate the start counts as 0 days. ' +
    'overall.count + undatedStart + impreciseStart + unattributed + undatedAttribution = incidents matching the filter.',
})
export class AttributionLag {
  @Field(() => DatePrecision)
  startPrecision: DatePrecision;

  @Field(() => TimeInterval)
  interval: TimeInterval;

  @Field(() => LagStatistics)
  overall: LagStatistics;

  @Field(() => [AttributingKindLag], {
    description: 'By the kind of the attributing organization (a person: their organization\'s kind), each kind\'s first attribution; largest count first.',
  })
  byAttributingKind: AttributingKindLag[];

  @Field(() => [LagBin], { description: 'Histogram of the overall lags; every bar, empty ones with 0.' })
  distribution: LagBin[];

  @Field(() => [LagTimeBucket], { description: 'By the bucket of the incident start, every bucket from the first to the last measured one.' })
  overTime: LagTimeBucket[];

  @Field(() => Int, { description: 'Incidents with no start date.' })
  undatedStart: number;

  @Field(() => Int, { description: 'Incidents whose start is less precise than startPrecision, or open-ended.' })
  impreciseStart: number;

  @Field(() => Int, { description: 'Incidents with a precise start but no ASSERTED attribution.' })
  unattributed: number;

  @Field(() => Int, { description: 'Incidents with a precise start whose ASSERTED attributions are not all dated.' })
  undatedAttribution: number;
}

@ArgsType()
export class BreakdownArgs {
  @Field(() => Int, { defaultValue: 10, description: 'How many groups to list (1 to 100); the rest are summed in `other`.' })
  @IsInt()
  @Min(1)
  @Max(100)
  top: number = 10;
}

@ArgsType()
export class AttributionBreakdownArgs extends BreakdownArgs {
  @Field(() => [AttributionStatus], {
    defaultValue: [AttributionStatus.ASSERTED],
    description: 'Which attributions count: by default only claims (ASSERTED), not denials or retractions.',
  })
  @IsArray()
  @ArrayNotEmpty()
  @IsEnum(AttributionStatus, { each: true })
  statuses: AttributionStatus[] = [AttributionStatus.ASSERTED];
}

@ArgsType()
export class AccusedActorArgs extends AttributionBreakdownArgs {
  @Field(() => ActorRollUp, { defaultValue: ActorRollUp.NONE })
  @IsEnum(ActorRollUp)
  rollUp: ActorRollUp = ActorRollUp.NONE;

  @Field(() => [String], {
    nullable: true,
    description:
      'Actors (ids or any name) to count others as: each accused actor counts as the nearest of these among itself and ' +
      'its ancestors (rollUpTo: ["GRU"] counts APT28 as GRU); actors under none of them count as themselves. Not with rollUp.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  rollUpTo?: string[] | null;
}

@ArgsType()
export class TimelineArgs {
  @Field(() => TimeInterval, { defaultValue: TimeInterval.MONTH })
  @IsEnum(TimeInterval)
  interval: TimeInterval = TimeInterval.MONTH;

  @Field(() => String, { nullable: true, description: 'First bucket: the one holding this date (YYYY, YYYY-MM or YYYY-MM-DD).' })
  @IsOptional()
  @Matches(PARTIAL_DATE, { message: 'from must be YYYY, YYYY-MM or YYYY-MM-DD' })
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'Last bucket: the one holding the last day of this date.' })
  @IsOptional()
  @Matches(PARTIAL_DATE, { message: 'to must be YYYY, YYYY-MM or YYYY-MM-DD' })
  to?: string | null;

  @Field({
    defaultValue: false,
    description: 'Also place incidents whose start is wider than a bucket, in the bucket of their earliest possible day.',
  })
  @IsBoolean()
  includeImprecise: boolean = false;
}

@ArgsType()
export class AttributionLagArgs {
  @Field(() => DatePrecision, {
    defaultValue: DatePrecision.DAY,
    description: 'DAY, MONTH or YEAR: measure only incidents whose start span is at most 1, 31 or 366 days wide.',
  })
  @IsIn(LAG_PRECISIONS, { message: 'startPrecision must be DAY, MONTH or YEAR' })
  startPrecision: DatePrecision = DatePrecision.DAY;

  @Field(() => TimeInterval, { defaultValue: TimeInterval.YEAR, description: 'Bucket width of overTime.' })
  @IsEnum(TimeInterval)
  interval: TimeInterval = TimeInterval.YEAR;
}

@ObjectType({
  description:
    'Aggregates over the incidents matching a filter (the same IncidentFilter as `incidents`), each computed in SQL. ' +
    'Counts are of distinct incidents: an incident attributed to two actors counts once for each actor, once in total.',
})
export class IncidentStats {
  /** The filtered incidents as SQL, resolved once per request; not part of the schema. */
  scope: IncidentScope;
}
