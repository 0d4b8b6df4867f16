import { Topics } from '@app/contracts';
import { deadLetterMessage, type DeadLetterEntry, type SourceMessage } from './dead-letter';

function source(overrides: Partial<SourceMessage> = {}): SourceMessage {
  return {
    topic: 'jobs.requested',
    partition: 3,
    offset: '42',
    key: Buffer.from('job-1', 'utf8'),
    value: Buffer.from('{"not":"an event"}', 'utf8'),
    headers: {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'x-correlation-id': 'c1',
    },
    ...overrides,
  };
}

function entryOf(message: ReturnType<typeof deadLetterMessage>): DeadLetterEntry {
  expect(typeof message.value).toBe('string');
  return JSON.parse(message.value as string) as DeadLetterEntry;
}

const errors = [{ path: 'id', message: 'id must be a UUID' }];

describe('deadLetterMessage', () => {
  it('goes to the dead-letter topic with the original key and headers, plus reason and id headers', () => {
    const message = deadLetterMessage(source(), 'scrape', 'invalidMessage', 'invalid envelope', errors);
    const entry = entryOf(message);
    expect(message.topic).toBe(Topics.DeadLetter);
    expect(message.key).toBe('job-1');
    expect(message.headers).toEqual({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'x-correlation-id': 'c1',
      'x-dead-letter-reason': 'invalidMessage',
      'x-dead-letter-id': entry.id,
    });
  });

  it('records reason, detail, errors, source position and the original message', () => {
    const entry = entryOf(
      deadLetterMessage(source(), 'scrape', 'retriesExhausted', 'gave up', errors, { attempts: 4 }),
    );
    expect(entry).toMatchObject({
      reason: 'retriesExhausted',
      detail: 'gave up',
      errors,
      source: { topic: 'jobs.requested', partition: 3, offset: '42', group: 'scrape' },
      original: {
        key: 'job-1',
        value: '{"not":"an event"}',
        valueEncoding: 'utf8',
        headers: source().headers,
      },
      attempts: 4,
    });
    expect(Number.isNaN(Date.parse(entry.failedAt))).toBe(false);
  });

  it('keeps a value that is not valid UTF-8 exactly, as base64', () => {
    const raw = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    const entry = entryOf(
      deadLetterMessage(source({ value: raw }), 'g', 'invalidMessage', 'not JSON', errors),
    );
    expect(entry.original.valueEncoding).toBe('base64');
    expect(Buffer.from(entry.original.value!, 'base64').equals(raw)).toBe(true);
  });

  it('keeps text with a NUL character as base64 (PostgreSQL text cannot hold NUL)', () => {
    const raw = Buffer.from('{"a":"\u0000"}\u0000', 'utf8');
    const entry = entryOf(deadLetterMessage(source({ value: raw }), 'g', 'invalidMessage', 'x', errors));
    expect(entry.original.valueEncoding).toBe('base64');
    expect(Buffer.from(entry.original.value!, 'base64').equals(raw)).toBe(true);
  });

  it('tells apart entries of one message by a discriminator (pages of one document)', () => {
    const id = (discriminator?: string) =>
      entryOf(deadLetterMessage(source(), 'g', 'retriesExhausted', 'd', [], { discriminator })).id;
    expect(new Set([id(), id('page 1'), id('page 2')]).size).toBe(3);
    expect(id('page 1')).toBe(id('page 1'));
  });

  it('keeps valid multi-byte UTF-8 as text', () => {
    const text = 'héllo wörld ✓ 🚀';
    const entry = entryOf(
      deadLetterMessage(source({ value: Buffer.from(text, 'utf8') }), 'g', 'invalidMessage', 'x', errors),
    );
    expect(entry.original).toMatchObject({ value: text, valueEncoding: 'utf8' });
  });

  it('handles a null key and a null value', () => {
    const message = deadLetterMessage(
      source({ key: null, value: null }),
      'g',
      'invalidMessage',
      'empty',
      errors,
    );
    expect(message.key).toBeNull();
    expect(entryOf(message).original).toMatchObject({ key: null, value: null });
  });

  it('derives a deterministic id from group, position and reason', () => {
    const id = (
      s: SourceMessage,
      group = 'g',
      reason: 'invalidMessage' | 'retriesExhausted' = 'invalidMessage',
    ) => entryOf(deadLetterMessage(s, group, reason, 'd', errors)).id;
    expect(id(source())).toBe(id(source()));
    expect(id(source())).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const others = [
      id(source({ offset: '43' })),
      id(source({ partition: 4 })),
      id(source({ topic: 'scrape.retry.1' })),
      id(source(), 'other-group'),
      id(source(), 'g', 'retriesExhausted'),
    ];
    expect(new Set([id(source()), ...others]).size).toBe(6);
  });
});
