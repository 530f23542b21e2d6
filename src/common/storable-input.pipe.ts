import { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { DateSpanInput } from './date-span';
import { BadUserInputError } from './errors';

/**
 * How Nest's pipes see a GraphQL argument (@Args): GqlParamtype.ARGS reaches them as
 * 'body'. Parents, context and info do not, so only arguments are checked.
 */
const GRAPHQL_ARGUMENT = 'body';

const NUL = /\u0000/;
/** With the u flag a well-formed pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;
/** A date or timestamp with its year first ("0000-01-01", "2020-10-13T12:00:00Z"). */
const DATED = /^(\d{4})-\d{2}(-\d{2}([T ].*)?)?$/;
const PARTIAL_DATE_FIELDS = ['on', 'from', 'to'] as const;
const RANGE = 'dates must fall between the years 0001 and 9999';

function refuse(field: string, problem: string): never {
  throw new BadUserInputError(`${field} ${problem}`, { field });
}

function checkString(value: string, field: string): void {
  if (NUL.test(value)) refuse(field, 'contains a NUL character (U+0000), which cannot be stored');
  if (LONE_SURROGATE.test(value)) refuse(field, 'contains a lone UTF-16 surrogate (not valid Unicode text)');
  const dated = DATED.exec(value);
  if (dated && Number(dated[1]) === 0) refuse(field, `has the year 0000: ${RANGE}`);
}

function check(value: unknown, field: string): void {
  if (typeof value === 'string') return checkString(value, field);
  if (value instanceof Date) {
    const year = value.getUTCFullYear();
    if (Number.isNaN(year) || year < 1 || year > 9999) refuse(field, `is out of range: ${RANGE}`);
    return;
  }
  if (Array.isArray(value)) return value.forEach((item, i) => check(item, `${field}[${i}]`));
  if (value === null || typeof value !== 'object') return;
  if (value instanceof DateSpanInput) {
    for (const key of PARTIAL_DATE_FIELDS) {
      const given = value[key];
      if (typeof given === 'string' && /^0000/.test(given)) refuse(`${field}.${key}`, `has the year 0000: ${RANGE}`);
    }
  }
  for (const [key, item] of Object.entries(value)) check(item, field ? `${field}.${key}` : key);
}

/**
 * The one check every GraphQL argument passes, text inputs and filters alike, for what
 * PostgreSQL cannot store or would change: a NUL character, a lone surrogate (stored as
 * U+FFFD while the response echoed the original) and dates outside 0001-9999. Each is
 * BAD_USER_INPUT naming the field by its path ("input.title", "filter.search").
 */
export class StorableInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === GRAPHQL_ARGUMENT) check(value, metadata.data ?? '');
    return value;
  }
}
