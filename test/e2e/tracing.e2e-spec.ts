import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFreePorts, JaegerServer } from '@app/stack';
import { ApiClient } from '../support/api-client';
import { ConsoleBrowser } from '../support/console-browser';
import { bearer, TEST_ADMIN_KEY } from '../support/test-keys';
import { SystemUnderTest } from '../support/system-under-test';
import { TestSite } from '../support/test-site';
import { eventually } from '../support/wait';
import { buildTestPdf } from '@app/documents/testing';
import type { JobTrace } from '@app/gateway/jobs/trace/job-trace';

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  processID: string;
  references: { refType: string; traceID: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** `GET /jobs/{id}/trace` (docs/api.md): the gateway's own shape, and the UI link it adds. */
type GatewayTrace = JobTrace & { uiUrl: string | null };

/** A cold build of Jaeger on a starved machine has taken over half an hour (jaeger-binary.ts). */
const JAEGER_BUILD_TIMEOUT_MS = 45 * 60_000;

/** One trace per job in a real Jaeger (built from the Go module, see tools/stack). */
describe('tracing (end to end, real Jaeger)', () => {
  const site = new TestSite();
  let dataDir: string;
  let jaeger: JaegerServer;
  let system: SystemUnderTest;
  let api: ApiClient;
  let browser: ConsoleBrowser | undefined;

  // On a machine's first run Jaeger is built from its Go module first (minutes, at the lowest CPU
  // priority beside the rest of the suite; see jaeger-binary.ts): the set-up waits for it.
  beforeAll(async () => {
    await site.start();
    dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-jaeger-'));
    const [otlpGrpcPort, otlpHttpPort, queryPort, queryGrpcPort] = await findFreePorts(4);
    jaeger = new JaegerServer({
      dataDir,
      otlpGrpcPort,
      otlpHttpPort,
      queryPort,
      queryGrpcPort,
    });
    await jaeger.start();
    system = await SystemUnderTest.start({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpEndpoint,
        // GET /jobs/{id}/trace reads this Jaeger.
        JAEGER_QUERY_URL: jaeger.queryUrl,
        SCRAPER_ALLOWED_ADDRESSES: '127.0.0.1',
        DOCUMENTS_DPI: '72',
        RETRY_BASE_DELAY_MS: '100',
      },
    });
    api = new ApiClient(system.baseUrl);
  }, JAEGER_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await jaeger?.stop();
    await site.stop();
    if (dataDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
  });

  /** The job's trace once it holds spans of every expected service and operation count. */
  const traceOf = (jobId: string, ready: (trace: JaegerTrace) => boolean): Promise<JaegerTrace> =>
    eventually(
      `the trace of job ${jobId} in Jaeger`,
      async () => {
        const tags = encodeURIComponent(JSON.stringify({ 'job.id': jobId }));
        const response = await fetch(`${jaeger.queryUrl}/api/traces?service=gateway&tags=${tags}&limit=20`);
        const body = (await response.json()) as { data: JaegerTrace[] | null };
        const traces = body.data ?? [];
        if (traces.length !== 1) return undefined;
        return ready(traces[0]) ? traces[0] : undefined;
      },
      60_000,
    );

  const serviceOf = (trace: JaegerTrace, span: JaegerSpan): string =>
    trace.processes[span.processID].serviceName;
  const tag = (span: JaegerSpan, key: string): unknown => span.tags.find((t) => t.key === key)?.value;

  /** Every span's parent chain ends at the one root span, the gateway's HTTP request. */
  const expectOneTreeRootedAtGatewayRequest = (trace: JaegerTrace): void => {
    const byId = new Map(trace.spans.map((span) => [span.spanID, span]));
    const roots = trace.spans.filter((span) => !span.references.some((ref) => ref.refType === 'CHILD_OF'));
    expect(roots).toHaveLength(1);
    expect(serviceOf(trace, roots[0])).toBe('gateway');
    expect(roots[0].operationName).toMatch(/^POST/);
    for (const span of trace.spans) {
      let current: JaegerSpan | undefined = span;
      for (let depth = 0; current && current !== roots[0] && depth < 100; depth += 1) {
        const parent: JaegerSpan['references'][number] | undefined = current.references.find(
          (ref) => ref.refType === 'CHILD_OF',
        );
        current = parent ? byId.get(parent.spanID) : undefined;
      }
      expect([span.operationName, current?.spanID]).toEqual([span.operationName, roots[0].spanID]);
    }
  };

  it('shows a scrape job as one trace: gateway request -> scraper -> projector, with the correlation id', async () => {
    const accepted = await api.submit(
      { type: 'scrape', input: { url: `${site.baseUrl}/article` } },
      { 'X-Request-ID': 'trace-me-1' },
    );
    const id = accepted.body.id as string;
    const job = await api.terminal(id);
    expect(job.status).toBe('SUCCEEDED');

    const trace = await traceOf(id, (t) => {
      const services = new Set(t.spans.map((span) => serviceOf(t, span)));
      const applies = t.spans.filter((span) => span.operationName === 'projector apply').length;
      return services.has('scraper') && services.has('projector') && applies >= 3;
    });
    expect(job.traceId).toBe(trace.traceID);
    expectOneTreeRootedAtGatewayRequest(trace);
    const services = new Set(trace.spans.map((span) => serviceOf(trace, span)));
    expect([...services].sort()).toEqual(expect.arrayContaining(['gateway', 'projector', 'scraper']));
    for (const span of trace.spans.filter((s) => tag(s, 'job.id') !== undefined)) {
      expect(tag(span, 'job.id')).toBe(id);
      expect(tag(span, 'correlation.id')).toBe('trace-me-1');
    }
    expect(trace.spans.some((span) => span.operationName === 'scrape process')).toBe(true);

    // The gateway's own answer: the same trace in its small shape, never Jaeger's payload.
    const answer = await api.request<GatewayTrace>('GET', `/jobs/${id}/trace`);
    expect(answer.status).toBe(200);
    const gatewayTrace = answer.body;
    expect(gatewayTrace.traceId).toBe(trace.traceID);
    expect(gatewayTrace.uiUrl).toBeNull();
    expect(gatewayTrace.spanCount).toBeGreaterThanOrEqual(trace.spans.length);
    expect(Object.keys(gatewayTrace).sort()).toEqual(
      ['durationUs', 'spanCount', 'spans', 'startedAt', 'traceId', 'uiUrl'].sort(),
    );
    const byId = new Map(gatewayTrace.spans.map((span) => [span.spanId, span]));
    for (const raw of trace.spans) {
      const span = byId.get(raw.spanID);
      expect(span).toBeDefined();
      expect(Object.keys(span ?? {}).sort()).toEqual(
        ['durationUs', 'error', 'operation', 'parentSpanId', 'service', 'spanId', 'startOffsetUs'].sort(),
      );
      expect(span?.service).toBe(serviceOf(trace, raw));
      expect(span?.operation).toBe(raw.operationName);
      expect(span?.parentSpanId).toBe(
        raw.references.find((ref) => ref.refType === 'CHILD_OF')?.spanID ?? null,
      );
    }
    const roots = gatewayTrace.spans.filter((span) => span.parentSpanId === null);
    expect(roots.map((span) => [span.service, span.startOffsetUs])).toEqual([['gateway', 0]]);
    for (const span of gatewayTrace.spans) {
      expect(span.startOffsetUs + span.durationUs).toBeLessThanOrEqual(gatewayTrace.durationUs);
    }
  });

  it('answers GET /jobs/{id}/trace only for the key’s own tenant, 404 like a missing job, 401 without a key', async () => {
    const id = await api.submitScrape(`${site.baseUrl}/article`);
    expect((await api.terminal(id)).status).toBe('SUCCEEDED');
    const created = await api.request('POST', '/admin/keys', {
      json: { tenant: 'tracing-other', role: 'reader', expiresAt: null },
    });
    expect(created.status).toBe(201);
    const other = new ApiClient(system.baseUrl, created.body.key as string);
    const foreign = await other.request('GET', `/jobs/${id}/trace`);
    const missing = await other.request('GET', `/jobs/00000000-0000-4000-8000-000000000000/trace`);
    expect([foreign.status, missing.status]).toEqual([404, 404]);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');
    expect(String(foreign.body.detail).replace(id, 'ID')).toBe(
      String(missing.body.detail).replace('00000000-0000-4000-8000-000000000000', 'ID'),
    );
    expect((await other.request('GET', '/jobs/not-a-job/trace')).status).toBe(404);
    const anonymous = await new ApiClient(system.baseUrl, null).request('GET', `/jobs/${id}/trace`);
    expect(anonymous.status).toBe(401);
    // The job's own tenant (the admin's default) reads it once Jaeger has it.
    await eventually(
      'the job’s trace through the gateway',
      async () => ((await api.request('GET', `/jobs/${id}/trace`)).status === 200 ? true : undefined),
      60_000,
    );
  });

  it(
    'draws a finished job’s trace as a waterfall on its console page (headless Chromium)',
    async () => {
      const id = await api.submitScrape(`${site.baseUrl}/article`);
      expect((await api.terminal(id)).status).toBe('SUCCEEDED');
      const complete = await eventually(
        'the job’s whole trace through the gateway',
        async () => {
          const answer = await api.request<GatewayTrace>('GET', `/jobs/${id}/trace`);
          const services = new Set(answer.body.spans?.map((span) => span.service));
          return answer.status === 200 && services.has('scraper') && services.has('projector')
            ? answer.body
            : undefined;
        },
        60_000,
      );
      // Installing Chromium on a fresh machine may take minutes.
      browser = await new ConsoleBrowser('tracing').launch(system.baseUrl);
      const page = await browser.signIn(TEST_ADMIN_KEY);
      await page.goto(`${system.baseUrl}/console#/jobs/${id}`);
      const waterfall = page.getByTestId('trace-waterfall');
      await waterfall.waitFor();
      // The page read the trace after the test did: at least as many spans.
      const rows = waterfall.locator('li.span');
      expect(await rows.count()).toBeGreaterThanOrEqual(complete.spans.length);
      for (const service of ['gateway', 'scraper', 'projector']) {
        expect(await waterfall.locator(`li.span[data-service="${service}"]`).count()).toBeGreaterThan(0);
      }
      expect(await waterfall.textContent()).toContain(complete.traceId);
      // No Jaeger UI is configured (the binary built here has none): no link to it.
      expect(await waterfall.getByRole('link', { name: 'Open in Jaeger' }).count()).toBe(0);
      console.log(
        `[tracing e2e] waterfall screenshot: ${await browser.screenshot(page, 'job-trace-waterfall')}`,
      );
      expect(browser.foreignRequests).toEqual([]);
      expect(browser.pageErrors).toEqual([]);
      await page.context().close();
    },
    10 * 60_000,
  );

  it('keeps every attempt of a retried job in the same trace', async () => {
    const id = await api.submitScrape(`${site.baseUrl}/flaky/traced`);
    const job = await api.terminal(id);
    expect(job.attempts).toBe(3);
    const trace = await traceOf(
      id,
      (t) => t.spans.filter((span) => span.operationName === 'scrape process').length >= 3,
    );
    expect(trace.spans.filter((span) => span.operationName === 'scrape process')).toHaveLength(3);
    expect(job.traceId).toBe(trace.traceID);
    expectOneTreeRootedAtGatewayRequest(trace);
  });

  it('keeps every page stage of a document job in one trace', async () => {
    const pdf = buildTestPdf([
      {
        texts: [{ text: 'GROUND FLOOR PLAN  SCALE 1:100  KITCHEN LIVING BEDROOM', x: 60, y: 700, size: 14 }],
      },
      { texts: [{ text: 'DOOR SCHEDULE  D01 900 2100 TIMBER  NOT TO SCALE', x: 60, y: 700, size: 14 }] },
    ]);
    const form = new FormData();
    form.append('file', new Blob([pdf]), 'traced.pdf');
    const response = await fetch(`${system.baseUrl}/documents`, {
      method: 'POST',
      body: form,
      headers: { 'X-Request-ID': 'trace-doc-1', ...bearer() },
    });
    expect(response.status).toBe(202);
    const id = ((await response.json()) as { id: string }).id;
    const job = await api.terminal(id, 120_000);
    expect(job.status).toBe('SUCCEEDED');
    const perStage = (t: JaegerTrace, name: string): number =>
      t.spans.filter((span) => span.operationName === name).length;
    const trace = await traceOf(
      id,
      (t) =>
        perStage(t, 'split process') === 1 &&
        perStage(t, 'ocr process') === 2 &&
        perStage(t, 'classify process') === 2 &&
        perStage(t, 'scale process') === 2 &&
        // The projector exports its spans in its own batches: wait for them too, not only the stages'.
        t.spans.some((span) => serviceOf(t, span) === 'projector'),
    );
    expect(job.traceId).toBe(trace.traceID);
    expectOneTreeRootedAtGatewayRequest(trace);
    for (const span of trace.spans.filter((s) => tag(s, 'job.id') !== undefined)) {
      expect(tag(span, 'correlation.id')).toBe('trace-doc-1');
    }
    const services = new Set(trace.spans.map((span) => serviceOf(trace, span)));
    expect([...services]).toEqual(expect.arrayContaining(['gateway', 'documents', 'projector']));
  });
});
