import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidatorOptions } from 'class-validator';
import { flattenValidationErrors, type FieldError } from './field-error';

export const STRICT_VALIDATION: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
};

export type ValidationOutcome<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Validates a plain value against a class-validator DTO class; unknown fields are errors. */
export function validatePlain<T extends object>(
  dto: ClassConstructor<T>,
  plain: unknown,
  pathPrefix = '',
): ValidationOutcome<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ path: pathPrefix || '(root)', message: 'must be an object' }] };
  }
  const instance = plainToInstance(dto, plain);
  const errors = validateSync(instance, STRICT_VALIDATION);
  if (errors.length > 0) return { ok: false, errors: flattenValidationErrors(errors, pathPrefix) };
  return { ok: true, value: instance };
}
