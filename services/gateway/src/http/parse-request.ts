import type { ClassConstructor } from 'class-transformer';
import { validatePlain } from '@app/contracts';
import { RequestValidationError } from './api-errors';

/** Validates a body or query against its DTO (unknown fields are errors) or throws a 400. */
export function parseRequest<T extends object>(
  dto: ClassConstructor<T>,
  value: unknown,
  what: 'body' | 'query',
): T {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RequestValidationError([
      { path: '(root)', message: what === 'body' ? 'the body must be a JSON object' : 'invalid query' },
    ]);
  }
  const outcome = validatePlain(dto, value);
  if (!outcome.ok) throw new RequestValidationError(outcome.errors);
  return outcome.value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
