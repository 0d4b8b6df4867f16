import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { EVENT_VERSIONS, jobRequestedEventId, Topics, type JobRequested } from '@app/contracts';
import { findFreePort } from '@app/stack';
import { useSystemUnderTest } from '../support/e2e-system';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

/**
 * The spine end to end: gateway -> Kafka -> scraper -> projector -> Postgres, as real processes
 * against the harness's real Kafka and PostgreSQL, scraping a local site of our own.
 */
describe('scrape pipeline (end to end)', () => {
  const site = new TestSite();

  const e2e = useSystemUnderTest({
    site,
    env: {
      // The SSRF guard stays on; only the local test site's address is exempt.
      SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
      SCRAPER_TIMEOUT_MS: '1500',
      SCRAPER_MAX_BYTES: String(1024 * 1024),
      RETRY_MAX_ATTEMPTS: '4',
      RETRY_BASE_DELAY_MS: '100',
    },
  });

  it('scrapes a real-world-shaped page into exactly the specified result', async () => {
    const accepted = await e2e.api.submit({ type: 'scrape', input: { url: `${site.baseUrl}/article` } });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({
      id: expect.any(String),
      type: 'scrape',
      status: 'PENDING',
      createdAt: expect.any(String),
    });
    expect(accepted.headers.get('location')).toBe(`/jobs/${accepted.body.id as string}`);

    const job = await e2e.api.terminal(accepted.body.id as string);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.attempts).toBe(1);
    expect(job.error).toBeNull();
    const base = site.baseUrl;
    expect(job.result).toEqual({
      url: `${base}/article`,
      finalUrl: `${base}/article`,
      statusCode: 200,
      contentType: 'text/html; charset=utf-8',
      title: 'The Quick Brown Fox',
      description: 'All about foxes.',
      canonical: `${base}/article?ref=canonical`,
      lang: 'en-GB',
      h1: ['Foxes and hounds', 'Second'],
      links: [
        `${base}/a`,
        `${base}/b.html`,
        'http://other.example/c',
        'https://secure.example/d?q=1',
        `${base}/e`,
      ],
      bytes: expect.any(Number),
      fetchedAt: expect.any(String),
      durationMs: expect.any(Number),
    });
    expect(job.stages).toEqual([
      expect.objectContaining({
        stage: 'scrape',
        status: 'SUCCEEDED',
        attempts: 1,
        stageVersion: 'scraper@1',
      }),
    ]);
    expect(job.startedAt).not.toBeNull();
    expect(job.finishedAt).not.toBeNull();
  });

  it.each([
    ['/redirect/3', { finalUrl: '/article', title: 'The Quick Brown Fox' }],
    ['/legacy', { title: 'Café – “Prix” 5€', h1: ['Crème brûlée'] }],
    ['/legacy-meta', { title: 'L’été' }],
    ['/malformed', { title: 'Broken <b>page', h1: ['OneTwo'] }],
    ['/no-title', { title: null, h1: [], links: [] }],
  ])('scrapes %s', async (path, expected) => {
    const job = await e2e.api.terminal(await e2e.api.submitScrape(`${site.baseUrl}${path}`));
    expect(job.status).toBe('SUCCEEDED');
    const result = job.result as Record<string, unknown>;
    for (const [field, value] of Object.entries(expected)) {
      expect(result[field]).toEqual(field === 'finalUrl' ? `${site.baseUrl}${value as string}` : value);
    }
  });

  it('resolves links against <base href>', async () => {
    const job = await e2e.api.terminal(await e2e.api.submitScrape(`${site.baseUrl}/base`));
    const b = site.baseUrl;
    expect((job.result as { links: string[] }).links).toEqual([
      `${b}/docs/guide/intro.html`,
      `${b}/docs/api/`,
      `${b}/root`,
      `${b}/docs/guide/?q=2`,
    ]);
  });

  it.each([
    ['/missing', 'HTTP_404', 1],
    ['/json', 'UNSUPPORTED_CONTENT_TYPE', 1],
    ['/large', 'RESPONSE_TOO_LARGE', 1],
    ['/redirect/7', 'TOO_MANY_REDIRECTS', 1],
    ['/down/x', 'HTTP_503', 4],
    ['/slow/x', 'TIMEOUT', 4],
  ])('%s ends FAILED with %s after %i attempt(s)', async (path, code, attempts) => {
    const job = await e2e.api.terminal(await e2e.api.submitScrape(`${site.baseUrl}${path}`));
    expect(job.status).toBe('FAILED');
    expect(job.error).toEqual({ code, message: expect.any(String), retryable: attempts > 1 });
    expect(job.attempts).toBe(attempts);
    expect(job.result).toBeNull();
  });

  it('fetches a 4xx page once (not retried)', async () => {
    await e2e.api.terminal(await e2e.api.submitScrape(`${site.baseUrl}/missing`));
    const before = site.hitCount('/missing');
    await e2e.api.terminal(await e2e.api.submitScrape(`${site.baseUrl}/missing`));
    expect(site.hitCount('/missing') - before).toBe(1);
  });

  it('retries a flaky 503 and succeeds, with attempts showing it', async () => {
    const id = await e2e.api.submitScrape(`${site.baseUrl}/flaky/one`);
    const job = await e2e.api.terminal(id);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.attempts).toBe(3);
    expect(site.hitCount('/flaky/one')).toBe(3);
    const events = (await e2e.api.request<{ type: string }[]>('GET', `/jobs/${id}/events`)).body.map(
      (e) => e.type,
    );
    expect(events).toEqual([
      'JobRequested',
      'StageStarted',
      'StageAttemptFailed',
      'StageStarted',
      'StageAttemptFailed',
      'StageStarted',
      'StageCompleted',
    ]);
  });

  it('fails with NETWORK_ERROR when nothing listens', async () => {
    const closedPort = await findFreePort();
    const job = await e2e.api.terminal(await e2e.api.submitScrape(`http://127.0.0.1:${closedPort}/`));
    expect(job.status).toBe('FAILED');
    expect((job.error as { code: string }).code).toBe('NETWORK_ERROR');
    expect(job.attempts).toBe(4);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://[::1]/',
    'http://0.0.0.0/',
  ])('refuses %s with BLOCKED_ADDRESS (SSRF guard)', async (url) => {
    const job = await e2e.api.terminal(await e2e.api.submitScrape(url));
    expect(job.status).toBe('FAILED');
    expect(job.error).toEqual({ code: 'BLOCKED_ADDRESS', message: expect.any(String), retryable: false });
    expect(job.attempts).toBe(1);
  });

  it('runs a job once for the same Idempotency-Key and body, and refuses another body', async () => {
    const body = { type: 'scrape', input: { url: `${site.baseUrl}/flaky/idem` }, priority: 'high' };
    const first = await e2e.api.submit(body, { 'Idempotency-Key': 'key-1' });
    const again = await e2e.api.submit(
      { priority: 'high', input: { url: `${site.baseUrl}/flaky/idem` }, type: 'scrape' },
      {
        'Idempotency-Key': 'key-1',
      },
    );
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    await e2e.api.terminal(first.body.id as string);
    const third = await e2e.api.submit(body, { 'Idempotency-Key': 'key-1' });
    expect(third.body).toMatchObject({ id: first.body.id, status: 'SUCCEEDED' });
    expect(site.hitCount('/flaky/idem')).toBe(3); // 503, 503, 200: one job's attempts, not two jobs

    const other = await e2e.api.submit(
      { type: 'scrape', input: { url: `${site.baseUrl}/article` } },
      { 'Idempotency-Key': 'key-1' },
    );
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
  });

  it('keeps a sane X-Request-ID as the correlation id, on the response, the job and every event', async () => {
    const accepted = await e2e.api.submit(
      { type: 'scrape', input: { url: `${site.baseUrl}/article` } },
      { 'X-Request-ID': 'req-42:a.b' },
    );
    expect(accepted.headers.get('x-request-id')).toBe('req-42:a.b');
    const id = accepted.body.id as string;
    const job = await e2e.api.terminal(id);
    expect(job.correlationId).toBe('req-42:a.b');
    const events = (
      await e2e.api.request<{ correlationId: string; jobId: string }[]>('GET', `/jobs/${id}/events`)
    ).body;
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const event of events) expect(event).toMatchObject({ correlationId: 'req-42:a.b', jobId: id });

    const insane = await e2e.api.submit(
      { type: 'scrape', input: { url: `${site.baseUrl}/article` } },
      { 'X-Request-ID': 'bad id with spaces' },
    );
    const generated = insane.headers.get('x-request-id') ?? '';
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect((await e2e.api.job(insane.body.id as string)).correlationId).toBe(generated);
  });

  it('writes events with key = job id, the JSON envelope and the correlation header', async () => {
    const id = await e2e.api.submitScrape(`${site.baseUrl}/article`, { 'X-Request-ID': 'on-the-wire' });
    await e2e.api.terminal(id);
    const kafka = new Kafka({ brokers: [process.env.KAFKA_BROKERS as string], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${e2e.system.topicPrefix}wire-check` });
    const seen: { topic: string; key: string; value: Record<string, unknown>; correlation: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({
      topics: [`${e2e.system.topicPrefix}scrape.requested`, `${e2e.system.topicPrefix}scrape.events`],
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (message.key?.toString() !== id) return;
        seen.push({
          topic,
          key: message.key.toString(),
          value: JSON.parse(message.value?.toString() ?? 'null'),
          correlation: message.headers?.['x-correlation-id']?.toString() ?? '',
        });
      },
    });
    try {
      await eventually('the job’s messages on both topics', async () =>
        seen.length >= 3 ? true : undefined,
      );
    } finally {
      await consumer.disconnect();
    }
    for (const message of seen) {
      expect(message.key).toBe(id);
      expect(message.correlation).toBe('on-the-wire');
      // The request names the key that asked for it (`actor`); the stage's events do not.
      const actor = message.value.type === 'JobRequested' ? ['actor'] : [];
      expect(Object.keys(message.value).sort()).toEqual([
        ...actor,
        'causationId',
        'correlationId',
        'data',
        'id',
        'jobId',
        'occurredAt',
        'tenantId',
        'type',
        'version',
      ]);
    }
    expect(seen.map((m) => m.value.type)).toEqual(
      expect.arrayContaining(['JobRequested', 'StageStarted', 'StageCompleted']),
    );
  });

  it('runs a request left on the shared jobs.requested topic of before per-type topics', async () => {
    const jobId = randomUUID();
    const request: JobRequested = {
      id: jobRequestedEventId(jobId),
      type: 'JobRequested',
      version: EVENT_VERSIONS.JobRequested,
      jobId,
      tenantId: 'default',
      correlationId: `legacy-${jobId}`,
      causationId: null,
      occurredAt: new Date().toISOString(),
      // No job-type header: published by a gateway from before that header and per-type topics.
      data: {
        jobType: 'scrape',
        input: { url: `${site.baseUrl}/article` },
        priority: 'normal',
        idempotencyKey: null,
      },
    };
    const kafka = new Kafka({ brokers: [process.env.KAFKA_BROKERS as string], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: `${e2e.system.topicPrefix}${Topics.JobsRequested}`,
        messages: [{ key: jobId, value: JSON.stringify(request) }],
      });
    } finally {
      await producer.disconnect();
    }
    const job = await e2e.api.terminal(jobId);
    expect(job).toMatchObject({ type: 'scrape', status: 'SUCCEEDED', attempts: 1 });
  });

  it('lists jobs newest first with filters and an opaque cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await e2e.api.submitScrape(`${site.baseUrl}/missing?n=${i}`));
    await Promise.all(ids.map((id) => e2e.api.terminal(id)));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/jobs?status=FAILED&type=scrape&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await e2e.api.request<{
        items: { id: string; status: string }[];
        nextCursor: string | null;
      }>('GET', query);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      for (const item of page.body.items) expect(item.status).toBe('FAILED');
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    // Newest first: our five appear in reverse submission order.
    const ours = seen.filter((id) => ids.includes(id));
    expect(ours).toEqual([...ids].reverse());
    const defaults = await e2e.api.request<{ items: unknown[] }>('GET', '/jobs');
    expect(defaults.body.items.length).toBeLessThanOrEqual(50);
  });

  it('lists jobs by priority, correlation id and creation time', async () => {
    const correlationId = `list-${randomUUID()}`;
    const since = new Date().toISOString();
    const submitted: { id: string; priority: string }[] = [];
    for (const priority of ['high', 'low', 'high']) {
      const response = await e2e.api.submit(
        { type: 'scrape', input: { url: `${site.baseUrl}/missing?p=${priority}` }, priority },
        { 'x-request-id': correlationId },
      );
      expect(response.status).toBe(202);
      submitted.push({ id: (response.body as { id: string }).id, priority });
    }
    await Promise.all(submitted.map(({ id }) => e2e.api.terminal(id)));
    const listed = async (query: string): Promise<string[]> => {
      const page = await e2e.api.request<{ items: { id: string }[] }>('GET', `/jobs?${query}`);
      expect([query, page.status]).toEqual([query, 200]);
      return page.body.items.map((item) => item.id);
    };
    const newestFirst = submitted.map(({ id }) => id).reverse();
    expect(await listed(`correlationId=${correlationId}`)).toEqual(newestFirst);
    expect(await listed(`correlationId=${correlationId}&priority=high`)).toEqual(
      submitted
        .filter((job) => job.priority === 'high')
        .map(({ id }) => id)
        .reverse(),
    );
    const window = `createdAfter=${encodeURIComponent(since)}&createdBefore=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    expect((await listed(window)).filter((id) => newestFirst.includes(id))).toEqual(newestFirst);
    expect(await listed(`correlationId=${correlationId}&createdBefore=${encodeURIComponent(since)}`)).toEqual(
      [],
    );
    for (const query of [
      'priority=urgent',
      'correlationId=has%20space',
      'createdAfter=yesterday',
      'createdAfter=2026-12-07',
      'createdAfter=2026-12-07T24:00:00Z',
      'createdBefore=2026-12-07T10:00:00',
      'createdBefore=2026-02-30T00:00:00Z',
    ]) {
      const response = await e2e.api.request('GET', `/jobs?${query}`);
      expect([query, response.status, response.headers.get('content-type')]).toEqual([
        query,
        400,
        expect.stringContaining('application/problem+json'),
      ]);
    }
  });

  it('cancels a job whose fetch is in flight: the fetch is aborted, the job ends CANCELLED, no retry', async () => {
    const id = await e2e.api.submitScrape(`${site.baseUrl}/slow/cancel-me`);
    await eventually('the fetch to reach the site', async () =>
      site.hitCount('/slow/cancel-me') === 1 ? true : undefined,
    );
    const cancelled = await e2e.api.request('DELETE', `/jobs/${id}`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ id, status: 'CANCELLED' });
    // The connection is closed by the cancellation, before the 1500 ms fetch timeout could do it.
    const closedAfter = await eventually('the in-flight fetch to be aborted', async () =>
      site.closedAfterMs.get('/slow/cancel-me'),
    );
    expect(closedAfter).toBeLessThan(1500);
    const job = await e2e.api.job(id);
    expect(job.status).toBe('CANCELLED');
    expect((await e2e.api.request('DELETE', `/jobs/${id}`)).status).toBe(409);
    const finished = await e2e.api.terminal(await e2e.api.submitScrape(`${site.baseUrl}/article`));
    // The gateway pre-applies CANCELLED to the job; its history is written by the projector, later.
    const events = await eventually('the cancellation to reach the job history', async () => {
      const types = (await e2e.api.request<{ type: string }[]>('GET', `/jobs/${id}/events`)).body.map(
        (e) => e.type,
      );
      return types.includes('JobCancelRequested') ? types : undefined;
    });
    expect(events).not.toContain('StageAttemptFailed');
    expect(events).not.toContain('StageRetryScheduled');
    expect(site.hitCount('/slow/cancel-me')).toBe(1);
    const conflict = await e2e.api.request('DELETE', `/jobs/${finished.id as string}`);
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
    expect((await e2e.api.request('DELETE', '/jobs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('answers 404 problem+json for unknown jobs', async () => {
    for (const path of [
      '/jobs/00000000-0000-4000-8000-000000000000',
      '/jobs/not-a-uuid',
      '/jobs/00000000-0000-4000-8000-000000000000/events',
    ]) {
      const response = await e2e.api.request('GET', path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 404, title: 'Not Found' });
    }
  });

  it('answers a hundred malformed requests with 4xx problem+json and keeps serving', async () => {
    const url = `${site.baseUrl}/article`;
    const bodies: { raw?: string | Buffer; json?: unknown; headers?: Record<string, string> }[] = [
      { raw: '{' },
      { raw: 'null' },
      { raw: '[]' },
      { raw: '"scrape"' },
      { raw: '42' },
      { raw: '' },
      {
        raw: '{"type":"scrape","input":{"url":"' + url + '"}',
        headers: { 'content-type': 'application/json' },
      },
      { raw: Buffer.alloc(2 * 1024 * 1024, 0x20) },
      { raw: `{"type":"scrape","input":{"url":"${'a'.repeat(1024 * 1024 + 10)}"}}` },
      { raw: '<xml/>', headers: { 'content-type': 'application/xml' } },
      { json: {} },
      { json: { type: 'scrape' } },
      { json: { input: { url } } },
      { json: { type: 'nope', input: { url } } },
      { json: { type: 'scrape', input: { url }, extra: true } },
      { json: { type: 'scrape', input: { url, extra: 1 } } },
      { json: { type: 'scrape', input: { url }, priority: 'urgent' } },
      { json: { type: 'scrape', input: {} } },
      { json: { type: 'scrape', input: 'http://x' } },
      { json: { type: 'scrape', input: null } },
      { json: { type: 'scrape', input: [url] } },
      { json: { type: 'scrape', input: { url: 42 } } },
      { json: { type: 'scrape', input: { url: null } } },
      { json: { type: 'scrape', input: { url: '' } } },
      { json: { type: 'scrape', input: { url: 'ftp://example.com/file' } } },
      { json: { type: 'scrape', input: { url: 'javascript:alert(1)' } } },
      { json: { type: 'scrape', input: { url: 'file:///etc/passwd' } } },
      { json: { type: 'scrape', input: { url: 'data:text/html,hi' } } },
      { json: { type: 'scrape', input: { url: 'mailto:a@b.c' } } },
      { json: { type: 'scrape', input: { url: '/relative/path' } } },
      { json: { type: 'scrape', input: { url: 'http://' } } },
      { json: { type: 'scrape', input: { url: `https://example.com/${'x'.repeat(3000)}` } } },
      { json: { type: 42, input: { url } } },
      { json: { type: ['scrape'], input: { url } } },
      { json: { type: 'scrape', input: { url }, priority: 1 } },
      { json: { type: 'scrape', input: { url: { href: url } } } },
      { json: { type: 'scrape', input: { url } }, headers: { 'Idempotency-Key': 'x'.repeat(256) } },
      { json: { type: 'scrape', input: { url } }, headers: { 'Idempotency-Key': 'has space' } },
      { raw: '{"type":"scrape","input":{"url":"' + url + '"},"constructor":{"prototype":{"x":1}}}' },
      { raw: '{"type":"scrape","input":{"url":"' + url + '","__proto__":{"admin":true}}}' },
    ];
    let sent = 0;
    while (sent < 100) {
      const spec = bodies[sent % bodies.length];
      const response =
        spec.json !== undefined
          ? await e2e.api.request('POST', '/jobs', { json: spec.json, headers: spec.headers })
          : await e2e.api.request('POST', '/jobs', {
              rawBody: spec.raw,
              headers: { 'content-type': 'application/json', ...spec.headers },
            });
      expect([sent, response.status]).toEqual([sent, expect.any(Number)]);
      if (response.status < 400 || response.status >= 500) {
        throw new Error(
          `request #${sent} (${JSON.stringify(spec).slice(0, 200)}) answered ${response.status}`,
        );
      }
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({
        status: response.status,
        title: expect.any(String),
        detail: expect.any(String),
      });
      sent += 1;
    }
    for (const query of [
      'limit=0',
      'limit=201',
      'limit=abc',
      'status=DONE',
      'type=x',
      'cursor=garbage',
      'unknown=1',
    ]) {
      const response = await e2e.api.request('GET', `/jobs?${query}`);
      expect([query, response.status]).toEqual([query, 400]);
    }
    const field = await e2e.api.submit({ type: 'scrape', input: { url: 'ftp://x' } });
    expect(field.body.errors).toEqual([{ path: 'input.url', message: expect.stringContaining('http') }]);
    expect((await e2e.api.request('GET', '/health/ready')).status).toBe(200);
    const job = await e2e.api.terminal(await e2e.api.submitScrape(url));
    expect(job.status).toBe('SUCCEEDED');
  });

  it('moves the Prometheus counters when a job runs', async () => {
    const counter = (text: string, name: string, labels: string): number => {
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = (await e2e.api.request<string>('GET', '/metrics')).body;
    await e2e.api.terminal(await e2e.api.submitScrape(`${site.baseUrl}/article`));
    const after = await e2e.api.request<string>('GET', '/metrics');
    expect(after.headers.get('content-type')).toContain('text/plain');
    expect(counter(after.body, 'jobs_accepted_total', 'type="scrape"')).toBe(
      counter(before, 'jobs_accepted_total', 'type="scrape"') + 1,
    );
    expect(counter(after.body, 'http_requests_total', 'route="/jobs",status="202"')).toBeGreaterThan(
      counter(before, 'http_requests_total', 'route="/jobs",status="202"'),
    );
  });

  it('reports ready and live', async () => {
    expect((await e2e.api.request('GET', '/health/live')).status).toBe(200);
    const ready = await e2e.api.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { kafka: 'up', postgres: 'up', blobs: 'up' } });
  });
});
