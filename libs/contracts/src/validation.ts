import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidatorOptions } from 'class-validator';
import { acceptedInstance } from './fast-validation/fast-validator';
import type { DataMode } from './fast-validation/plain-data';
import { flattenValidationErrors, type FieldError } from './field-error';

export const STRICT_VALIDATION: Readonly<ValidatorOptions> = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
});

export type ValidationOutcome<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

let fastPath = true;

/**
 * Turns the compiled fast path off (or back on), leaving only class-transformer + class-validator:
 * for benchmarks and tests that compare the two. Decisions and errors are the same either way.
 */
export function setFastValidation(enabled: boolean): void {
  fastPath = enabled;
}

/**
 * Validates a plain value against a class-validator DTO class; unknown fields are errors.
 * A compiled validator accepts the values it is sure about (the common case, an order of magnitude
 * cheaper); everything else, including every rejection, goes through class-transformer +
 * class-validator, so the decision, the errors and the returned instance are theirs.
 */
export function validatePlain<T extends object>(
  dto: ClassConstructor<T>,
  plain: unknown,
  pathPrefix = '',
): ValidationOutcome<T> {
  return validateAs(dto, plain, pathPrefix, 'copy');
}

/**
 * validatePlain for callers that only need the verdict (and read the instance's fields, never mutate
 * them): on the fast path the instance holds the input's own nested plain data instead of a copy.
 */
export function checkPlain<T extends object>(
  dto: ClassConstructor<T>,
  plain: unknown,
  pathPrefix = '',
): ValidationOutcome<T> {
  return validateAs(dto, plain, pathPrefix, 'share');
}

function validateAs<T extends object>(
  dto: ClassConstructor<T>,
  plain: unknown,
  pathPrefix: string,
  mode: DataMode,
): ValidationOutcome<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ path: pathPrefix || '(root)', message: 'must be an object' }] };
  }
  const accepted = fastPath ? acceptedInstance(dto, plain, mode) : undefined;
  if (accepted !== undefined) return { ok: true, value: accepted };
  return validateWithClassValidator(dto, plain, pathPrefix);
}

/** The reference path: class-transformer's instance checked by class-validator. */
export function validateWithClassValidator<T extends object>(
  dto: ClassConstructor<T>,
  plain: object,
  pathPrefix = '',
): ValidationOutcome<T> {
  const instance = plainToInstance(dto, plain);
  const errors = validateSync(instance, STRICT_VALIDATION);
  if (errors.length > 0) return { ok: false, errors: flattenValidationErrors(errors, pathPrefix) };
  return { ok: true, value: instance };
}
