import { Field, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Column } from 'typeorm';
import { BadUserInputError } from './errors';

/**
 * A date as precisely as a source gives it. Sources say "August 24th", "in October",
 * "since at least 2019", "later": we keep the interval the words allow
 * (`from`..`to`, either end open) plus the words themselves, and never invent a day.
 */
export enum DatePrecision {
  DAY = 'DAY',
  MONTH = 'MONTH',
  YEAR = 'YEAR',
  /** Any other interval, including open-ended ones ("since at least 2019"). */
  RANGE = 'RANGE',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(DatePrecision, {
  name: 'DatePrecision',
  description: 'How precisely a date is known: the span between its earliest and latest possible day.',
});

/** Embedded columns `<prefix>_from`, `<prefix>_to`, `<prefix>_text`. */
export class DateSpanColumns {
  @Column({ type: 'date', nullable: true })
  from: string | null;

  @Column({ type: 'date', nullable: true })
  to: string | null;

  @Column({ type: 'text', nullable: true })
  text: string | null;
}

@ObjectType({ description: 'A possibly imprecise date: earliest and latest possible day, and the words of the source.' })
export class DateSpan {
  @Field(() => String, { nullable: true, description: 'Earliest possible day (YYYY-MM-DD); null when open.' })
  from: string | null;

  @Field(() => String, { nullable: true, description: 'Latest possible day (YYYY-MM-DD); null when open.' })
  to: string | null;

  @Field(() => DatePrecision)
  precision: DatePrecision;

  @Field(() => String, {
    nullable: true,
    description: 'ISO 8601 form at its real precision: "2020-08-24", "2020-10", "2020", "2019/.." or "2020-08-24/2020-10-31".',
  })
  display: string | null;

  @Field(() => String, { nullable: true, description: 'The words of the source ("August 24th", "over the past month").' })
  text: string | null;
}

const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const PARTIAL_DATE_MESSAGE = 'must be a date as YYYY, YYYY-MM or YYYY-MM-DD';

@InputType({
  description:
    'A date as the source gives it: `on` for one day, month or year ("2020-08-24", "2020-10", "2020"), ' +
    'or `from`/`to` for an interval (either may be omitted for an open end); `text` keeps the original words.',
})
export class DateSpanInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PARTIAL_DATE, { message: `on ${PARTIAL_DATE_MESSAGE}` })
  on?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PARTIAL_DATE, { message: `from ${PARTIAL_DATE_MESSAGE}` })
  from?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PARTIAL_DATE, { message: `to ${PARTIAL_DATE_MESSAGE}` })
  to?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  text?: string | null;
}

const pad = (n: number) => String(n).padStart(2, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** First and last day of a partial date ("2020" → 2020-01-01..2020-12-31); throws on impossible dates. */
export function expandPartialDate(value: string, field: string): { first: string; last: string } {
  if (!PARTIAL_DATE.test(value)) throw new BadUserInputError(`${field} ${PARTIAL_DATE_MESSAGE}, got ${JSON.stringify(value)}`);
  const [y, m, d] = value.split('-').map(Number);
  if (y === 0) throw new BadUserInputError(`${field} has the year 0000: dates must fall between the years 0001 and 9999`);
  if (m !== undefined && (m < 1 || m > 12)) throw new BadUserInputError(`${field} has no month ${m}: ${value}`);
  if (d !== undefined && (d < 1 || d > daysInMonth(y, m))) throw new BadUserInputError(`${field} is not a real day: ${value}`);
  if (d !== undefined) return { first: value, last: value };
  if (m !== undefined) return { first: `${y}-${pad(m)}-01`, last: `${y}-${pad(m)}-${pad(daysInMonth(y, m))}` };
  return { first: `${y}-01-01`, last: `${y}-12-31` };
}

/** Validates a DateSpanInput and turns it into the stored columns. Undefined input means "not given". */
export function toDateSpanColumns(input: DateSpanInput | null | undefined, field: string): DateSpanColumns {
  const empty = { from: null, to: null, text: null };
  if (!input) return empty;
  const text = input.text?.trim() || null;
  if (input.on && (input.from || input.to)) {
    throw new BadUserInputError(`${field}: give either "on" or "from"/"to", not both`);
  }
  if (input.on) {
    const { first, last } = expandPartialDate(input.on, `${field}.on`);
    return { from: first, to: last, text };
  }
  const from = input.from ? expandPartialDate(input.from, `${field}.from`).first : null;
  const to = input.to ? expandPartialDate(input.to, `${field}.to`).last : null;
  if (from && to && from > to) throw new BadUserInputError(`${field}: "from" (${input.from}) is after "to" (${input.to})`);
  return { from, to, text };
}

/** The precision an interval stands for: one day, one calendar month, one calendar year, or other. */
export function precisionOf(from: string | null, to: string | null): DatePrecision {
  if (!from && !to) return DatePrecision.UNKNOWN;
  if (!from || !to) return DatePrecision.RANGE;
  if (from === to) return DatePrecision.DAY;
  const [fy, fm] = from.split('-');
  const month = expandPartialDate(`${fy}-${fm}`, 'date');
  if (from === month.first && to === month.last) return DatePrecision.MONTH;
  const year = expandPartialDate(fy, 'date');
  if (from === year.first && to === year.last) return DatePrecision.YEAR;
  return DatePrecision.RANGE;
}

export function toDateSpan(columns: DateSpanColumns | null | undefined): DateSpan {
  const from = columns?.from ?? null;
  const to = columns?.to ?? null;
  const precision = precisionOf(from, to);
  let display: string | null;
  switch (precision) {
    case DatePrecision.DAY: display = from; break;
    case DatePrecision.MONTH: display = from!.slice(0, 7); break;
    case DatePrecision.YEAR: display = from!.slice(0, 4); break;
    case DatePrecision.RANGE: display = `${from ?? '..'}/${to ?? '..'}`; break;
    default: display = null;
  }
  return { from, to, precision, display, text: columns?.text ?? null };
}

/** Merges an update: a field left out keeps its value; an explicit null clears it. */
export function updatedDateSpan(
  current: DateSpanColumns,
  input: DateSpanInput | null | undefined,
  field: string,
): DateSpanColumns {
  if (input === undefined) return current;
  return toDateSpanColumns(input, field);
}
