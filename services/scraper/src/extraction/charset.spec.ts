import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  charsetFromContentType,
  decodeHtml,
  extractCharsetFromMetaContent,
  prescanForMetaCharset,
  sniffEncoding,
} from './charset';

const fixture = (name: string): Buffer => readFileSync(join(__dirname, 'fixtures', name));
const cp1252 = (text: string): Buffer =>
  Buffer.from(
    [...text].map((c) => {
      const special: Record<string, number> = {
        '€': 0x80,
        '‘': 0x91,
        '’': 0x92,
        '“': 0x93,
        '”': 0x94,
        '–': 0x96,
      };
      const byte = special[c] ?? c.charCodeAt(0);
      if (byte > 0xff) throw new Error(`not encodable: ${c}`);
      return byte;
    }),
  );

describe('decodeHtml / sniffEncoding', () => {
  const legacy = cp1252('<p>Café “quoted” ‘single’ – 5€</p>');

  it('windows-1252 via the Content-Type header', () => {
    expect(decodeHtml(legacy, 'text/html; charset=windows-1252')).toBe('<p>Café “quoted” ‘single’ – 5€</p>');
  });

  it.each(['iso-8859-1', 'latin1', 'ISO_8859-1', 'us-ascii', 'ascii', '"iso-8859-1"'])(
    'the label %s means windows-1252 (WHATWG mapping)',
    (label) => {
      expect(sniffEncoding(legacy, `text/html; charset=${label}`)).toMatchObject({
        encoding: 'windows-1252',
        source: 'header',
      });
      expect(decodeHtml(legacy, `text/html;charset=${label}`)).toContain('5€');
    },
  );

  it('windows-1252 via <meta http-equiv> (fixture)', () => {
    const body = fixture('legacy-cp1252-meta.html');
    expect(sniffEncoding(body, 'text/html')).toMatchObject({ encoding: 'windows-1252', source: 'meta' });
    const text = decodeHtml(body, 'text/html');
    expect(text).toContain('<title>Café – “Prix” 5€</title>');
    expect(text).toContain('L’été à Paris');
  });

  it('windows-1252 via nothing at all (spec default)', () => {
    const body = fixture('legacy-cp1252-nometa.html');
    expect(sniffEncoding(body, null)).toMatchObject({ encoding: 'windows-1252', source: 'default' });
    expect(decodeHtml(body, 'text/html')).toContain('Naïve café ‘quoted’ €');
  });

  it.each([
    ['utf16le-bom.html', 'utf-16le'],
    ['utf16be-bom.html', 'utf-16be'],
  ])('%s: the BOM wins over header and meta', (name, encoding) => {
    const body = fixture(name);
    expect(sniffEncoding(body, 'text/html; charset=windows-1252')).toEqual({
      encoding,
      source: 'bom',
      bomLength: 2,
    });
    const text = decodeHtml(body, 'text/html; charset=windows-1252');
    expect(text.startsWith('<!doctype html>')).toBe(true); // BOM stripped
    expect(text).toContain('日本語のページ — café');
    expect(text).toContain('こんにちは 😀');
  });

  it('UTF-8 BOM wins and is stripped', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>é</p>')]);
    expect(sniffEncoding(body, 'text/html; charset=iso-8859-1').source).toBe('bom');
    expect(decodeHtml(body, 'text/html; charset=iso-8859-1')).toBe('<p>é</p>');
  });

  it('the header overrides <meta charset>', () => {
    const body = fixture('meta-utf8-served-as-cp1252.html');
    expect(decodeHtml(body, 'text/html; charset=windows-1252')).toContain('<title>café</title>');
    // without the header the (wrong) meta is used: the cp1252 byte is invalid UTF-8
    expect(decodeHtml(body, 'text/html')).toContain('<title>caf\uFFFD</title>');
  });

  it('an unknown header label falls through to meta, then to the default', () => {
    const withMeta = Buffer.from('<meta charset="utf-8"><p>é</p>');
    expect(sniffEncoding(withMeta, 'text/html; charset=bogus-charset')).toMatchObject({
      encoding: 'utf-8',
      source: 'meta',
    });
    expect(decodeHtml(withMeta, 'text/html; charset=bogus-charset')).toBe('<meta charset="utf-8"><p>é</p>');
    expect(sniffEncoding(Buffer.from('<p>x</p>'), 'text/html; charset=bogus')).toMatchObject({
      encoding: 'windows-1252',
      source: 'default',
    });
  });

  it('decodes every windows-1252 byte in 0x80-0x9F per the WHATWG index', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x80 + i));
    expect(decodeHtml(bytes, 'text/html; charset=windows-1252')).toBe(
      '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ',
    );
    expect(decodeHtml(Buffer.from([0xa0, 0xe9, 0xff]), null)).toBe('\u00a0éÿ');
  });

  it('x-user-defined from the header (not supported by TextDecoder) is decoded by hand', () => {
    expect(decodeHtml(Buffer.from([0x41, 0x80, 0xff]), 'text/html; charset=x-user-defined')).toBe(
      'A\uf780\uf7ff',
    );
  });

  it('UTF-8 via the header', () => {
    expect(decodeHtml(Buffer.from('<p>€ 😀</p>'), 'text/html; charset=UTF-8')).toBe('<p>€ 😀</p>');
  });

  it('other legacy encodings work too (Shift_JIS via meta)', () => {
    const body = Buffer.concat([
      Buffer.from('<meta charset="shift_jis"><p>'),
      Buffer.from([0x93, 0xfa, 0x96, 0x7b]), // 日本
      Buffer.from('</p>'),
    ]);
    expect(decodeHtml(body, null)).toBe('<meta charset="shift_jis"><p>日本</p>');
  });
});

describe('prescanForMetaCharset', () => {
  const scan = (s: string): string | null => prescanForMetaCharset(Buffer.from(s, 'latin1'));

  it.each([
    ['<meta charset="utf-8">', 'utf-8'],
    ["<meta charset='ISO-8859-2'>", 'iso-8859-2'],
    ['<meta charset=koi8-r>', 'koi8-r'],
    ['<META CHARSET=" utf-8 ">', 'utf-8'],
    ['<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', 'windows-1251'],
    ['<meta content="text/html;charset=\'gbk\'" http-equiv=content-type>', 'gbk'],
    ['<meta/charset="utf-8">', 'utf-8'],
    ['<!-- <meta charset="koi8-r"> --><meta charset="utf-8">', 'utf-8'],
    ['<head><title>x</title><meta name="x" content="y"><meta charset="euc-kr">', 'euc-kr'],
    ['<script src="x.js" data-x=">"></script><meta charset="big5">', 'big5'],
    ['<meta charset="utf-16le">', 'utf-8'], // the spec maps UTF-16 from meta to UTF-8
    ['<meta charset="x-user-defined">', 'windows-1252'],
    ['<meta charset="nonsense"><meta charset="utf-8">', 'utf-8'],
  ])('%s -> %s', (html, expected) => {
    expect(scan(html)).toBe(expected);
  });

  it.each([
    ['no meta at all', '<html><head><title>x</title></head>'],
    ['content charset without http-equiv', '<meta content="text/html; charset=koi8-r">'],
    ['inside a comment', '<!-- <meta charset="koi8-r"> -->'],
    ['unknown label', '<meta charset="no-such-charset">'],
    ['meta as another tag name', '<metadata charset="koi8-r">'],
  ])('%s -> null', (_name, html) => {
    expect(scan(html)).toBeNull();
  });

  it('only looks at the first 1024 bytes', () => {
    expect(scan(`${' '.repeat(1024)}<meta charset="koi8-r">`)).toBeNull();
    expect(scan(`${' '.repeat(1000)}<meta charset="koi8-r">`)).toBe('koi8-r');
  });
});

describe('charset helpers', () => {
  it.each([
    ['text/html; charset=utf-8', 'utf-8'],
    ['text/html;charset="ISO-8859-1"', 'ISO-8859-1'],
    ['text/html; foo=bar; charset=koi8-r ; x=y', 'koi8-r'],
    ['text/html; foo="a;charset=bad"; charset=gbk', 'gbk'],
    ['text/html', null],
    ['text/html; charset=', null],
  ])('charsetFromContentType(%j) -> %j', (header, expected) => {
    expect(charsetFromContentType(header)).toBe(expected);
  });

  it.each([
    ['text/html; charset=utf-8', 'utf-8'],
    ['text/html; charset = "koi8-r" ; x', 'koi8-r'],
    ['charset', null],
    ['text/html; charsetx charset=gbk', 'gbk'],
    ['charset="unterminated', null],
  ])('extractCharsetFromMetaContent(%j) -> %j', (content, expected) => {
    expect(extractCharsetFromMetaContent(content)).toBe(expected);
  });
});
