import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { useSystemUnderTest } from '../support/e2e-system';
import { bearer, TEST_ADMIN_KEY } from '../support/test-keys';
import { ensureSchemathesis, runSchemathesis } from '../support/schemathesis';
import { SseClient } from '../support/sse-client';
import { eventually } from '../support/wait';

const CONTRACT_DIR = path.join(__dirname, 'openapi-contract');
/** Test cases per operation and phase: a run of about 3 minutes on the shared 2-core machine. */
const MAX_EXAMPLES = process.env.CONTRACT_TEST_EXAMPLES ?? '12';
/** Fixed, so CI is reproducible; set CONTRACT_TEST_SEED to explore other inputs. */
const SEED = process.env.CONTRACT_TEST_SEED ?? '20261207';

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, SchemaNode> };
}
interface OpenApiOperation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, unknown> }>;
  requestBody?: {
    content: Record<string, { schema: SchemaNode; examples?: Record<string, { value: unknown }> }>;
  };
}
interface SchemaNode {
  $ref?: string;
  oneOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  pattern?: string;
  enum?: unknown[];
  additionalProperties?: boolean | SchemaNode;
}

function rawRequest(
  method: string,
  url: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers: bearer() }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * The OpenAPI document is the contract: Schemathesis generates requests from it (examples, coverage,
 * fuzzing, and stateful sequences along its links) against the real gateway and projector, and every
 * check must pass. Only the services the API needs run: no stage takes the submitted jobs, so nothing
 * fetches the URLs a fuzzer makes up.
 */
describe('OpenAPI contract (Schemathesis)', () => {
  const e2e = useSystemUnderTest({ services: ['gateway', 'projector'] });

  it(
    'passes every Schemathesis check, stateful sequences included',
    async () => {
      const st = await ensureSchemathesis((line) => console.log(`[contract] ${line}`));
      const workDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-schemathesis-'));
      try {
        const run = await runSchemathesis(
          st,
          [
            '--config-file',
            path.join(CONTRACT_DIR, 'schemathesis.toml'),
            'run',
            `${e2e.system.baseUrl}/docs/openapi.json`,
            // Every check is on by the config file, with its documented exceptions; `--checks all`
            // here would override them.
            '--max-examples',
            MAX_EXAMPLES,
            '--seed',
            SEED,
            '--workers',
            '2',
            '--generation-database',
            'none',
            '--request-timeout',
            '20',
            '--no-color',
            // Every route but health, metrics and docs needs a key; the check `ignored_auth` also
            // sends each secured operation without it and expects the 401 the document states.
            '--header',
            `Authorization: Bearer ${TEST_ADMIN_KEY}`,
          ],
          {
            cwd: workDir,
            env: { ...process.env, SCHEMATHESIS_HOOKS: path.join(CONTRACT_DIR, 'hooks.py') },
            timeoutMs: 8 * 60_000,
          },
        );
        console.log(`[contract] Schemathesis: ${run.testCases}\n[contract] ${run.summary}`);
        if (run.code !== 0) throw new Error(`Schemathesis found contract failures:\n${run.output}`);
      } finally {
        await fs.promises.rm(workDir, { recursive: true, force: true });
      }
    },
    10 * 60_000,
  );

  it('documents a POST /jobs body a generated client can submit a scrape job with', async () => {
    const document = (await (
      await fetch(`${e2e.system.baseUrl}/docs/openapi.json`)
    ).json()) as OpenApiDocument;
    const schemas = document.components.schemas;
    const resolve = (node: SchemaNode): SchemaNode =>
      node.$ref ? schemas[node.$ref.replace('#/components/schemas/', '')] : node;
    const body = document.paths['/jobs'].post.requestBody?.content['application/json'];
    const variants = (body?.schema.oneOf ?? []).map(resolve);
    const scrape = variants.find((variant) => variant.properties?.type.enum?.includes('scrape'));
    expect(scrape?.required).toEqual(expect.arrayContaining(['type', 'input']));
    expect(scrape?.additionalProperties).toBe(false);
    const input = resolve(scrape?.properties?.input ?? {});
    expect(input.required).toEqual(['url']);
    expect(new RegExp(input.properties?.url.pattern ?? '^$').test('https://example.com/a?b=c#d')).toBe(true);

    const example = body?.examples?.scrape.value;
    const accepted = await e2e.api.submit(example);
    expect(accepted.status).toBe(202);
    const location = accepted.headers.get('location') ?? '';
    expect(location).toBe(`/jobs/${accepted.body.id as string}`);
    const job = await e2e.api.request('GET', location);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      type: 'scrape',
      status: 'PENDING',
      input: { url: 'https://example.com/' },
    });
  });

  it('documents the live streams as text/event-stream, and serves them so (left out of Schemathesis)', async () => {
    const document = (await (
      await fetch(`${e2e.system.baseUrl}/docs/openapi.json`)
    ).json()) as OpenApiDocument;
    for (const [path, operationId] of [
      ['/jobs/stream', 'streamJobs'],
      ['/jobs/{id}/stream', 'streamJob'],
    ]) {
      const operation = document.paths[path].get;
      expect(operation.operationId).toBe(operationId);
      expect(Object.keys(operation.responses?.['200'].content ?? {})).toEqual(['text/event-stream']);
      expect(Object.keys(operation.responses?.['400'].content ?? {})).toEqual(['application/problem+json']);
      expect(Object.keys(operation.responses?.['503'].content ?? {})).toEqual(['application/problem+json']);
    }

    const dashboard = await SseClient.open(`${e2e.system.baseUrl}/jobs/stream?type=scrape&status=PENDING`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const accepted = await e2e.api.submit({ type: 'scrape', input: { url: 'https://example.com/' } });
    const id = accepted.body.id as string;
    await eventually('the dashboard to show the new job', () =>
      dashboard.events.find((e) => (e.data as { id: string }).id === id),
    );
    dashboard.close();
    const job = await SseClient.open(`${e2e.system.baseUrl}/jobs/${id}/stream`);
    await eventually('the job stream to send the job and its request', () =>
      job.events.length >= 2 ? true : undefined,
    );
    expect(job.events[0]).toMatchObject({ event: 'job', data: await e2e.api.job(id) });
    // The id: of an event is its event id.
    expect(job.events[1]).toMatchObject({ event: 'JobRequested' });
    expect(job.events[1].id).toBe((job.events[1].data as { id: string }).id);
    job.close();

    for (const query of ['status=DONE', 'type=x', 'limit=5', 'status=PENDING&status=RUNNING']) {
      const refused = await e2e.api.request('GET', `/jobs/stream?${query}`);
      expect([query, refused.status]).toEqual([query, 400]);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it.each(['/metrics', '/health/live', '/health/ready', '/docs', '/docs/openapi.json', '/jobs'])(
    'answers TRACE on %s with 405, Allow and problem+json',
    async (knownPath) => {
      // fetch() refuses TRACE, so node:http asks.
      const response = await rawRequest('TRACE', `${e2e.system.baseUrl}${knownPath}`);
      expect(response.status).toBe(405);
      expect(response.headers.allow).toMatch(/\bGET\b/);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(response.body)).toMatchObject({
        status: 405,
        title: 'Method Not Allowed',
        instance: knownPath,
      });
    },
  );
});
