/**
 * Character-encoding detection for HTML bodies, following the HTML Standard's "encoding sniffing
 * algorithm" (https://html.spec.whatwg.org/multipage/parsing.html#encoding-sniffing-algorithm):
 *   1. byte order mark (UTF-8, UTF-16LE, UTF-16BE), 2. transport layer (`charset` of Content-Type),
 *   3. `<meta>` prescan of the first 1024 bytes, 4. default windows-1252.
 * Labels are resolved the WHATWG way by TextDecoder (`latin1`, `ascii`, `iso-8859-1` -> windows-1252, ...).
 * A label TextDecoder does not know (or the "replacement" encoding) falls through to the next source.
 */

export type EncodingSource = 'bom' | 'header' | 'meta' | 'default';

export interface SniffedEncoding {
  /** WHATWG encoding name as reported by TextDecoder, e.g. `utf-8`, `windows-1252`, `utf-16le`. */
  encoding: string;
  source: EncodingSource;
  /** Length of the byte order mark to skip (0 when none). */
  bomLength: number;
}

const PRESCAN_LIMIT = 1024;
const DEFAULT_ENCODING = 'windows-1252';

/** Decodes an HTML body to a string, choosing the encoding like a browser would. */
export function decodeHtml(body: Buffer, contentTypeHeader: string | null): string {
  const { encoding, bomLength } = sniffEncoding(body, contentTypeHeader);
  return decodeBytes(body.subarray(bomLength), encoding);
}

/**
 * windows-1252 bytes 0x80-0x9F per the WHATWG index. Node 20's TextDecoder('windows-1252') decodes these as
 * ISO-8859-1 C1 controls (nodejs/node#56542), losing €, smart quotes, dashes..., so this one is done by hand.
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
  0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122,
  0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
].map((code) => String.fromCharCode(code));

/** Decodes bytes (without BOM) in a WHATWG encoding as returned by `sniffEncoding`. */
export function decodeBytes(bytes: Uint8Array, encoding: string): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (encoding === 'windows-1252') {
    return buffer
      .toString('latin1')
      .replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]);
  }
  if (encoding === 'x-user-defined') {
    return buffer
      .toString('latin1')
      .replace(/[\x80-\xff]/g, (c) => String.fromCharCode(0xf780 + c.charCodeAt(0) - 0x80));
  }
  // ignoreBOM: a BOM has already been sliced off by the caller; any other leading U+FEFF is content.
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(buffer);
}

/** Decides the encoding of an HTML body and where that decision came from. */
export function sniffEncoding(body: Buffer, contentTypeHeader: string | null): SniffedEncoding {
  const bom = sniffBom(body);
  if (bom) return { encoding: bom.encoding, source: 'bom', bomLength: bom.length };

  const fromHeader = resolveLabel(charsetFromContentType(contentTypeHeader));
  if (fromHeader) return { encoding: fromHeader, source: 'header', bomLength: 0 };

  const fromMeta = prescanForMetaCharset(body);
  if (fromMeta) return { encoding: fromMeta, source: 'meta', bomLength: 0 };

  return { encoding: DEFAULT_ENCODING, source: 'default', bomLength: 0 };
}

function sniffBom(body: Buffer): { encoding: string; length: number } | null {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return { encoding: 'utf-8', length: 3 };
  }
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  return null;
}

/** WHATWG name for a label, or null when the label is unknown or maps to the "replacement" encoding. */
export function resolveLabel(label: string | null): string | null {
  if (label === null) return null;
  const trimmed = label.trim();
  if (trimmed === '') return null;
  if (trimmed.toLowerCase() === 'x-user-defined') return 'x-user-defined'; // WHATWG encoding Node lacks
  try {
    return new TextDecoder(trimmed).encoding;
  } catch {
    return null; // RangeError: unknown label (TextDecoder also refuses "replacement" labels)
  }
}

/** The `charset` parameter of a Content-Type header value, unquoted; null when absent. */
export function charsetFromContentType(header: string | null): string | null {
  if (header === null) return null;
  const semicolon = header.indexOf(';');
  if (semicolon === -1) return null;
  const params = header.slice(semicolon + 1);
  // name=value pairs separated by ';'; values may be quoted strings with backslash escapes.
  const re = /\s*([^=;\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"?|[^;]*))?\s*(?:;|$)/gy;
  let match: RegExpExecArray | null;
  while (re.lastIndex < params.length && (match = re.exec(params)) !== null) {
    if (match[0] === '') break;
    if (match[1].toLowerCase() !== 'charset' || match[2] === undefined) continue;
    let value = match[2].trim();
    if (value.startsWith('"')) value = value.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1');
    return value === '' ? null : value;
  }
  return null;
}

const isSpace = (c: string): boolean => c === '\t' || c === '\n' || c === '\f' || c === '\r' || c === ' ';
const isAsciiAlpha = (c: string): boolean => /^[A-Za-z]$/.test(c);

/**
 * The HTML Standard's "prescan a byte stream to determine its encoding", over the first 1024 bytes.
 * Works on a latin1 view so every byte is one character.
 */
export function prescanForMetaCharset(body: Buffer): string | null {
  const s = body.subarray(0, PRESCAN_LIMIT).toString('latin1');
  const n = s.length;
  let pos = 0;

  while (pos < n) {
    if (s.startsWith('<!--', pos)) {
      const end = s.indexOf('-->', pos + 2);
      if (end === -1) return null;
      pos = end + 3;
      continue;
    }
    if (/^<meta[\t\n\f\r /]/i.test(s.slice(pos, pos + 6))) {
      pos += 6;
      const attrNames = new Set<string>();
      let gotPragma = false;
      let needPragma: boolean | null = null;
      let charset: string | null = null;
      for (;;) {
        const attr = getAttribute(s, pos);
        if (attr === null) break;
        pos = attr.next;
        if (attrNames.has(attr.name)) continue;
        attrNames.add(attr.name);
        if (attr.name === 'http-equiv') {
          if (attr.value.toLowerCase() === 'content-type') gotPragma = true;
        } else if (attr.name === 'content') {
          const label = extractCharsetFromMetaContent(attr.value);
          if (label !== null && charset === null) {
            charset = resolveLabel(label);
            needPragma = true;
          }
        } else if (attr.name === 'charset') {
          charset = resolveLabel(attr.value);
          needPragma = false;
        }
      }
      if (needPragma === null || (needPragma && !gotPragma) || charset === null) continue;
      if (charset === 'utf-16le' || charset === 'utf-16be') return 'utf-8';
      if (charset === 'x-user-defined') return 'windows-1252';
      return charset;
    }
    if (
      s[pos] === '<' &&
      (isAsciiAlpha(s[pos + 1] ?? '') || (s[pos + 1] === '/' && isAsciiAlpha(s[pos + 2] ?? '')))
    ) {
      // Some other start or end tag: skip its name and attributes.
      pos += s[pos + 1] === '/' ? 2 : 1;
      while (pos < n && !isSpace(s[pos]) && s[pos] !== '>') pos++;
      for (;;) {
        const attr = getAttribute(s, pos);
        if (attr === null) break;
        pos = attr.next;
      }
      continue;
    }
    if (s.startsWith('<!', pos) || s.startsWith('</', pos) || s.startsWith('<?', pos)) {
      const end = s.indexOf('>', pos + 2);
      if (end === -1) return null;
      pos = end + 1;
      continue;
    }
    pos++;
  }
  return null;
}

/**
 * The spec's "get an attribute" step. Returns null (and the caller stops) at `>` or end of input.
 * Always advances; `next` is the position after the attribute.
 */
function getAttribute(s: string, start: number): { name: string; value: string; next: number } | null {
  const n = s.length;
  let pos = start;
  while (pos < n && (isSpace(s[pos]) || s[pos] === '/')) pos++;
  if (pos >= n || s[pos] === '>') return null;
  let name = '';
  let value = '';
  // attribute name
  for (;;) {
    if (pos >= n) return null;
    const c = s[pos];
    if (c === '=' && name !== '') {
      pos++;
      break;
    }
    if (isSpace(c)) {
      while (pos < n && isSpace(s[pos])) pos++;
      if (s[pos] !== '=') return { name, value: '', next: pos };
      pos++;
      break;
    }
    if (c === '/' || c === '>') return { name, value: '', next: pos };
    name += c.toLowerCase();
    pos++;
  }
  // attribute value
  while (pos < n && isSpace(s[pos])) pos++;
  if (pos >= n) return null;
  const quote = s[pos];
  if (quote === '"' || quote === "'") {
    const end = s.indexOf(quote, pos + 1);
    if (end === -1) return null;
    return { name, value: s.slice(pos + 1, end).toLowerCase(), next: end + 1 };
  }
  if (quote === '>') return { name, value: '', next: pos };
  while (pos < n && !isSpace(s[pos]) && s[pos] !== '>') {
    value += s[pos].toLowerCase();
    pos++;
  }
  if (pos >= n) return null;
  return { name, value, next: pos };
}

/** The spec's "algorithm for extracting a character encoding from a meta element" (content attribute). */
export function extractCharsetFromMetaContent(content: string): string | null {
  let pos = 0;
  const lower = content.toLowerCase();
  for (;;) {
    const found = lower.indexOf('charset', pos);
    if (found === -1) return null;
    pos = found + 7;
    while (pos < lower.length && isSpace(lower[pos])) pos++;
    if (lower[pos] !== '=') continue;
    pos++;
    while (pos < lower.length && isSpace(lower[pos])) pos++;
    const c = content[pos];
    if (c === undefined) return null;
    if (c === '"' || c === "'") {
      const end = content.indexOf(c, pos + 1);
      if (end === -1) return null;
      return content.slice(pos + 1, end);
    }
    let end = pos;
    while (end < content.length && !isSpace(content[end]) && content[end] !== ';') end++;
    return content.slice(pos, end) || null;
  }
}
