import { ident, rebuildSchemaNames } from './schema-names';

describe('rebuildSchemaNames', () => {
  it('stamps both schemas with the start time, to the millisecond, in lower case and digits', () => {
    expect(rebuildSchemaNames(new Date('2026-11-25T12:00:00.123Z'))).toEqual({
      shadow: 'rebuild_20261125120000123',
      retired: 'retired_20261125120000123',
    });
  });

  it('sorts retired schemas by age when sorted by name', () => {
    const older = rebuildSchemaNames(new Date('2026-01-31T23:59:59.999Z')).retired;
    const newer = rebuildSchemaNames(new Date('2026-02-01T00:00:00.000Z')).retired;
    expect([newer, older].sort()).toEqual([older, newer]);
  });
});

describe('ident', () => {
  it('quotes a name and doubles the quotes inside it', () => {
    expect(ident('rebuild_1')).toBe('"rebuild_1"');
    expect(ident('a"b')).toBe('"a""b"');
  });
});
