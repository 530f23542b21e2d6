import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadUserInputError } from './errors';

/** Each invalid field (nested ones as `parent.child`) with its problems. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Whether every own value of `value` is a primitive (or null). */
function isFlat(value: object): boolean {
  return Object.values(value).every((item) => item === null || typeof item !== 'object');
}

/** An argument of primitives only (a page's first/after, an id): its text, else undefined. */
function flatKey(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype || !isFlat(value)) return undefined;
  const text = JSON.stringify(value);
  return text.length <= 200 ? text : undefined;
}

/** A shallow copy with the same class: a whole copy of a flat instance. */
const copyOf = (instance: object): object => Object.assign(Object.create(Object.getPrototypeOf(instance)), instance);

/** Distinct flat arguments remembered per argument class, at most. */
const REMEMBERED = 1000;

/**
 * Nest's ValidationPipe, remembering the flat arguments it has already turned into a valid
 * instance: the same `{ first: 200 }` of a page is checked once, not on every request (class-
 * transformer and class-validator were about 4 % of a read's CPU, docs/benchmark.md). A remembered
 * instance has primitive values only, so its shallow copy is what the pipe would have built.
 */
class RememberingValidationPipe extends ValidationPipe {
  private readonly valid = new Map<unknown, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const key = metadata.metatype ? flatKey(value) : undefined;
    if (key === undefined) return super.transform(value, metadata);
    let known = this.valid.get(metadata.metatype);
    const instance = known?.get(key);
    if (instance) return copyOf(instance);
    const result: unknown = await super.transform(value, metadata);
    if (typeof result === 'object' && result !== null && isFlat(result)) {
      if (!known) this.valid.set(metadata.metatype, (known = new Map()));
      if (known.size < REMEMBERED) known.set(key, copyOf(result));
    }
    return result;
  }
}

/**
 * Every argument and input is checked with its class-validator decorators; a failure
 * is one BAD_USER_INPUT error listing each field and what is wrong with it.
 */
export const validationPipe = new RememberingValidationPipe({
  transform: true,
  whitelist: false,
  forbidUnknownValues: false,
  exceptionFactory: (errors) => {
    const fields = flattenValidationErrors(errors);
    const message = fields.map((f) => `${f.field}: ${f.problems.join('; ')}`).join(' | ');
    return new BadUserInputError(`Invalid input: ${message}`, { fields });
  },
});
