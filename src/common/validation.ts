import { ValidationError, ValidationPipe } from '@nestjs/common';
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
export const validationPipe = new ValidationPipe({
  transform: true,
  whitelist: false,
  forbidUnknownValues: false,
  exceptionFactory: (errors) => {
    const fields = flattenValidationErrors(errors);
    const message = fields.map((f) => `${f.field}: ${f.problems.join('; ')}`).join(' | ');
    return new BadUserInputError(`Invalid input: ${message}`, { fields });
  },
});
