import { isISO8601 } from 'class-validator';
import { seededRandom } from '../../testing/mutations';
import { isUtcTimestampOnRealDay, sufficientCheckFor } from './sufficient-checks';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Every day of these years, valid or not (day 0 to 32 of months 0 to 13), at a few times. */
function timestamps(years: number[]): string[] {
  const out: string[] = [];
  const times = ['00:00:00', '23:59:59.999', '12:30:00.5', '24:00:00', '23:60:00', '23:59:60'];
  for (const year of years) {
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) {
        for (const time of times) out.push(`${pad(year, 4)}-${pad(month)}-${pad(day)}T${time}Z`);
      }
    }
  }
  return out;
}

describe('sufficient checks', () => {
  it('is used for IsISO8601 only', () => {
    expect(sufficientCheckFor('isIso8601')).toBe(isUtcTimestampOnRealDay);
    expect(sufficientCheckFor('isUuid')).toBeUndefined();
    expect(sufficientCheckFor(undefined)).toBeUndefined();
  });

  it('accepts a UTC timestamp only when IsISO8601 (strict or not) accepts it', () => {
    const years = [
      0, 1, 4, 100, 400, 999, 1000, 1001, 1004, 1100, 1200, 1582, 1600, 1700, 1800, 1900, 2000, 2100, 2400,
      9999,
    ];
    for (let year = 1968; year <= 2032; year++) years.push(year);
    const random = seededRandom(7);
    const extra = Array.from({ length: 2000 }, () => {
      const text = new Date(Math.floor(random() * 8e12) - 1e12).toISOString();
      return random() < 0.5 ? text : text.replace(/\.\d+Z$/, `.${Math.floor(random() * 1e9)}Z`);
    });
    const odd = [
      '2025-01-02T03:04:05.678z',
      '2025-01-02 03:04:05Z',
      '+2025-01-02T03:04:05Z',
      '2025-1-02T03:04:05Z',
      '2025-01-02T03:04:05.Z',
      '2025-01-02T03:04:05.1234567890Z',
      ' 2025-01-02T03:04:05Z',
      '2025-01-02T03:04:05Z\n',
    ];
    let accepted = 0;
    for (const text of [...timestamps(years), ...extra, ...odd]) {
      if (!isUtcTimestampOnRealDay(text)) continue;
      accepted += 1;
      if (
        !isISO8601(text, { strict: true }) ||
        !isISO8601(text) ||
        !isISO8601(text, { strict: true, strictSeparator: true })
      ) {
        throw new Error(`shortcut accepted ${text}, IsISO8601 does not`);
      }
    }
    expect(accepted).toBeGreaterThan(50_000);
  });

  it('accepts what Date#toISOString writes for real days, and nothing that is not a string', () => {
    expect(isUtcTimestampOnRealDay('2024-02-29T00:00:00.000Z')).toBe(true);
    expect(isUtcTimestampOnRealDay('2025-01-02T03:04:05Z')).toBe(true);
    expect(isUtcTimestampOnRealDay('2023-02-29T00:00:00.000Z')).toBe(false);
    expect(isUtcTimestampOnRealDay('1900-02-29T00:00:00.000Z')).toBe(false);
    expect(isUtcTimestampOnRealDay(new Date(0))).toBe(false);
    expect(isUtcTimestampOnRealDay(0)).toBe(false);
  });
});
