import { IS_ISO8601 } from 'class-validator';

/*
 * Cheaper sufficient conditions for built-in constraints whose own check dominates the cost: when one
 * returns true, the constraint's validate() would too; when it returns false, validate() decides.
 * Each is checked against the real validator in sufficient-checks.spec.ts.
 */

export type SufficientCheck = (value: unknown) => boolean;

const UTC_TIMESTAMP = /^([1-9]\d{3})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * `2025-01-02T03:04:05.678Z` (what Date#toISOString writes, fraction optional) naming a real calendar
 * day and time: IsISO8601 accepts it with or without `strict` / `strictSeparator`. Its own check
 * parses the string again through `new Date` (~10x slower).
 */
export function isUtcTimestampOnRealDay(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = UTC_TIMESTAMP.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    Number(match[4]) <= 23 &&
    Number(match[5]) <= 59 &&
    Number(match[6]) <= 59
  );
}

/** The sufficient check for a constraint registered under `name`, if there is one. */
export function sufficientCheckFor(name: string | undefined): SufficientCheck | undefined {
  return name === IS_ISO8601 ? isUtcTimestampOnRealDay : undefined;
}
