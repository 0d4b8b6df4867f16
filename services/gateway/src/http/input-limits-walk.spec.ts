import type { InputLimits } from './input-limits';
import { findLimitBreach } from './input-limits-walk';

const LIMITS: InputLimits = {
  maxDepth: 4,
  maxKeysPerObject: 3,
  maxTotalKeys: 6,
  maxArrayItems: 5,
  maxStringLength: 10,
};

const nestedArrays = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));
const nestedObjects = (levels: number): unknown =>
  JSON.parse('{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1));

describe('findLimitBreach', () => {
  it('passes inputs within every limit, leaves and empty containers included', () => {
    for (const input of [
      undefined,
      null,
      42,
      'short',
      {},
      [],
      { type: 'scrape', input: { url: 'http://x/' } },
      [1, 2, 3, 4, 5],
      nestedArrays(4),
      nestedObjects(4),
      { a: 'x'.repeat(10), b: [{ c: 1 }] },
    ]) {
      expect(findLimitBreach(input, LIMITS, 'body')).toBeNull();
    }
  });

  it('refuses nesting one level past the limit, objects and arrays alike, naming the variable', () => {
    expect(findLimitBreach(nestedArrays(5), LIMITS, 'body')).toEqual({
      status: 400,
      detail: 'body nesting deeper than 4 levels (GATEWAY_MAX_JSON_DEPTH)',
      error: { path: '0.0.0.0', message: 'nested deeper than 4 levels (GATEWAY_MAX_JSON_DEPTH)' },
    });
    expect(findLimitBreach(nestedObjects(5), LIMITS, 'body')?.error.path).toBe('a.a.a.a');
  });

  it('walks 100,000 levels without recursion and stops at the limit', () => {
    const deep = nestedArrays(100_000);
    const realistic: InputLimits = { ...LIMITS, maxDepth: 32 };
    expect(findLimitBreach(deep, realistic, 'body')?.detail).toContain('deeper than 32 levels');
  });

  it('refuses too many items in one array with 413, at the array’s path', () => {
    expect(findLimitBreach({ list: [1, 2, 3, 4, 5, 6] }, LIMITS, 'body')).toEqual({
      status: 413,
      detail: 'an array in the body has more than 5 items (GATEWAY_MAX_JSON_ARRAY_ITEMS)',
      error: { path: 'list', message: 'has 6 items, more than 5 (GATEWAY_MAX_JSON_ARRAY_ITEMS)' },
    });
    expect(findLimitBreach(new Array<number>(200_000).fill(0), LIMITS, 'body')?.error.path).toBe('(root)');
  });

  it('refuses too many properties in one object, and in all objects together', () => {
    expect(findLimitBreach({ a: { b: 1, c: 2, d: 3, e: 4 } }, LIMITS, 'body')).toMatchObject({
      status: 413,
      detail: 'an object in the body has more than 3 properties (GATEWAY_MAX_JSON_KEYS)',
      error: { path: 'a' },
    });
    const spread = [
      { a: 1, b: 2, c: 3 },
      { d: 4, e: 5 },
      { f: 6, g: 7 },
    ];
    expect(findLimitBreach(spread, LIMITS, 'body')).toMatchObject({
      status: 413,
      detail: 'the body has more than 6 properties in all (GATEWAY_MAX_JSON_TOTAL_KEYS)',
      error: { path: '2' },
    });
  });

  it('refuses long strings, values and property names, and shows a long name cut short', () => {
    expect(findLimitBreach({ input: { url: 'x'.repeat(11) } }, LIMITS, 'body')).toEqual({
      status: 413,
      detail: 'a string in the body is longer than 10 characters (GATEWAY_MAX_JSON_STRING_LENGTH)',
      error: {
        path: 'input.url',
        message: 'is 11 characters long, more than 10 (GATEWAY_MAX_JSON_STRING_LENGTH)',
      },
    });
    const longName = 'k'.repeat(100);
    const breach = findLimitBreach({ a: { [longName]: 1 } }, LIMITS, 'body');
    expect(breach?.detail).toContain('a property name in the body is longer than 10 characters');
    expect(breach?.error.path).toBe(`a.${'k'.repeat(64)}…`);
    expect(findLimitBreach('x'.repeat(11), LIMITS, 'body')?.error.path).toBe('(root)');
  });

  it('refuses numbers that parsed to Infinity', () => {
    expect(findLimitBreach(JSON.parse('{"a":[1,1e999]}'), LIMITS, 'body')).toEqual({
      status: 400,
      detail: 'a number in the body is out of range (it parses to Infinity); numbers must be finite',
      error: { path: 'a.1', message: 'must be a finite number' },
    });
    expect(findLimitBreach({ a: 2 ** 60, b: -1e308 }, LIMITS, 'body')).toBeNull();
  });

  it('answers 400 for a query string, whose parser never nests', () => {
    const query = Object.assign(Object.create(null) as object, { a: ['1', '2', '3', '4', '5', '6'] });
    expect(findLimitBreach(query, LIMITS, 'query string')).toMatchObject({
      status: 400,
      detail: 'an array in the query string has more than 5 items (GATEWAY_MAX_JSON_ARRAY_ITEMS)',
      error: { path: 'a' },
    });
  });

  it('treats __proto__ and constructor as ordinary own properties', () => {
    const input = JSON.parse(
      `{"constructor":{"prototype":{}},"__proto__":{"x":"${'y'.repeat(20)}"}}`,
    ) as object;
    const roomyNames: InputLimits = { ...LIMITS, maxStringLength: 15 };
    expect(findLimitBreach(input, roomyNames, 'body')?.error.path).toBe('__proto__.x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('shows a lone surrogate in a property name escaped', () => {
    const breach = findLimitBreach(JSON.parse('{"\\ud800":{"b":"xxxxxxxxxxxx"}}'), LIMITS, 'body');
    expect(breach?.error.path).toBe('\\ud800.b');
  });
});
