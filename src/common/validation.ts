import { ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { BadUserInputError } from './errors';

/** Each invalid field (nested ones as `parent.child`) with its problems. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * Every argument and input is checked with its class-validator decorators; a failure
 * is one BAD_USER_INPUT error listing each field and what is wrong with it.
 */
/**
 * The verdicts of values that passed, per argument class and value: clients send the same page
 * arguments and filters over and over, and class-validator walks every decorator each time (3 %
 * of a nested page's CPU). Validation by class-validator's built-in decorators (the only ones
 * used here) is a function of the value alone, and the JSON text is the value as the validators
 * see it (the class is per key). Only successes are kept, so errors are always built afresh;
 * bounded, emptied when full.
 */
const MAX_REMEMBERED = 2_000;

class RememberingValidationPipe extends ValidationPipe {
  private readonly passed = new Map<unknown, Set<string>>();
  private remembered = 0;

  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    let key: string | undefined;
    try {
      key = JSON.stringify(object);
    } catch {
      key = undefined; // a cycle or a BigInt: validated every time
    }
    const seen = key === undefined ? undefined : this.passed.get(object.constructor);
    if (key !== undefined && seen?.has(key)) return [];
    const errors = await super.validate(object, validatorOptions);
    if (key !== undefined && errors.length === 0) {
      if (this.remembered >= MAX_REMEMBERED) {
        this.passed.clear();
        this.remembered = 0;
      }
      const set = seen ?? new Set<string>();
      if (!seen) this.passed.set(object.constructor, set);
      set.add(key);
      this.remembered += 1;
    }
    return errors;
  }
}

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
