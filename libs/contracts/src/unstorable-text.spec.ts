import {
  escapeUnstorable,
  findUnstorableText,
  mayHoldUnstorableEscape,
  unstorableCharacter,
} from './unstorable-text';

describe('unstorable text', () => {
  it.each([
    ['plain', 'https://example.com/', null],
    ['non-ASCII', 'café – 東京', null],
    ['a surrogate pair (emoji)', 'ok 😀 ok', null],
    ['NUL', 'a\u0000b', 'U+0000 (NUL)'],
    ['a lone high surrogate', 'http://x/\ud800', 'a lone UTF-16 surrogate (U+D800)'],
    ['a lone low surrogate', '\udc00x', 'a lone UTF-16 surrogate (U+DC00)'],
    ['a high surrogate before a non-surrogate', '\ud83dA', 'a lone UTF-16 surrogate (U+D83D)'],
    ['reversed pair', '\ude00\ud83d', 'a lone UTF-16 surrogate (U+DE00)'],
  ])('%s', (_, text, expected) => {
    expect(unstorableCharacter(text)).toBe(expected);
  });

  it('JSON.parse turns the escapes into exactly what PostgreSQL refuses', () => {
    const parsed = JSON.parse('{"url":"http://x/\\ud800","n":"a\\u0000"}') as Record<string, string>;
    expect(unstorableCharacter(parsed.url)).toMatch(/lone/);
    expect(unstorableCharacter(parsed.n)).toMatch(/NUL/);
  });

  it('finds the first bad string by a dotted path, in values, array items and keys', () => {
    expect(findUnstorableText({ type: 'scrape', input: { url: 'http://x/\ud800' } })).toEqual({
      path: 'input.url',
      message: 'contains a lone UTF-16 surrogate (U+D800), which cannot be stored',
    });
    expect(findUnstorableText({ positions: [{ symbol: 'A' }, { symbol: 'B\u0000' }] })).toEqual({
      path: 'positions.1.symbol',
      message: 'contains U+0000 (NUL), which cannot be stored',
    });
    expect(findUnstorableText({ input: { returns: { ['A\ud800']: [1] } } })).toEqual({
      path: 'input.returns.A\\ud800',
      message: 'property name contains a lone UTF-16 surrogate (U+D800), which cannot be stored',
    });
    expect(findUnstorableText({ data: { x: '\u0000' } }, 'body')?.path).toBe('body.data.x');
    expect(findUnstorableText('\u0000')?.path).toBe('(root)');
  });

  it('accepts storable values of every JSON kind', () => {
    expect(
      findUnstorableText({ a: 1, b: null, c: true, d: [1, 'x', { e: '😀' }], f: { g: 'ünïcode' } }),
    ).toBeNull();
    expect(findUnstorableText(42)).toBeNull();
    expect(findUnstorableText(null)).toBeNull();
  });

  it('escapes only what cannot be stored', () => {
    expect(escapeUnstorable('a\u0000b\ud800c😀')).toBe('a\\u0000b\\ud800c😀');
    expect(escapeUnstorable('plain')).toBe('plain');
    expect(unstorableCharacter(escapeUnstorable('x\udfff\u0000'))).toBeNull();
  });

  it('only JSON text with a \\u escape needs the walk', () => {
    expect(mayHoldUnstorableEscape(Buffer.from('{"a":"café 😀"}'))).toBe(false);
    expect(mayHoldUnstorableEscape(Buffer.from('{"a":"\\ud800"}'))).toBe(true);
    expect(mayHoldUnstorableEscape('{"a":"\\u0000"}')).toBe(true);
    // Whatever JSON.stringify writes for bad text carries an escape, so the pre-check never misses it.
    expect(mayHoldUnstorableEscape(JSON.stringify({ a: '\ud800', b: '\u0000' }))).toBe(true);
  });
});
