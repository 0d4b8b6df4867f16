import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { Topics } from '@app/contracts';
import { ApiClient } from '../support/api-client';
import { SystemUnderTest } from '../support/system-under-test';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

/**
 * Issue 12 point 0, "no event can stall a consumer", end to end: events that are valid JSON but hold
 * text PostgreSQL cannot store (a lone surrogate escape, \u0000, written as raw JSON bytes), and events
 * that pass the codec but fail in PostgreSQL (an ISO week date as occurredAt), produced straight to
 * every partition of jobs.requested, scrape.events and jobs.control ahead of valid jobs: the valid jobs
 * complete, the DLQ lists the poison with its reason, and a poisoned job shows EVENT_DEAD_LETTERED.
 */

interface DeadLetterItem {
  id: string;
  reason: string;
  source: { topic: string; partition: number; offset: string; group: string };
  jobId: string | null;
  detail: string;
  errors: { path: string; message: string }[];
}

interface Poison {
  topic: string;
  partition: number;
  jobId: string;
  /** Raw JSON text: escapes stay as written (JSON.stringify would not write a lone surrogate). */
  value: string;
  reason: 'invalidMessage' | 'unprojectable';
}

const now = (): string => new Date().toISOString();

function envelope(jobId: string, type: string, data: string, occurredAt = now()): string {
  return (
    `{"id":"${randomUUID()}","type":"${type}","version":1,"jobId":"${jobId}","tenantId":"default",` +
    `"correlationId":"poison","causationId":null,"occurredAt":"${occurredAt}","data":${data}}`
  );
}

function poisons(partition: number): Poison[] {
  const id = (): string => randomUUID();
  const list: Poison[] = [];
  const add = (topic: string, reason: Poison['reason'], make: (jobId: string) => string): void => {
    const jobId = id();
    list.push({ topic, partition, jobId, value: make(jobId), reason });
  };
  add(Topics.JobsRequested, 'invalidMessage', (jobId) =>
    envelope(
      jobId,
      'JobRequested',
      '{"jobType":"scrape","input":{"url":"http://x/\\ud800"},"priority":"normal","idempotencyKey":null}',
    ),
  );
  add(Topics.JobsRequested, 'invalidMessage', (jobId) =>
    envelope(
      jobId,
      'JobRequested',
      '{"jobType":"scrape","input":{"url":"http://x/\\u0000"},"priority":"normal","idempotencyKey":null}',
    ),
  );
  add(Topics.ScrapeEvents, 'invalidMessage', (jobId) =>
    envelope(jobId, 'StageStarted', '{"stage":"scrape","stageVersion":"scraper@\\udc00","attempt":1}'),
  );
  add(Topics.ScrapeEvents, 'unprojectable', (jobId) =>
    envelope(
      jobId,
      'StageStarted',
      '{"stage":"scrape","stageVersion":"scraper@1","attempt":1}',
      '2026-W01-1',
    ),
  );
  add(Topics.JobsControl, 'invalidMessage', (jobId) =>
    envelope(jobId, 'JobCancelRequested', '{"reason":"stop\\u0000"}'),
  );
  add(Topics.JobsControl, 'unprojectable', (jobId) =>
    envelope(jobId, 'JobCancelRequested', '{"reason":"stop"}', '2026-W01-1'),
  );
  return list;
}

describe('events the read models cannot store (end to end)', () => {
  const site = new TestSite();
  let system: SystemUnderTest;
  let api: ApiClient;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const produced: Poison[] = [];

  /** A job's dead-letter entries, through every page of the list (filtered by the poison's topic and reason). */
  async function entriesOf(poison: Poison): Promise<DeadLetterItem[]> {
    const items: DeadLetterItem[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await api.request<{ items: DeadLetterItem[]; nextCursor: string | null }>(
        'GET',
        `/admin/dlq?limit=200&topic=${poison.topic}&reason=${poison.reason}${suffix}`,
      );
      expect(page.status).toBe(200);
      items.push(...page.body.items.filter((item) => item.jobId === poison.jobId));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return items;
  }

  beforeAll(async () => {
    await site.start();
    system = await SystemUnderTest.start({ env: { SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1' } });
    api = new ApiClient(system.baseUrl);
    kafka = new Kafka({ brokers: [process.env.KAFKA_BROKERS as string], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await system?.stop();
    await site.stop();
  });

  it('the gateway refuses the issue’s request with 400, naming the field', async () => {
    const response = await api.submit({ type: 'scrape', input: { url: 'http://x/\ud800' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([
      { path: 'input.url', message: 'contains a lone UTF-16 surrogate (U+D800), which cannot be stored' },
    ]);
  });

  it('valid jobs behind poison on every partition still complete', async () => {
    for (const topic of [Topics.JobsRequested, Topics.ScrapeEvents, Topics.JobsControl]) {
      const metadata = await admin.fetchTopicMetadata({ topics: [system.topicPrefix + topic] });
      const partitions = metadata.topics[0].partitions.length;
      // Every partition gets the poison first, so whatever partition a valid job's id hashes to has it.
      const mine = Array.from({ length: partitions }, (_, p) => poisons(p))
        .flat()
        .filter((x) => x.topic === topic);
      await producer.send({
        topic: system.topicPrefix + topic,
        messages: mine.map(({ partition, jobId, value }) => ({
          partition,
          key: jobId,
          value: Buffer.from(value, 'utf8'),
        })),
      });
      produced.push(...mine);
    }
    const ids = await Promise.all(
      Array.from({ length: 6 }, () => api.submitScrape(`${site.baseUrl}/article`)),
    );
    for (const id of ids) expect((await api.terminal(id, 90_000)).status).toBe('SUCCEEDED');
  });

  it('dead-letters each poison with its reason (the projector’s entry), and the poisoned request’s job shows it', async () => {
    const samples = produced.filter((p) => p.partition === 0);
    for (const poison of samples) {
      const entries = await eventually(
        `the projector's ${poison.reason} entry for ${poison.topic}`,
        async () => {
          const found = (await entriesOf(poison)).filter((item) => item.source.group === 'projector');
          return found.length > 0 ? found : undefined;
        },
        60_000,
      );
      expect(entries[0]).toMatchObject({
        reason: poison.reason,
        source: { topic: poison.topic, partition: 0 },
      });
      if (poison.reason === 'unprojectable') expect(entries[0].detail).toMatch(/^SQLSTATE 22007: /);
      else expect(entries[0].detail).toBe('unstorable text');
    }
    const request = samples.find((p) => p.topic === Topics.JobsRequested)!;
    const job = await eventually('the poisoned job to show its failure', async () => {
      const response = await api.request('GET', `/jobs/${request.jobId}`);
      return response.status === 200 && response.body.status === 'FAILED' ? response.body : undefined;
    });
    expect(job).toMatchObject({
      type: 'scrape',
      error: { code: 'EVENT_DEAD_LETTERED', retryable: false },
    });
    expect((job.error as { message: string }).message).toMatch(
      /^invalidMessage: unstorable text: data\.input\.url/,
    );
    // Nothing to re-run from: the request itself never made it into the history.
    expect((await api.request('POST', `/jobs/${request.jobId}/retry`)).status).toBe(409);
    const unprojectable = await api.request<{ items: DeadLetterItem[] }>(
      'GET',
      '/admin/dlq?reason=unprojectable&limit=200',
    );
    expect(unprojectable.status).toBe(200);
    expect(unprojectable.body.items.length).toBeGreaterThan(0);
    expect(unprojectable.body.items.every((item) => item.reason === 'unprojectable')).toBe(true);
  });
});
