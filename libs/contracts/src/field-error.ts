import type { ValidationError } from 'class-validator';

/** One validation problem, addressed by a dotted path into the validated object. */
export interface FieldError {
  path: string;
  message: string;
}

/** Flattens class-validator's nested errors into `{ path, message }` pairs. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) out.push({ path, message });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, path));
  }
  return out;
}
