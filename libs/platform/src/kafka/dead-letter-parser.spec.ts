import { deadLetterMessage, type DeadLetterEntry } from './dead-letter';
import { parseDeadLetterEntry } from './dead-letter-parser';

function validEntry(): DeadLetterEntry {
  const message = deadLetterMessage(
    {
      topic: 'scrape.retry.1',
      partition: 2,
      offset: '17',
      key: Buffer.from('job-1'),
      value: Buffer.from([0xff, 0x00]),
      headers: { 'x-correlation-id': 'c' },
    },
    'scraper',
    'retriesExhausted',
    'HTTP_503: unavailable',
    [],
    { attempts: 4 },
  );
  return JSON.parse(String(message.value)) as DeadLetterEntry;
}

const encode = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

describe('parseDeadLetterEntry', () => {
  it('reads back what deadLetterMessage wrote', () => {
    const entry = validEntry();
    expect(parseDeadLetterEntry(encode(entry))).toEqual({ ok: true, entry });
  });

  it('drops unknown fields and normalises the time', () => {
    const entry = { ...validEntry(), failedAt: '2026-01-02T03:04:05+01:00', extra: 1 };
    const parsed = parseDeadLetterEntry(encode(entry));
    expect(parsed.ok && parsed.entry.failedAt).toBe('2026-01-02T02:04:05.000Z');
    expect(parsed.ok && 'extra' in parsed.entry).toBe(false);
  });

  it.each([
    ['empty', null],
    ['not JSON', Buffer.from('not json {')],
    ['invalid UTF-8', Buffer.from([0xc3, 0x28, 0xff])],
    ['an array', encode([])],
    ['a bad id', encode({ ...validEntry(), id: 'x' })],
    ['an unknown reason', encode({ ...validEntry(), reason: 'other' })],
    ['errors not field errors', encode({ ...validEntry(), errors: [{ path: 1 }] })],
    ['a bad topic', encode({ ...validEntry(), source: { ...validEntry().source, topic: 'a b' } })],
    [
      'the dead-letter topic as source',
      encode({ ...validEntry(), source: { ...validEntry().source, topic: 'dead-letter' } }),
    ],
    ['a negative partition', encode({ ...validEntry(), source: { ...validEntry().source, partition: -1 } })],
    [
      'an offset beyond int64',
      encode({ ...validEntry(), source: { ...validEntry().source, offset: '9223372036854775808' } }),
    ],
    ['an empty group', encode({ ...validEntry(), source: { ...validEntry().source, group: '' } })],
    [
      'a non-string header',
      encode({ ...validEntry(), original: { ...validEntry().original, headers: { a: 1 } } }),
    ],
    [
      'an unknown encoding',
      encode({ ...validEntry(), original: { ...validEntry().original, valueEncoding: 'hex' } }),
    ],
    ['zero attempts', encode({ ...validEntry(), attempts: 0 })],
    ['a bad date', encode({ ...validEntry(), failedAt: 'yesterday' })],
    ['an expanded-year date', encode({ ...validEntry(), failedAt: '+275760-09-13T00:00:00.000Z' })],
  ])('refuses %s', (_what, value) => {
    expect(parseDeadLetterEntry(value).ok).toBe(false);
  });
});
