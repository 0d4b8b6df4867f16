import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { buildTestPdf } from '@app/documents/testing';
import { ApiClient, type ApiResponse } from '../support/api-client';
import { OtlpSink } from '../support/otlp-sink';
import { SystemUnderTest } from '../support/system-under-test';
import { TEST_ADMIN_KEY } from '../support/test-keys';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';

type Role = 'admin' | 'member' | 'reader';

/** Every answer a client got, with what it asked (so the test can grep the error answers). */
interface Exchange {
  method: string;
  path: string;
  response: ApiResponse<unknown>;
}

/** An ApiClient that keeps every exchange in `log`. */
class RecordingClient extends ApiClient {
  constructor(
    baseUrl: string,
    key: string | null,
    private readonly log: Exchange[],
  ) {
    super(baseUrl, key);
  }

  override async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { json?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const response = await super.request<T>(method, path, options);
    this.log.push({ method, path, response });
    return response;
  }
}

/** An answer as text: status, every header, the body. */
function answerText({ response }: Exchange): string {
  const headers = [...response.headers.entries()].map(([name, value]) => `${name}: ${value}`).join('\n');
  const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  return `${response.status}\n${headers}\n\n${body}`;
}

/** Every row of every table of the system's database (public and ops schemas), as JSON text. */
async function databaseText(databaseUrl: string): Promise<{ text: string; tables: number; rows: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables
       WHERE table_schema IN ('public', 'ops') AND table_type = 'BASE TABLE'`,
    );
    const parts: string[] = [];
    let rows = 0;
    for (const { table_schema: schema, table_name: table } of tables.rows) {
      const result = await client.query<{ row: string }>(
        `SELECT row_to_json(t)::text AS row FROM "${schema}"."${table}" t`,
      );
      rows += result.rows.length;
      parts.push(`-- ${schema}.${table}`, ...result.rows.map((r) => r.row));
    }
    return { text: parts.join('\n'), tables: tables.rows.length, rows };
  } finally {
    await client.end();
  }
}

/**
 * Every message of every topic of the system (its topic prefix), read from the beginning: key, value
 * and headers as text. Reads until each partition's high watermark as it was when called.
 */
async function kafkaText(topicPrefix: string): Promise<{ text: string; topics: number; messages: number }> {
  const kafka = new Kafka({
    clientId: 'secrets-scan',
    brokers: (process.env.KAFKA_BROKERS as string).split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
  const remaining = new Map<string, bigint>();
  for (const topic of topics) {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) > 0n) remaining.set(`${topic}/${partition}`, BigInt(high) - 1n);
    }
  }
  await admin.disconnect();
  const parts: string[] = [];
  let messages = 0;
  const consumer = kafka.consumer({ groupId: `secrets-scan-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        messages += 1;
        const headers = Object.entries(message.headers ?? {})
          .map(([name, value]) => `${name}: ${String(value)}`)
          .join('\n');
        parts.push(
          `-- ${topic}/${partition}/${message.offset}`,
          message.key?.toString('latin1') ?? '',
          headers,
          message.value?.toString('latin1') ?? '',
        );
        const last = remaining.get(`${topic}/${partition}`);
        if (last !== undefined && BigInt(message.offset) >= last) remaining.delete(`${topic}/${partition}`);
      },
    });
    await eventually(
      'every partition read to its end',
      () => (remaining.size === 0 ? true : undefined),
      60_000,
    );
  } finally {
    await consumer.disconnect();
  }
  return { text: parts.join('\n'), topics: topics.length, messages };
}

/**
 * Secrets end to end: after a run with several keys (created, used, revoked, expired, wrong ones sent,
 * a tenant over its rate, METRICS_KEY), no key secret appears in any service's log output, any Kafka
 * message (every topic from the beginning: events, retries, dead letters), any database row, any
 * error answer (or any answer's headers), the gateway's /metrics text, or any exported span (caught by
 * a local OTLP receiver). A canary sent as X-Request-ID shows each place was really searched: it is
 * found in every one of them (except the metrics, which carry no request values).
 */
describe('secrets never leave the key holder (end to end)', () => {
  const site = new TestSite();
  const sink = new OtlpSink();
  const METRICS_KEY = `metrics-${randomBytes(24).toString('base64url')}`;
  const canary = `canary-${randomBytes(6).toString('hex')}`;
  const exchanges: Exchange[] = [];
  const secrets: string[] = [TEST_ADMIN_KEY, METRICS_KEY];
  let system: SystemUnderTest;
  let stopped = false;
  let admin: RecordingClient;
  let metricsText = '';

  const client = (key: string | null): RecordingClient => new RecordingClient(system.baseUrl, key, exchanges);

  const createKey = async (tenant: string, role: Role, expiresAt: string | null = null) => {
    const response = await admin.request('POST', '/admin/keys', { json: { tenant, role, expiresAt } });
    expect(response.status).toBe(201);
    const key = response.body.key as string;
    expect(key).toMatch(/^ejk_[A-Za-z0-9_-]{43}$/);
    secrets.push(key);
    return { key, id: response.body.id as string, api: client(key) };
  };

  beforeAll(async () => {
    await Promise.all([site.start(), sink.start()]);
    system = await SystemUnderTest.start({
      // Every service, so every one's log output and spans are searched.
      env: {
        RISK_THREADS: '1',
        DOCUMENTS_DPI: '72',
        LOG_LEVEL: 'debug',
        METRICS_KEY,
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
        // Every read traced too (the default keeps 1%).
        OTEL_TRACES_READ_SAMPLE_RATIO: '1',
        SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
        SCRAPER_TIMEOUT_MS: '3000',
        TENANT_RATE_LIMITS: 'limited=1/2',
      },
    });
    admin = client(TEST_ADMIN_KEY);
  });

  afterAll(async () => {
    if (!stopped) await system?.stop();
    await sink.stop();
    await site.stop();
  });

  it('runs keys through their life: created, used, refused, revoked, expired, rate-limited', async () => {
    const member = await createKey('acme', 'member');
    const reader = await createKey('acme', 'reader');
    const globex = await createKey('globex', 'member');
    const doomed = await createKey('acme', 'member');
    const limited = await createKey('limited', 'member');
    const shortLived = await createKey('acme', 'reader', new Date(Date.now() + 1_500).toISOString());

    // Used: submits (Bearer and X-API-Key), reads, a cancellation, a re-run, an idempotent resubmit.
    const done = await member.api.submit(
      { type: 'scrape', input: { url: `${site.baseUrl}/article` } },
      { 'X-Request-ID': canary, 'Idempotency-Key': `idem-${canary}` },
    );
    expect(done.status).toBe(202);
    const again = await member.api.submit(
      { type: 'scrape', input: { url: `${site.baseUrl}/article` } },
      { 'Idempotency-Key': `idem-${canary}` },
    );
    expect(again.body.id).toBe(done.body.id);
    const failing = await client(null).request('POST', '/jobs', {
      json: { type: 'scrape', input: { url: `${site.baseUrl}/missing` } },
      headers: { 'X-API-Key': globex.key },
    });
    expect(failing.status).toBe(202);
    const slow = await member.api.submitScrape(`${site.baseUrl}/slow/secrets`);
    expect((await member.api.request('DELETE', `/jobs/${slow}`)).status).toBe(202);
    expect((await member.api.terminal(done.body.id as string)).status).toBe('SUCCEEDED');
    expect((await globex.api.terminal(failing.body.id as string)).status).toBe('FAILED');
    expect((await globex.api.request('POST', `/jobs/${failing.body.id as string}/retry`)).status).toBe(202);
    expect((await reader.api.request('GET', `/jobs/${done.body.id as string}/events`)).status).toBe(200);
    // A risk job and a document, so the risk and documents services work for a key too.
    const risk = await member.api.submit({
      type: 'risk',
      input: {
        method: 'parametric',
        confidence: 0.99,
        horizonDays: 1,
        positions: [{ symbol: 'AAA', quantity: 10, price: 100 }],
        returns: { AAA: Array.from({ length: 40 }, (_, i) => ((i * 37) % 11) / 1000 - 0.005) },
      },
    });
    expect(risk.status).toBe(202);
    const form = new FormData();
    const pdf = buildTestPdf([{ texts: [{ text: 'SITE PLAN  SCALE 1:200', x: 60, y: 700, size: 14 }] }]);
    form.append('file', new Blob([pdf]), 'plan.pdf');
    const uploaded = await fetch(`${system.baseUrl}/documents`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${member.key}`, 'X-Request-ID': `${canary}-doc` },
    });
    expect(uploaded.status).toBe(202);
    const documentId = ((await uploaded.json()) as { id: string }).id;
    expect((await member.api.terminal(risk.body.id as string)).status).toBe('SUCCEEDED');
    expect((await member.api.terminal(documentId, 120_000)).status).toBe('SUCCEEDED');

    // Refused: a reader writing (403), another tenant's job (404), a bad body (400), with valid keys.
    expect(
      (await reader.api.submit({ type: 'scrape', input: { url: `${site.baseUrl}/article` } })).status,
    ).toBe(403);
    const foreign = await globex.api.request('GET', `/jobs/${done.body.id as string}`, {
      headers: { 'X-Request-ID': canary },
    });
    expect(foreign.status).toBe(404);
    expect((await member.api.submit({ type: 'scrape', input: { url: 42 } })).status).toBe(400);
    expect((await reader.api.request('GET', '/admin/keys')).status).toBe(403);

    // Wrong keys, some holding a real secret: each a 401.
    const wrong: Record<string, string>[] = [
      { authorization: `Bearer ejk_${randomBytes(32).toString('base64url')}` },
      { authorization: `Bearer ${member.key}x` },
      { authorization: `Bearer x${TEST_ADMIN_KEY}` },
      { authorization: `Bearer ${member.key} ${member.key}` },
      { 'X-API-Key': `${globex.key}${globex.key}` },
      { authorization: `Basic ${Buffer.from(`user:${member.key}`).toString('base64')}` },
      { authorization: `Bearer ${METRICS_KEY}` },
    ];
    for (const headers of wrong) {
      const response = await client(null).request('GET', '/jobs', { headers });
      expect({ headers, status: response.status }).toEqual({ headers, status: 401 });
    }
    // A real key sent where the route takes none.
    expect((await client(member.key).request('GET', '/health/ready')).status).toBeLessThan(500);

    // Revoked: refused within a second.
    expect((await doomed.api.request('GET', '/jobs')).status).toBe(200);
    expect((await admin.request('DELETE', `/admin/keys/${doomed.id}`)).status).toBe(200);
    await eventually('the revoked key refused', async () =>
      (await doomed.api.request('GET', '/jobs')).status === 401 ? true : undefined,
    );
    // Expired: refused from its time on.
    await eventually('the expired key refused', async () =>
      (await shortLived.api.request('GET', '/jobs')).status === 401 ? true : undefined,
    );
    // Over its tenant's rate: 429s.
    const burst = await Promise.all(Array.from({ length: 6 }, () => limited.api.request('GET', '/jobs')));
    expect(burst.some((answer) => answer.status === 429)).toBe(true);

    // /metrics takes METRICS_KEY only; an API key there is refused.
    expect((await client(null).request('GET', '/metrics')).status).toBe(401);
    expect((await client(member.key).request('GET', '/metrics')).status).toBe(401);
    const metrics = await client(METRICS_KEY).request<string>('GET', '/metrics');
    expect(metrics.status).toBe(200);
    metricsText = metrics.body;
    expect(secrets).toHaveLength(8);
  });

  it('finds no secret in logs, Kafka, PostgreSQL, error answers, metrics or spans; the canary in each', async () => {
    expect(metricsText).toContain('# HELP');
    // The spans of the run's requests and stages are exported (batched each second) before the stop;
    // stopping flushes the rest and every log line.
    await eventually(
      'the spans of the gateway and the scraper',
      () => (sink.text().includes('scraper') && sink.text().includes(canary) ? true : undefined),
      30_000,
    );
    await system.stop();
    stopped = true;

    const errorAnswers = exchanges.filter((exchange) => exchange.response.status >= 400);
    // The key's one showing is the answer that created it: every other answer is searched whole.
    const otherAnswers = exchanges.filter(
      (exchange) => !(exchange.method === 'POST' && exchange.path === '/admin/keys'),
    );
    const places: Record<string, string> = {
      'service logs': await fs.promises.readFile(system.logFile, 'utf8'),
      'kafka messages': '',
      'database rows': '',
      'error answers': errorAnswers.map(answerText).join('\n'),
      'other answers (headers and bodies)': otherAnswers.map(answerText).join('\n'),
      'gateway metrics': metricsText,
      'exported spans': sink.text(),
    };
    const kafka = await kafkaText(system.topicPrefix);
    places['kafka messages'] = kafka.text;
    const database = await databaseText(system.databaseUrl);
    places['database rows'] = database.text;

    // The search saw real data: each place is non-trivial, and holds what it should.
    const logLines = places['service logs'].split('\n').filter((line) => line.includes('{'));
    expect(logLines.length).toBeGreaterThan(50);
    expect(places['service logs']).toContain('"msg":"audit"');
    for (const service of ['gateway', 'projector', 'scraper', 'risk', 'documents']) {
      expect({ service, logged: places['service logs'].includes(`"service":"${service}"`) }).toEqual({
        service,
        logged: true,
      });
      expect({ service, spans: places['exported spans'].includes(service) }).toEqual({
        service,
        spans: true,
      });
    }
    expect(kafka.topics).toBeGreaterThan(5);
    expect(kafka.messages).toBeGreaterThan(10);
    expect(places['kafka messages']).toContain('JobCancelRequested');
    expect(database.tables).toBeGreaterThan(5);
    expect(database.rows).toBeGreaterThan(10);
    expect(places['database rows']).toContain('"role":"reader"');
    expect(errorAnswers.map((e) => e.response.status)).toEqual(
      expect.arrayContaining([400, 401, 403, 404, 429]),
    );
    expect(sink.exports.length).toBeGreaterThan(0);
    expect(places['exported spans']).toContain('POST /jobs');
    // The canary (an X-Request-ID: a value a client sends in a header, as it sends its key) reached
    // every place but the metrics, so a key handled the same way would have been found.
    for (const place of Object.keys(places).filter((name) => name !== 'gateway metrics')) {
      expect({ place, canary: places[place].includes(canary) }).toEqual({ place, canary: true });
    }

    // No secret anywhere: not whole, not without its `ejk_` prefix.
    const found: string[] = [];
    for (const secret of secrets) {
      const needles = [secret, secret.replace(/^ejk_/, '')];
      for (const [place, text] of Object.entries(places)) {
        if (needles.some((needle) => text.includes(needle))) found.push(`${secret.slice(0, 8)}… in ${place}`);
      }
    }
    expect(found).toEqual([]);
  });
});
