/*
 * How class-transformer 0.5 (plainToInstance, default options) copies values that have no @Type, for
 * the values where its copy is certainly equal to the input. Anything it treats specially is refused
 * (NOT_MIRRORED), and the caller falls back to class-transformer itself:
 *  - keys it skips or reinterprets: `__proto__`, `constructor` and every other name found on
 *    Object.prototype (`toString`, `hasOwnProperty`...);
 *  - values it converts or cannot copy: class instances, Dates, Buffers, Maps, Sets, functions,
 *    symbols, bigints, sparse arrays, nesting deeper than MAX_DEPTH (which also catches cycles).
 */

export const NOT_MIRRORED = Symbol('not mirrored');

/**
 * `copy`: new containers for plain data, like class-transformer (for callers that keep the instance).
 * `share`: the instance holds the input's own plain data (checked, not copied): equal to the copy but
 * cheaper, for callers that only need the verdict.
 */
export type DataMode = 'copy' | 'share';

export const MAX_DEPTH = 64;

/** A plain or null-prototype object: its own keys are what class-transformer copies into an instance. */
export function isDataRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** class-transformer's copy of a value with no @Type: the same JSON-like data in new containers. */
export function copyData(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      break;
    default:
      return NOT_MIRRORED;
  }
  if (value === null) return null;
  if (depth > MAX_DEPTH) return NOT_MIRRORED;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_MIRRORED;
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_MIRRORED;
      const copied = copyData(value[i], depth + 1);
      if (copied === NOT_MIRRORED) return NOT_MIRRORED;
      items.push(copied);
    }
    return items;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_MIRRORED;
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key in Object.prototype) return NOT_MIRRORED;
    const copied = copyData(record[key], depth + 1);
    if (copied === NOT_MIRRORED) return NOT_MIRRORED;
    copy[key] = copied;
  }
  return copy;
}

/** Whether copyData(value) would succeed: the same walk, without allocating. */
export function isCopiedAsIs(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'string' || typeof item === 'number') continue;
      if (!(i in value) || !isCopiedAsIs(item, depth + 1)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key in Object.prototype || !isCopiedAsIs(record[key], depth + 1)) return false;
  }
  return true;
}
