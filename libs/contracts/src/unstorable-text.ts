import type { FieldError } from './field-error';

// String.prototype.isWellFormed: Node 20+ (engines), ES2024 lib (the project compiles against ES2023).
const isWellFormed = (text: string): boolean =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * What in `text` the read models cannot store, or null: PostgreSQL's json/jsonb (and text) refuse
 * U+0000, and jsonb refuses a UTF-16 surrogate that is not part of a pair (`\ud800`; JSON.parse turns
 * the escape into a lone surrogate). Both are valid JSON, so a schema check alone lets them through.
 */
export function unstorableCharacter(text: string): string | null {
  if (isWellFormed(text)) return text.includes('\u0000') ? 'U+0000 (NUL)' : null;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) return 'U+0000 (NUL)';
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return `a lone UTF-16 surrogate (U+${hex(unit)})`;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return `a lone UTF-16 surrogate (U+${hex(unit)})`;
    }
  }
  return null;
}

const hex = (unit: number): string => unit.toString(16).toUpperCase().padStart(4, '0');

/** `text` with NUL and lone surrogates written as `\uXXXX` escapes: safe to show, log and store. */
export function escapeUnstorable(text: string): string {
  if (isWellFormed(text) && !text.includes('\u0000')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += text[i] + text[i + 1];
      i++;
    } else if (unit === 0 || (unit >= 0xd800 && unit <= 0xdfff)) {
      out += `\\u${hex(unit).toLowerCase()}`;
    } else {
      out += text[i];
    }
  }
  return out;
}

/**
 * The first string (value or property name) in a JSON-like value that the read models cannot store,
 * as a field error whose path is dotted like the validation errors' (`input.url`, `positions.0.symbol`;
 * bad characters in a property name are shown escaped), or null when everything is storable. One walk,
 * no allocation for values that pass.
 */
export function findUnstorableText(value: unknown, prefix = ''): FieldError | null {
  return walk(value, prefix);
}

function walk(value: unknown, path: string): FieldError | null {
  if (typeof value === 'string') {
    const bad = unstorableCharacter(value);
    return bad === null
      ? null
      : { path: path || '(root)', message: `contains ${bad}, which cannot be stored` };
  }
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return null;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const here = path ? `${path}.${escapeUnstorable(key)}` : escapeUnstorable(key);
    const badKey = unstorableCharacter(key);
    if (badKey !== null)
      return { path: here, message: `property name contains ${badKey}, which cannot be stored` };
    const found = walk((value as Record<string, unknown>)[key], here);
    if (found) return found;
  }
  return null;
}

/**
 * Whether JSON text may decode to unstorable text: only a `\u` escape can yield NUL or a lone surrogate
 * (a raw NUL is not valid JSON, and UTF-8 decoding never yields a lone surrogate), so bytes without one
 * need no walk after JSON.parse.
 */
export function mayHoldUnstorableEscape(json: Buffer | string): boolean {
  return json.indexOf('\\u') !== -1;
}
