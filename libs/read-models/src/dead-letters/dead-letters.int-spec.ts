import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { decodeEvent } from '@app/contracts';
import { deadLetterMessage, type DeadLetterEntry } from '@app/platform';
import { jobRequested, stageStarted } from '@app/contracts/testing';
import { applyEvents, foldJobRequested } from '../job-projection';
import { createMigratedDatabase, dropMigratedDatabase } from '@app/test-support/harness-env';
import { decodeCursor } from '../keyset-cursor';
import { DeadLetterClaims } from './dead-letter-claims';
import { DeadLetterQueries } from './dead-letter-queries';
import { DeadLetterWriter } from './dead-letter-writer';
import { DeadLetterTenants1774000000000 } from '../migrations/1774000000000-dead-letter-tenants';

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
      tenantId: null,
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
    // A lone surrogate (jsonb refuses JSON.stringify's \ud800) in a descriptive field becomes U+FFFD.
    const lone: DeadLetterEntry = { ...entry(), errors: [{ path: 'x\udc00', message: 'lone \ud800' }] };
    // A value PostgreSQL refuses (a data exception: a timestamp it cannot read) is skipped.
    const refused: DeadLetterEntry = { ...entry(), failedAt: '2026-W01-1' };
    const fine = entry();
    expect(await writer.record([withNul, sneaky, lone, refused, fine])).toBe(4);
    expect(await queries.get(refused.id)).toBeNull();
    expect((await queries.get(lone.id))?.errors).toEqual([{ path: 'x\uFFFD', message: 'lone \uFFFD' }]);
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

  it('keeps the envelope tenantId when the value parses far enough to tell, else null, and filters by it', async () => {
    const tenant = `t${randomBytes(3).toString('hex')}`;
    const topic = `t${randomBytes(3).toString('hex')}.events`;
    const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
    const known = entry({ topic, value: json(jobRequested({ jobId: randomUUID(), tenantId: tenant })) });
    // Invalid as an event (no data, no type) but its envelope still names the tenant.
    const partial = entry({ topic, value: json({ tenantId: tenant, nonsense: true }) });
    const unknown = [
      entry({ topic }), // not JSON
      entry({ topic, value: json([{ tenantId: tenant }]) }), // an array
      entry({ topic, value: json({ tenantId: 'NOT A TENANT' }) }), // not a tenant name
      entry({ topic, value: json({ tenantId: 7 }) }),
      entry({ topic, value: Buffer.from([0xff, 0xfe, 0x7b]) }), // not UTF-8 (kept as base64)
      entry({ topic, value: json(jobRequested({ jobId: randomUUID(), tenantId: 'other' })) }),
    ];
    await writer.record([known, partial, ...unknown]);
    expect((await queries.get(known.id))?.tenantId).toBe(tenant);
    expect((await queries.get(partial.id))?.tenantId).toBe(tenant);
    const tenants = await Promise.all(unknown.map(async (e) => (await queries.get(e.id))?.tenantId));
    expect(tenants).toEqual([null, null, null, null, null, 'other']);
    const listed = await queries.list({ topic, tenant, limit: 50 });
    expect(listed.items.map((item) => item.id).sort()).toEqual([known.id, partial.id].sort());
    expect(listed.items.every((item) => item.tenantId === tenant)).toBe(true);
    expect((await queries.list({ tenant: `${tenant}x`, limit: 50 })).items).toEqual([]);
  });

  it('migration 1774000000000 gives entries recorded before it their tenant, read the same way', async () => {
    const tenant = `m${randomBytes(3).toString('hex')}`;
    const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
    const made = [
      entry({ value: json(jobRequested({ jobId: randomUUID(), tenantId: tenant })) }),
      entry({ value: json({ tenantId: tenant }) }),
      entry(), // not JSON
      entry({ value: json({ tenantId: 'Not-A-Tenant' }) }),
      entry({ value: Buffer.from([0xff, 0xfe, 0x7b]) }),
      entry({ value: Buffer.from(`{"tenantId":"${tenant}","x":"a\u0000b"}`, 'utf8') }), // jsonb refuses
    ];
    await writer.record(made);
    const migration = new DeadLetterTenants1774000000000();
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const tenants = await Promise.all(made.map(async (e) => (await queries.get(e.id))?.tenantId));
    expect(tenants).toEqual([tenant, tenant, null, null, null, null]);
    expect((await queries.list({ tenant, limit: 50 })).items.map((item) => item.id).sort()).toEqual(
      [made[0].id, made[1].id].sort(),
    );
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

describe('a dead-lettered event fails its job (EVENT_DEAD_LETTERED)', () => {
  async function jobRow(
    id: string,
  ): Promise<{ status: string; error: unknown; requested: boolean; type: string } | undefined> {
    const rows: { status: string; error: unknown; requested: boolean; type: string }[] =
      await dataSource.query(`SELECT status, error, requested, type FROM jobs WHERE id = $1`, [id]);
    return rows[0];
  }

  function unprojectable(jobId: string, topic = 'scrape.events'): DeadLetterEntry {
    const message = deadLetterMessage(
      {
        topic,
        partition: 2,
        offset: String(nextOffset++),
        key: Buffer.from(jobId),
        value: Buffer.from('{}'),
        headers: {},
      },
      'projector',
      'unprojectable',
      'SQLSTATE 22007: invalid input syntax for type timestamp with time zone: "2026-W01-1"',
      [],
      { attempts: 2 },
    );
    return JSON.parse(String(message.value)) as DeadLetterEntry;
  }

  it('the example is real: a StageStarted the codec accepts and PostgreSQL refuses (22007)', async () => {
    const request = jobRequested({ jobId: randomUUID() });
    const poisoned = { ...stageStarted(request, 1), occurredAt: '2026-W01-1' };
    expect(decodeEvent(Buffer.from(JSON.stringify(poisoned))).ok).toBe(true);
    await expect(
      dataSource.transaction((manager) =>
        applyEvents(manager, [{ event: poisoned, topic: 'scrape.events', partition: 0, offset: '0' }]),
      ),
    ).rejects.toMatchObject({ code: '22007' });
  });

  it('fails a pending job, naming the reason, detail and position', async () => {
    const request = jobRequested({ jobId: randomUUID() });
    await foldJobRequested(dataSource, request);
    const stored = unprojectable(request.jobId);
    await writer.record([stored]);
    const row = await jobRow(request.jobId);
    expect(row).toMatchObject({
      status: 'FAILED',
      requested: true,
      error: { code: 'EVENT_DEAD_LETTERED', retryable: false },
    });
    expect((row?.error as { message: string }).message).toBe(
      `unprojectable: SQLSTATE 22007: invalid input syntax for type timestamp with time zone: "2026-W01-1" ` +
        `(scrape.events/2/${stored.source.offset}, dead-letter ${stored.id})`,
    );
  });

  it('keeps the failure in a hidden placeholder until the request comes, and the request fold does not erase it', async () => {
    const request = jobRequested({ jobId: randomUUID() });
    await writer.record([unprojectable(request.jobId)]);
    expect(await jobRow(request.jobId)).toMatchObject({ status: 'FAILED', requested: false });
    await foldJobRequested(dataSource, request);
    expect(await jobRow(request.jobId)).toMatchObject({
      status: 'FAILED',
      requested: true,
      type: 'scrape',
      error: { code: 'EVENT_DEAD_LETTERED' },
    });
  });

  it('leaves a finished job as it is', async () => {
    const request = jobRequested({ jobId: randomUUID() });
    await foldJobRequested(dataSource, request);
    await dataSource.query(`UPDATE jobs SET status = 'SUCCEEDED' WHERE id = $1`, [request.jobId]);
    await writer.record([unprojectable(request.jobId)]);
    expect(await jobRow(request.jobId)).toMatchObject({ status: 'SUCCEEDED', error: null });
  });

  it('shows a job whose request itself was dead-lettered (invalidMessage on a request topic)', async () => {
    const request = jobRequested({ jobId: randomUUID() });
    const text = JSON.stringify(request).replace(/"url":"[^"]*"/, '"url":"http://x/\\ud800"');
    const invalid = decodeEvent(Buffer.from(text));
    expect(invalid).toMatchObject({ ok: false, reason: 'unstorable text' });
    const message = deadLetterMessage(
      {
        topic: 'jobs.requested',
        partition: 0,
        offset: String(nextOffset++),
        key: Buffer.from(request.jobId),
        value: Buffer.from(text),
        headers: {},
      },
      'projector',
      'invalidMessage',
      'unstorable text',
      invalid.ok ? [] : invalid.errors,
    );
    await writer.record([JSON.parse(String(message.value)) as DeadLetterEntry]);
    const row = await jobRow(request.jobId);
    expect(row).toMatchObject({ status: 'FAILED', requested: true, type: 'scrape' });
    expect((row?.error as { message: string }).message).toMatch(
      /^invalidMessage: unstorable text: data\.input\.url contains a lone UTF-16 surrogate/,
    );
  });
});
