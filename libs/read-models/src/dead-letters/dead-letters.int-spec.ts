import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { deadLetterMessage, type DeadLetterEntry } from '@app/platform';
import { createMigratedDatabase, dropMigratedDatabase } from '../../../../test/support/harness-env';
import { decodeCursor } from '../keyset-cursor';
import { DeadLetterClaims } from './dead-letter-claims';
import { DeadLetterQueries } from './dead-letter-queries';
import { DeadLetterWriter } from './dead-letter-writer';

/** ops.dead_letters against the harness's real PostgreSQL, in a database of this file's own. */

const database = `dead_letters_${randomBytes(4).toString('hex')}`;
let dataSource: DataSource;
let writer: DeadLetterWriter;
let queries: DeadLetterQueries;
let claims: DeadLetterClaims;
let nextOffset = 0;

function entry(
  overrides: {
    topic?: string;
    key?: string | null;
    value?: Buffer;
    reason?: DeadLetterEntry['reason'];
    failedAt?: string;
  } = {},
): DeadLetterEntry {
  const message = deadLetterMessage(
    {
      topic: overrides.topic ?? 'jobs.requested',
      partition: 1,
      offset: String(nextOffset++),
      key: overrides.key === null ? null : Buffer.from(overrides.key ?? randomUUID(), 'utf8'),
      value: overrides.value ?? Buffer.from('not json', 'utf8'),
      headers: { 'x-correlation-id': 'c1' },
    },
    'scraper',
    overrides.reason ?? 'invalidMessage',
    'not JSON',
    [{ path: '(root)', message: 'Unexpected token' }],
  );
  const parsed = JSON.parse(String(message.value)) as DeadLetterEntry;
  return overrides.failedAt ? { ...parsed, failedAt: overrides.failedAt } : parsed;
}

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'dead-letters-int');
  writer = new DeadLetterWriter(dataSource, pino({ level: 'silent' }));
  queries = new DeadLetterQueries(dataSource);
  claims = new DeadLetterClaims(dataSource);
});

afterAll(async () => {
  await dropMigratedDatabase(dataSource, database);
});

describe('dead-letter read model', () => {
  it('stores an entry once, with its job id when the key is a UUID, and reads it back as a view', async () => {
    const jobId = randomUUID();
    const stored = entry({ key: jobId.toUpperCase() });
    expect(await writer.record([stored, stored])).toBe(1);
    expect(await writer.record([stored])).toBe(0);
    expect(await queries.get(stored.id)).toEqual({
      id: stored.id,
      reason: 'invalidMessage',
      source: stored.source,
      jobId,
      detail: 'not JSON',
      errors: stored.errors,
      attempts: null,
      failedAt: stored.failedAt,
      redrivenAt: null,
      redriveCount: 0,
      original: stored.original,
    });
    const withoutJob = entry({ key: 'not-a-uuid' });
    await writer.record([withoutJob]);
    expect((await queries.get(withoutJob.id))?.jobId).toBeNull();
    expect(await queries.get(randomUUID())).toBeNull();
  });

  it('keeps values PostgreSQL cannot hold: NUL as base64, and skips what it refuses without failing', async () => {
    const raw = Buffer.from('a\u0000b', 'utf8');
    const withNul = entry({ value: raw });
    const sneaky: DeadLetterEntry = {
      ...withNul,
      id: randomUUID(),
      original: { ...withNul.original, value: 'a\u0000b', valueEncoding: 'utf8', headers: { h: 'x\u0000' } },
    };
    // JSON.stringify escapes a lone surrogate as \ud800, which jsonb refuses (a data exception).
    const refused: DeadLetterEntry = { ...entry(), errors: [{ path: 'x', message: 'lone \ud800' }] };
    const fine = entry();
    expect(await writer.record([withNul, sneaky, refused, fine])).toBe(3);
    expect(await queries.get(refused.id)).toBeNull();
    const kept = await queries.get(sneaky.id);
    expect(kept?.original.valueEncoding).toBe('base64');
    expect(Buffer.from(kept!.original.value!, 'base64').equals(raw)).toBe(true);
    expect(kept?.original.headers).toEqual({ h: 'x\uFFFD' });
    expect(await queries.get(fine.id)).not.toBeNull();
  });

  it('lists newest first with filters and a cursor that walks every entry once', async () => {
    const topic = `t${randomBytes(3).toString('hex')}.events`;
    const base = Date.parse('2030-01-01T00:00:00.000Z');
    const made = Array.from({ length: 7 }, (_, i) =>
      entry({
        topic,
        reason: i % 2 === 0 ? 'invalidMessage' : 'retriesExhausted',
        // Two entries share a time: the id breaks the tie.
        failedAt: new Date(base + Math.min(i, 5) * 1000).toISOString(),
      }),
    );
    await writer.record(made);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await queries.list({
        topic,
        limit: 3,
        cursor: cursor === null ? undefined : decodeCursor(cursor)!,
      });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    const expected = [...made]
      .sort((a, b) => b.failedAt.localeCompare(a.failedAt) || b.id.localeCompare(a.id))
      .map((e) => e.id);
    expect(seen).toEqual(expected);
    const exhausted = await queries.list({ topic, reason: 'retriesExhausted', limit: 50 });
    expect(exhausted.items.map((item) => item.reason)).toEqual([
      'retriesExhausted',
      'retriesExhausted',
      'retriesExhausted',
    ]);
    expect(exhausted.nextCursor).toBeNull();
  });

  it('claims an entry for a redrive once, and a released claim can be taken again', async () => {
    const stored = entry();
    await writer.record([stored]);
    const first = await claims.claim(stored.id);
    expect(first).toMatchObject({ claimed: true, entry: { id: stored.id, redriveCount: 1 } });
    expect(first?.entry.redrivenAt).not.toBeNull();
    expect(await claims.claim(stored.id)).toMatchObject({ claimed: false, entry: { redriveCount: 1 } });

    await claims.release(stored.id);
    expect(await queries.get(stored.id)).toMatchObject({ redrivenAt: null, redriveCount: 0 });
    expect(await claims.claim(stored.id)).toMatchObject({ claimed: true });
    expect(await claims.claim(randomUUID())).toBeNull();
  });

  it('answers two concurrent claims with exactly one winner', async () => {
    const stored = entry();
    await writer.record([stored]);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => claims.claim(stored.id)));
    expect(outcomes.filter((outcome) => outcome?.claimed === true)).toHaveLength(1);
  });
});
