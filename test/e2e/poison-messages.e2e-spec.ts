import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { allTopics, retryTopic, STAGE_CATALOG, Topics } from '@app/contracts';
import { ApiClient } from '../support/api-client';
import { SystemUnderTest } from '../support/system-under-test';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

/**
 * Poison messages, end to end: garbage of every kind, produced with a raw Kafka producer onto every
 * partition of every topic a consumer reads, ends up in `GET /admin/dlq` (once per consuming group),
 * the consumers move on, and a redrive sends an entry back exactly once.
 */

const RETRY_MAX_ATTEMPTS = 2;

/** The envelope tenant of the 'wrong data' garbage: its entries show it, and `?tenant=` finds them. */
const POISON_TENANT = 'poisoned-tenant';

/** The consumer group of each stage (logical names, as dead-letter entries record them). */
const STAGE_GROUPS: Record<string, string> = {
  scrape: 'scraper',
  risk: 'risk',
  split: 'documents-split',
  ocr: 'documents-ocr',
  classify: 'documents-classify',
  scale: 'documents-scale',
};

/**
 * Which groups read each topic, so which groups dead-letter a bad message on it. Every group that
 * gives up on a message records its own entry: they are independent consumers, and a redrive of one
 * entry must not look handled for the others. A stage's cancellation consumer (a throwaway group per
 * process) records itself as `<group>.control`, so replicas and restarts share one entry.
 */
const CONSUMING_GROUPS: Record<string, string[]> = {
  [Topics.ScrapeRequested]: ['projector', 'scraper'],
  [Topics.ScrapeRequestedHigh]: ['projector', 'scraper.high'],
  [Topics.ScrapeRequestedLow]: ['projector', 'scraper.low'],
  [Topics.RiskRequested]: ['projector', 'risk'],
  [Topics.RiskRequestedHigh]: ['projector', 'risk.high'],
  [Topics.RiskRequestedLow]: ['projector', 'risk.low'],
  [Topics.DocumentsRequested]: ['projector', 'documents-split'],
  [Topics.DocumentsRequestedHigh]: ['projector', 'documents-split.high'],
  [Topics.DocumentsRequestedLow]: ['projector', 'documents-split.low'],
  // The shared request topics of before per-type topics: every request stage still reads them.
  [Topics.JobsRequested]: ['projector', 'scraper', 'risk', 'documents-split'],
  [Topics.JobsRequestedHigh]: ['projector', 'scraper.high', 'risk.high', 'documents-split.high'],
  [Topics.JobsRequestedLow]: ['projector', 'scraper.low', 'risk.low', 'documents-split.low'],
  [Topics.JobsControl]: ['projector', ...Object.values(STAGE_GROUPS).map((group) => `${group}.control`)],
  [Topics.ScrapeEvents]: ['projector'],
  [Topics.RiskEvents]: ['projector'],
  [Topics.DocumentsEvents]: ['projector', 'documents-ocr', 'documents-classify', 'documents-scale'],
  ...Object.fromEntries(
    Object.keys(STAGE_CATALOG).map((stage) => [retryTopic(stage, 1), [STAGE_GROUPS[stage]]]),
  ),
};

type GarbageKind = 'not JSON' | 'invalid UTF-8' | 'not an envelope' | 'wrong data';
const KINDS: GarbageKind[] = ['not JSON', 'invalid UTF-8', 'not an envelope', 'wrong data'];

interface Garbage {
  topic: string;
  partition: number;
  kind: GarbageKind;
  key: string;
  value: Buffer;
}

function garbage(topic: string, partition: number): Garbage {
  const kind = KINDS[partition % KINDS.length];
  const marker = `poison-${topic}-${partition}`;
  switch (kind) {
    case 'not JSON':
      return { topic, partition, kind, key: marker, value: Buffer.from(`this is not JSON ${marker} {`) };
    case 'invalid UTF-8':
      return {
        topic,
        partition,
        kind,
        key: marker,
        value: Buffer.concat([
          Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
          Buffer.from(marker),
          Buffer.from([0x80]),
        ]),
      };
    case 'not an envelope':
      return { topic, partition, kind, key: marker, value: Buffer.from(JSON.stringify({ hello: marker })) };
    case 'wrong data': {
      const jobId = randomUUID();
      const envelope = {
        id: randomUUID(),
        type: 'JobRequested',
        version: 1,
        jobId,
        tenantId: POISON_TENANT,
        correlationId: marker,
        causationId: null,
        occurredAt: new Date().toISOString(),
        data: { jobType: 'scrape', input: { url: 42 }, priority: 'urgent', idempotencyKey: null },
      };
      return { topic, partition, kind, key: jobId, value: Buffer.from(JSON.stringify(envelope)) };
    }
  }
}

interface DeadLetterItem {
  id: string;
  reason: string;
  source: { topic: string; partition: number; offset: string; group: string };
  jobId: string | null;
  tenantId: string | null;
  detail: string;
  errors: { path: string; message: string }[];
  attempts: number | null;
  failedAt: string;
  redrivenAt: string | null;
  redriveCount: number;
  original: {
    key: string | null;
    value: string | null;
    valueEncoding: 'utf8' | 'base64';
    headers: Record<string, string>;
  };
}

const bytesOf = (item: DeadLetterItem): Buffer | null =>
  item.original.value === null ? null : Buffer.from(item.original.value, item.original.valueEncoding);

describe('poison messages (end to end)', () => {
  const site = new TestSite();
  let system: SystemUnderTest;
  let api: ApiClient;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const produced: Garbage[] = [];

  /** Every dead-letter entry, through the API's pages. */
  async function allEntries(query = ''): Promise<DeadLetterItem[]> {
    const items: DeadLetterItem[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await api.request<{ items: DeadLetterItem[]; nextCursor: string | null }>(
        'GET',
        `/admin/dlq?limit=200${query}${suffix}`,
      );
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return items;
  }

  async function partitionsOf(topic: string): Promise<number> {
    const metadata = await admin.fetchTopicMetadata({ topics: [system.topicPrefix + topic] });
    return metadata.topics[0].partitions.length;
  }

  /** Messages on a topic so far (sum of its partitions' high watermarks). */
  async function messageCount(topic: string): Promise<bigint> {
    const offsets = await admin.fetchTopicOffsets(system.topicPrefix + topic);
    return offsets.reduce((sum, partition) => sum + BigInt(partition.high), 0n);
  }

  /** Waits until the projector's dead-letter group has committed everything now on the topic. */
  async function deadLettersRecorded(): Promise<void> {
    const topic = system.topicPrefix + Topics.DeadLetter;
    const written = await admin.fetchTopicOffsets(topic);
    await eventually('the dead-letter group to catch up', async () => {
      const [committed] = await admin.fetchOffsets({
        groupId: `${system.topicPrefix}projector.dead-letters`,
        topics: [topic],
      });
      return written.every(({ partition, high }) => {
        const offset = committed.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        return high === '0' || BigInt(offset) >= BigInt(high);
      })
        ? true
        : undefined;
    });
  }

  beforeAll(async () => {
    await site.start();
    system = await SystemUnderTest.start({
      env: {
        SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
        SCRAPER_TIMEOUT_MS: '1500',
        RETRY_MAX_ATTEMPTS: String(RETRY_MAX_ATTEMPTS),
        RETRY_BASE_DELAY_MS: '100',
      },
    });
    api = new ApiClient(system.baseUrl);
    kafka = new Kafka({ brokers: [process.env.KAFKA_BROKERS as string], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await system?.stop();
    await site.stop();
  });

  it('covers every topic a consumer reads', () => {
    const consumed = allTopics(RETRY_MAX_ATTEMPTS).filter((topic) => topic !== Topics.DeadLetter);
    expect(Object.keys(CONSUMING_GROUPS).sort()).toEqual(consumed.sort());
  });

  it('skips garbage on the dead-letter topic itself, on every partition, and keeps consuming it', async () => {
    const partitions = await partitionsOf(Topics.DeadLetter);
    const sent = await producer.send({
      topic: system.topicPrefix + Topics.DeadLetter,
      messages: Array.from({ length: partitions }, (_, partition) => ({
        partition,
        key: `dlq-garbage-${partition}`,
        value: partition % 2 === 0 ? 'not an entry' : JSON.stringify({ id: randomUUID(), reason: 'bogus' }),
      })),
    });
    // The dead-letter group commits past every one of them (it skipped them, it did not stop).
    const group = `${system.topicPrefix}projector.dead-letters`;
    await eventually('the dead-letter group to commit past the garbage', async () => {
      const [committed] = await admin.fetchOffsets({
        groupId: group,
        topics: [system.topicPrefix + Topics.DeadLetter],
      });
      return sent.every(({ partition, baseOffset }) => {
        const offset = committed.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        return BigInt(offset) > BigInt(baseOffset ?? '0');
      })
        ? true
        : undefined;
    });
  });

  it('dead-letters garbage of every kind from every consumed topic as invalidMessage, once per consuming group', async () => {
    for (const topic of Object.keys(CONSUMING_GROUPS)) {
      const partitions = await partitionsOf(topic);
      const messages = Array.from({ length: partitions }, (_, partition) => garbage(topic, partition));
      await producer.send({
        topic: system.topicPrefix + topic,
        messages: messages.map(({ partition, key, value, kind }) => ({
          partition,
          key,
          value,
          headers: { 'x-poison': kind },
        })),
      });
      produced.push(...messages);
    }
    const expectedEntries = produced.reduce((sum, g) => sum + CONSUMING_GROUPS[g.topic].length, 0);
    const keys = new Set(produced.map((g) => g.key));
    const entries = await eventually(
      `${expectedEntries} dead-letter entries`,
      async () => {
        const found = (await allEntries()).filter(
          (item) => item.original.key !== null && keys.has(item.original.key),
        );
        return found.length >= expectedEntries ? found : undefined;
      },
      45_000,
    );
    expect(entries).toHaveLength(expectedEntries);

    for (const message of produced) {
      const mine = entries.filter((item) => item.original.key === message.key);
      expect({ key: message.key, groups: mine.map((item) => item.source.group).sort() }).toEqual({
        key: message.key,
        groups: [...CONSUMING_GROUPS[message.topic]].sort(),
      });
      for (const item of mine) {
        expect(item).toMatchObject({
          reason: 'invalidMessage',
          source: { topic: message.topic, partition: message.partition },
          attempts: null,
          redrivenAt: null,
          redriveCount: 0,
        });
        expect(item.original.headers['x-poison']).toBe(message.kind);
        expect(bytesOf(item)?.equals(message.value)).toBe(true);
        expect(item.original.valueEncoding).toBe(message.kind === 'invalid UTF-8' ? 'base64' : 'utf8');
        expect(item.jobId).toBe(message.kind === 'wrong data' ? message.key : null);
        // Only the one kind that still parses as an envelope tells its tenant.
        expect(item.tenantId).toBe(message.kind === 'wrong data' ? POISON_TENANT : null);
        expect(item.detail).toBe(
          {
            'not JSON': 'not JSON',
            'invalid UTF-8': 'not JSON',
            'not an envelope': 'invalid envelope',
            'wrong data': 'invalid event data',
          }[message.kind],
        );
      }
    }
    // The reason and topic filters agree.
    const onScrapeEvents = await allEntries(`&reason=invalidMessage&topic=${Topics.ScrapeEvents}`);
    expect(onScrapeEvents.filter((item) => keys.has(item.original.key ?? ''))).toHaveLength(
      produced.filter((g) => g.topic === Topics.ScrapeEvents).length,
    );
    expect(await allEntries(`&topic=${Topics.DeadLetter}`)).toEqual([]);
    // The tenant filter finds exactly the entries whose envelope named that tenant.
    const ofTenant = await allEntries(`&tenant=${POISON_TENANT}`);
    expect(ofTenant.map((item) => item.id).sort()).toEqual(
      entries
        .filter((item) => item.tenantId === POISON_TENANT)
        .map((item) => item.id)
        .sort(),
    );
    expect(ofTenant.length).toBe(
      produced
        .filter((g) => g.kind === 'wrong data')
        .reduce((sum, g) => sum + CONSUMING_GROUPS[g.topic].length, 0),
    );
  });

  it('runs scrape and risk jobs submitted after the garbage (every partition had some)', async () => {
    const returns = Array.from({ length: 40 }, (_, i) => ((i * 37) % 11) / 1000 - 0.005);
    const [scrape, risk] = await Promise.all([
      api.submitScrape(`${site.baseUrl}/article`),
      api.submit({
        type: 'risk',
        input: {
          method: 'parametric',
          confidence: 0.99,
          horizonDays: 1,
          positions: [{ symbol: 'AAA', quantity: 10, price: 100 }],
          returns: { AAA: returns },
        },
      }),
    ]);
    expect(risk.status).toBe(202);
    expect((await api.terminal(scrape)).status).toBe('SUCCEEDED');
    expect((await api.terminal(risk.body.id as string)).status).toBe('SUCCEEDED');
  });

  it('dead-letters the retry message of a job whose retries ran out (retriesExhausted)', async () => {
    const id = await api.submitScrape(`${site.baseUrl}/down/exhausted`, { 'X-Request-ID': 'exhausting' });
    const missing = await api.submitScrape(`${site.baseUrl}/missing`);
    const job = await api.terminal(id);
    expect(job).toMatchObject({
      status: 'FAILED',
      attempts: RETRY_MAX_ATTEMPTS,
      error: { code: 'HTTP_503' },
    });
    const [entry] = await eventually('the retriesExhausted entry', async () => {
      const found = (await allEntries('&reason=retriesExhausted')).filter((item) => item.jobId === id);
      return found.length > 0 ? found : undefined;
    });
    expect(entry).toMatchObject({
      reason: 'retriesExhausted',
      source: { topic: retryTopic('scrape', RETRY_MAX_ATTEMPTS - 1), group: 'scraper' },
      attempts: RETRY_MAX_ATTEMPTS,
      original: { key: id, valueEncoding: 'utf8', headers: { 'x-correlation-id': 'exhausting' } },
    });
    expect(entry.detail).toMatch(/^HTTP_503: /);
    // The entry carries the job's tenant (the submitting key's), from the retry event's envelope.
    expect(entry.tenantId).toBe(job.tenantId);
    expect(entry.tenantId).toBe('default');
    // A non-retryable failure (404) is an outcome, not a dead letter: once the dead-letter group has
    // recorded everything on the topic (its message would be there: it goes out with StageFailed)...
    expect((await api.terminal(missing)).status).toBe('FAILED');
    await deadLettersRecorded();
    expect((await allEntries()).filter((item) => item.jobId === missing)).toEqual([]);
    const original = JSON.parse(bytesOf(entry)!.toString('utf8')) as {
      id: string;
      type: string;
      jobId: string;
      data: { attempt: number };
    };
    // The message's own headers (and its trace context, when tracing is on) came along.
    expect(entry.original.headers).toMatchObject({
      'event-type': 'StageRetryScheduled',
      'event-id': original.id,
    });
    expect(original).toMatchObject({
      type: 'StageRetryScheduled',
      jobId: id,
      data: { attempt: RETRY_MAX_ATTEMPTS },
    });

    // Once the site is back, redriving the entry re-runs the job from its stage as its next run.
    site.serve('/down/exhausted', { status: 200, body: '<html><head><title>Back</title></head></html>' });
    const redriven = await api.request('POST', `/admin/dlq/${entry.id}/redrive`);
    expect(redriven.status).toBe(202);
    const again = await api.request('POST', `/admin/dlq/${entry.id}/redrive`);
    expect(again).toMatchObject({ status: 200, body: { alreadyRedriven: true } });
    expect(await api.terminal(id)).toMatchObject({ status: 'SUCCEEDED', run: 1, result: { title: 'Back' } });
  });

  it('redrives an entry to its source topic exactly once, however often asked', async () => {
    const target = produced.find((g) => g.topic === Topics.ScrapeEvents && g.kind === 'not JSON')!;
    const [entry] = (await allEntries(`&topic=${Topics.ScrapeEvents}`)).filter(
      (item) => item.original.key === target.key,
    );
    const before = await messageCount(Topics.ScrapeEvents);

    const first = await api.request<DeadLetterItem & { alreadyRedriven: boolean }>(
      'POST',
      `/admin/dlq/${entry.id}/redrive`,
    );
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ id: entry.id, alreadyRedriven: false, redriveCount: 1 });
    expect(first.body.redrivenAt).not.toBeNull();
    const second = await api.request<DeadLetterItem & { alreadyRedriven: boolean }>(
      'POST',
      `/admin/dlq/${entry.id}/redrive`,
    );
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: entry.id, alreadyRedriven: true, redriveCount: 1 });

    // Each answer came after Kafka acknowledged any send: one message more, not two.
    expect((await messageCount(Topics.ScrapeEvents)) - before).toBe(1n);
    // The same bytes come back around: the projector dead-letters them again, as a new entry.
    const again = await eventually('the redriven message’s own entry', async () => {
      const found = (await allEntries(`&topic=${Topics.ScrapeEvents}`)).filter(
        (item) => item.original.key === target.key && item.id !== entry.id,
      );
      return found.length > 0 ? found : undefined;
    });
    expect(again).toHaveLength(1);
    expect(bytesOf(again[0])?.equals(target.value)).toBe(true);
    expect(again[0]).toMatchObject({ redriveCount: 0, source: { group: 'projector' } });
    expect(await api.request('GET', `/admin/dlq/${entry.id}`)).toMatchObject({
      status: 200,
      body: { id: entry.id, redriveCount: 1, redrivenAt: first.body.redrivenAt },
    });
  });

  it('documents the dead-letter endpoints in OpenAPI', async () => {
    const document = await api.request<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/docs/openapi.json',
    );
    expect(Object.keys(document.body.paths['/admin/dlq'] ?? {})).toEqual(['get']);
    expect(Object.keys(document.body.paths['/admin/dlq/{id}'] ?? {})).toEqual(['get']);
    expect(Object.keys(document.body.paths['/admin/dlq/{id}/redrive'] ?? {})).toEqual(['post']);
  });

  it.each([
    ['GET', `/admin/dlq/${randomUUID()}`, 404],
    ['POST', `/admin/dlq/${randomUUID()}/redrive`, 404],
    ['GET', '/admin/dlq/not-a-uuid', 400],
    ['POST', '/admin/dlq/not-a-uuid/redrive', 400],
    ['GET', '/admin/dlq?limit=0', 400],
    ['GET', '/admin/dlq?reason=bogus', 400],
    ['GET', '/admin/dlq?topic=a%20b', 400],
    ['GET', '/admin/dlq?cursor=nonsense', 400],
    ['GET', '/admin/dlq?tenant=Not%20A%20Tenant', 400],
    ['GET', `/admin/dlq?tenant=${'a'.repeat(64)}`, 400],
  ])('%s %s answers %i problem+json', async (method, path, status) => {
    const response = await api.request(method, path);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status, instance: path.split('?')[0] });
  });
});
