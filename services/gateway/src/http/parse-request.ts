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
  const polluting = findPrototypeKeys(value);
  if (polluting.length > 0) {
    throw new RequestValidationError(
      polluting.map((path) => ({ path, message: 'this property name is not allowed' })),
    );
  }
  const outcome = validatePlain(dto, value);
  if (!outcome.ok) throw new RequestValidationError(outcome.errors);
  return outcome.value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Paths of keys that could reach an object's prototype. JSON.parse keeps them as own properties and
 * class-validator's whitelist does not see them, so they are refused here, at any depth.
 */
function findPrototypeKeys(value: unknown, path = '', depth = 0): string[] {
  if (depth > 32 || value === null || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) found.push(here);
    else found.push(...findPrototypeKeys((value as Record<string, unknown>)[key], here, depth + 1));
  }
  return found;
}
