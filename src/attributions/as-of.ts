import { BadUserInputError } from '../common/errors';
import { expandPartialDate } from '../common/date-span';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The instant an `asOf` argument stands for. asOf is recording time in this database
 * ("what had been entered by then"), not the date a claim was made: a date means the
 * end of that day (UTC), a timestamp must carry its time zone.
 */
export function parseAsOf(value: string | null | undefined, field = 'asOf'): Date | null {
  if (value === undefined || value === null) return null;
  const text = value.trim();
  const problem = `${field} must be a date (2020-10-13, meaning the end of that day, UTC) or a timestamp with a time zone `
    + `(2020-10-13T12:00:00Z), got ${JSON.stringify(value)}`;
  if (DATE.test(text)) {
    checkDay(text, field, problem);
    return new Date(Date.parse(`${text}T00:00:00Z`) + 86_400_000 - 1);
  }
  const match = TIMESTAMP.exec(text);
  if (!match) throw new BadUserInputError(problem, { field });
  checkDay(match[1], field, problem);
  const [hours, minutes, seconds] = [Number(match[2]), Number(match[3]), Number(match[4] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) throw new BadUserInputError(problem, { field });
  const instant = new Date(text);
  if (Number.isNaN(instant.getTime())) throw new BadUserInputError(problem, { field });
  return instant;
}

function checkDay(day: string, field: string, problem: string): void {
  try {
    expandPartialDate(day, field);
  } catch {
    throw new BadUserInputError(problem, { field });
  }
}
