/**
 * An RFC 3339 date-time (what OpenAPI's `format: date-time` means): a full date, `T` (or `t`, or a
 * space), a time to the second with an optional fraction, and `Z` or a numeric offset.
 */
export const RFC3339_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** The latest time a Date turns into a four-digit-year ISO string (what PostgreSQL reads back). */
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * The instant an RFC 3339 date-time names, or null when it names none (February 30th, hour 24, an
 * offset of 25 hours). A leap second counts as the second before it. Times before 1970 or after 9999
 * are clamped to those bounds: no job was created outside them, so a bound there filters the same, and
 * PostgreSQL never sees a year it cannot hold (year 0, say).
 */
export function parseRfc3339Time(value: string): Date | null {
  const match = RFC3339_TIME.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const offsetHours = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinutes = match[10] === undefined ? 0 : Number(match[10]);
  const daysInMonth =
    new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59) return null;
  const normalised = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${second === 60 ? '59' : match[6]}${
    match[7] ?? ''
  }${match[8].toUpperCase()}`;
  const time = Date.parse(normalised);
  if (!Number.isFinite(time)) return null;
  return new Date(Math.min(Math.max(time, 0), LATEST));
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
