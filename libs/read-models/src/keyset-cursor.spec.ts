import { decodeCursor, encodeCursor, type KeysetCursor } from './keyset-cursor';

const cursor: KeysetCursor = {
  createdAt: '2025-01-02T03:04:05.678Z',
  id: '0b0e4a52-2a4c-4f5e-9d7a-3c1f2e4d5a6b',
};

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('keyset list cursor', () => {
  it('round-trips through encodeCursor/decodeCursor', () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('keeps microsecond timestamps (PostgreSQL precision)', () => {
    const precise = { ...cursor, createdAt: '2025-01-02T03:04:05.678901Z' };
    expect(decodeCursor(encodeCursor(precise))).toEqual(precise);
  });

  it('is URL-safe text', () => {
    expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['empty text', ''],
    ['not base64 of JSON', 'garbage!!'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['an object', encode({ createdAt: cursor.createdAt, id: cursor.id })],
    ['a one-element array', encode([cursor.createdAt])],
    ['a three-element array', encode([cursor.createdAt, cursor.id, 1])],
    ['a number for the date', encode([1735787045678, cursor.id])],
    ['an unparseable date', encode(['not a date', cursor.id])],
    ['a non-UUID id', encode([cursor.createdAt, 'job-1'])],
    ['a numeric id', encode([cursor.createdAt, 12])],
    // Shapes that pass a loose check but that PostgreSQL cannot cast (would be a server error, not a 400):
    ['an id of 36 dashes', encode([cursor.createdAt, '-'.repeat(36)])],
    ['an id of 36 hex digits without dashes', encode([cursor.createdAt, 'a'.repeat(36)])],
    ['a bare number as date', encode(['1', cursor.id])],
    ['a date without time zone', encode(['March 7', cursor.id])],
    ['an impossible calendar date', encode(['2025-02-30T00:00:00.000Z', cursor.id])],
  ])('decodes %s as null', (_what, text) => {
    expect(decodeCursor(text)).toBeNull();
  });
});
