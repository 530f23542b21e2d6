import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate } from 'class-validator';
import { BadUserInputError } from '../common/errors';
import { flattenValidationErrors } from '../common/validation';

/** The properties a filter class validates: the query parameters an export takes for it. */
export function filterFields(filterClass: Type<object>): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(filterClass, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

/**
 * Reads a GraphQL list filter from URL query parameters and validates it with the same
 * class and class-validator rules as the GraphQL argument, so that `?minConfidence=70&actor=APT28`
 * means what `filter: { minConfidence: 70, actor: "APT28" }` means. Numbers and booleans are
 * converted by the property's declared type; anything else stays text for the validators to judge.
 * Unknown or repeated parameters are refused, naming the parameters that are accepted.
 */
export async function filterFromQuery<T extends object>(
  filterClass: Type<T>,
  query: Record<string, unknown>,
  otherParameters: string[] = [],
): Promise<T | undefined> {
  const known = filterFields(filterClass);
  const plain: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    if (otherParameters.includes(name)) continue;
    if (!known.includes(name)) {
      throw new BadUserInputError(`Unknown parameter "${name}"; this export takes ${[...known, ...otherParameters].join(', ')}`, {
        field: name,
      });
    }
    if (typeof raw !== 'string') throw new BadUserInputError(`Parameter "${name}" is given more than once`, { field: name });
    plain[name] = convert(filterClass, name, raw);
  }
  if (Object.keys(plain).length === 0) return undefined;
  const filter = plainToInstance(filterClass, plain);
  const errors = await validate(filter, { forbidUnknownValues: false });
  if (errors.length) {
    const fields = flattenValidationErrors(errors);
    throw new BadUserInputError(`Invalid filter: ${fields.map((f) => `${f.field}: ${f.problems.join('; ')}`).join(' | ')}`, { fields });
  }
  return filter;
}

function convert(filterClass: Type<object>, name: string, raw: string): unknown {
  const type = Reflect.getMetadata('design:type', filterClass.prototype, name);
  if (type === Number) {
    const value = Number(raw);
    if (raw.trim() === '' || Number.isNaN(value)) throw new BadUserInputError(`${name} must be a number, got ${JSON.stringify(raw)}`, { field: name });
    return value;
  }
  if (type === Boolean) {
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  }
  return raw;
}
