import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { waitForGatewayReady } from '@app/launcher/services';
import { ApiClient } from '../support/api-client';
import { useSystemUnderTest } from '../support/e2e-system';
import { TEST_ADMIN_KEY } from '../support/test-keys';
import { eventually } from '../support/wait';

type Role = 'admin' | 'member' | 'reader';

interface Operation {
  method: string;
  path: string;
  role: Role | undefined;
  secured: boolean;
}

/** Every operation of the served OpenAPI document, with its `x-required-role`. */
async function operations(api: ApiClient): Promise<Operation[]> {
  const document = (await api.request('GET', '/docs/openapi.json')).body as {
    paths: Record<string, Record<string, { security?: unknown[]; 'x-required-role'?: Role }>>;
  };
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      role: operation['x-required-role'],
      secured: (operation.security ?? []).length > 0,
    })),
  );
}

/** A concrete URL for a templated path: ids that exist nowhere. */
function concrete(path: string): string {
  return path.replace('{id}', path.startsWith('/admin/keys') ? 'key_0000000000000000' : randomUUID());
}

const PUBLIC_PATHS = ['/health/live', '/health/ready', '/metrics'];

/** POST /documents with `key` (test/support/document-client's, without its PDF tooling). */
async function upload(
  baseUrl: string,
  key: string,
  bytes: Buffer,
  filename: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), filename);
  const response = await fetch(`${baseUrl}/documents`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * API keys end to end: every documented route refuses no key, a made-up, revoked or expired key, and
 * a role below its own; tenants never see each other's jobs; secrets never reach the logs.
 */
describe('API keys, roles and tenants', () => {
  const e2e = useSystemUnderTest({
    services: ['gateway', 'projector'],
    env: { TENANT_RATE_LIMITS: 'limited=2/4' },
  });
  const created: string[] = [];

  const createKey = async (
    tenant: string,
    role: Role,
    expiresAt: string | null = null,
  ): Promise<ApiClient> => {
    const response = await e2e.api.request('POST', '/admin/keys', { json: { tenant, role, expiresAt } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ tenant, role, revokedAt: null });
    const key = response.body.key as string;
    created.push(key);
    return new ApiClient(e2e.system.baseUrl, key);
  };
  /** The id of the newest key (the one just created), checking the list shows no secret. */
  const newestKeyId = async (): Promise<string> => {
    const keys = (await e2e.api.request<{ id: string }[]>('GET', '/admin/keys')).body;
    for (const secret of created) expect(JSON.stringify(keys)).not.toContain(secret);
    return keys[0].id;
  };

  it('every secured route answers 401 without a key and with a made-up one, problem+json with a challenge', async () => {
    const anonymous = new ApiClient(e2e.system.baseUrl, null);
    const madeUp = new ApiClient(e2e.system.baseUrl, 'ejk_' + 'A'.repeat(43));
    const all = await operations(e2e.api);
    const secured = all.filter((operation) => !PUBLIC_PATHS.includes(operation.path));
    expect(secured.length).toBeGreaterThan(10);
    for (const operation of secured) {
      expect({
        operation: `${operation.method} ${operation.path}`,
        secured: operation.secured,
        role: operation.role,
      }).toEqual(
        expect.objectContaining({ secured: true, role: expect.stringMatching(/^(admin|member|reader)$/) }),
      );
      for (const [client, challenge] of [
        [anonymous, 'Bearer realm="event-jobs"'],
        [madeUp, 'Bearer realm="event-jobs", error="invalid_token"'],
      ] as const) {
        const response = await client.request(operation.method, concrete(operation.path));
        expect({ route: `${operation.method} ${operation.path}`, status: response.status }).toEqual({
          route: `${operation.method} ${operation.path}`,
          status: 401,
        });
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.headers.get('www-authenticate')).toBe(challenge);
      }
    }
    for (const path of PUBLIC_PATHS) expect((await anonymous.request('GET', path)).status).toBe(200);
    expect((await anonymous.request('GET', '/docs/openapi.json')).status).toBe(200);
  });

  it('a role below the route’s answers 403; X-API-Key works like Bearer', async () => {
    const reader = await createKey('acme', 'reader');
    const member = await createKey('acme', 'member');
    const rank: Record<Role, number> = { reader: 1, member: 2, admin: 3 };
    for (const operation of await operations(e2e.api)) {
      if (operation.role === undefined || operation.path === '/admin/projections/rebuild') continue;
      for (const [client, held] of [
        [reader, 'reader'],
        [member, 'member'],
      ] as const) {
        if (rank[held] >= rank[operation.role]) continue;
        const response = await client.request(operation.method, concrete(operation.path));
        expect({ route: `${operation.method} ${operation.path}`, held, status: response.status }).toEqual({
          route: `${operation.method} ${operation.path}`,
          held,
          status: 403,
        });
      }
    }
    const viaHeader = await e2e.api.request('GET', '/jobs', {
      headers: { 'X-API-Key': member.key as string },
    });
    expect(viaHeader.status).toBe(200);
  });

  it('keeps tenants apart: another tenant’s job is 404 like a missing one, and lists only show one’s own', async () => {
    const acme = await createKey('acme', 'member');
    const acmeReader = await createKey('acme', 'reader');
    const globex = await createKey('globex', 'member');
    const submitted = await acme.submit({ type: 'scrape', input: { url: 'https://example.com/acme' } });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;

    const ownRead = await eventually('acme reads its job', async () => {
      const response = await acmeReader.request('GET', `/jobs/${id}`);
      return response.status === 200 ? response.body : undefined;
    });
    expect(ownRead).toMatchObject({ id, tenantId: 'acme' });
    // The projection has the job now: another tenant's answer must equal a missing job's.
    await eventually('the projection has the job', async () => {
      const listed = await acme.request<{ items: { id: string }[] }>('GET', '/jobs');
      return listed.body.items.some((job) => job.id === id) || undefined;
    });
    for (const path of [`/jobs/${id}`, `/jobs/${id}/events`, `/jobs/${id}/trace`]) {
      const other = randomUUID();
      const foreign = await globex.request('GET', path);
      const missing = await globex.request('GET', path.replace(id, other));
      expect(foreign.status).toBe(404);
      // Equal but for the id asked and the request's own correlation id.
      const shape = (body: Record<string, unknown>, used: string): string =>
        JSON.stringify({ ...body, correlationId: undefined }).replaceAll(used, 'ID');
      expect(shape(foreign.body, id)).toBe(shape(missing.body, other));
    }
    expect((await globex.request('GET', `/jobs/${id}/stream`)).status).toBe(404);
    expect((await globex.request('GET', `/jobs/${id}/logs`)).status).toBe(404);
    expect((await globex.request('DELETE', `/jobs/${id}`)).status).toBe(404);
    expect((await globex.request('POST', `/jobs/${id}/retry`)).status).toBe(404);
    const globexList = await globex.request<{ items: { id: string }[] }>('GET', '/jobs');
    expect(globexList.body.items.map((job) => job.id)).not.toContain(id);
    expect((await globex.request('GET', '/jobs?tenant=acme')).status).toBe(403);
    // An admin sees every tenant, and filters by one.
    const adminAcme = await e2e.api.request<{ items: { id: string; tenantId: string }[] }>(
      'GET',
      '/jobs?tenant=acme',
    );
    expect(adminAcme.body.items.map((job) => job.id)).toContain(id);
    expect(new Set(adminAcme.body.items.map((job) => job.tenantId))).toEqual(new Set(['acme']));
    expect((await e2e.api.request('GET', `/jobs/${id}`)).status).toBe(200);
    // A reader reads, but does not submit or cancel.
    expect((await acmeReader.submit({ type: 'scrape', input: { url: 'https://example.com/' } })).status).toBe(
      403,
    );
    expect((await acmeReader.request('DELETE', `/jobs/${id}`)).status).toBe(403);
    // Its own job's trace: without a Jaeger (no JAEGER_QUERY_URL; TEST_JAEGER=1 sets one) a 503 problem.
    if (process.env.JAEGER_QUERY_URL === undefined) {
      const trace = await acmeReader.request('GET', `/jobs/${id}/trace`);
      expect(trace.status).toBe(503);
      expect(trace.headers.get('content-type')).toContain('application/problem+json');
      expect(trace.body.detail).toMatch(/JAEGER_QUERY_URL/);
      // Not a passing outage: nothing tells the client to retry.
      expect(trace.headers.get('retry-after')).toBeNull();
    }
    // The event log carries the submitting key's tenant.
    const events = await acme.request<{ tenantId: string }[]>('GET', `/jobs/${id}/events`);
    expect(events.body.map((event) => event.tenantId)).toEqual(events.body.map(() => 'acme'));
  });

  it('keeps documents apart: another tenant’s document is 404 like a missing one, though the bytes are one shared blob', async () => {
    const acme = await createKey('acme', 'member');
    const globex = await createKey('globex', 'member');
    // A PNG by its magic bytes (no documents service runs here: the document stays UPLOADED).
    const bytes = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(64)]);
    const mine = await upload(e2e.system.baseUrl, acme.key as string, bytes, 'plan.png');
    expect(mine.status).toBe(202);
    const id = mine.body.id as string;
    const sha256 = (mine.body.document as { sha256: string }).sha256;
    const own = await eventually('acme reads its document', async () => {
      const response = await acme.request('GET', `/documents/${id}`);
      // The documents row (file name, hash) comes with the projector's fold of the request.
      return response.status === 200 && response.body.sha256 !== null ? response.body : undefined;
    });
    expect(own).toMatchObject({ id, sha256, filename: 'plan.png' });

    // Every route that takes the document's id answers another tenant exactly as for an id that exists nowhere.
    const shape = (body: unknown, used: string): string =>
      JSON.stringify({ ...(body as Record<string, unknown>), correlationId: undefined }).replaceAll(
        used,
        'ID',
      );
    for (const [method, path] of [
      ['GET', `/documents/${id}`],
      ['GET', `/jobs/${id}`],
      ['GET', `/jobs/${id}/events`],
      ['GET', `/jobs/${id}/logs`],
      ['DELETE', `/jobs/${id}`],
      ['POST', `/jobs/${id}/retry`],
    ] as const) {
      const other = randomUUID();
      const foreign = await globex.request(method, path);
      const missing = await globex.request(method, path.replace(id, other));
      expect({ route: `${method} ${path}`, status: foreign.status }).toEqual({
        route: `${method} ${path}`,
        status: 404,
      });
      expect(foreign.headers.get('content-type')).toContain('application/problem+json');
      expect(shape(foreign.body, id)).toBe(shape(missing.body, other));
    }
    expect((await globex.request('GET', `/jobs/${id}/stream`)).status).toBe(404);

    // The same bytes from globex: the same sha256, but a blob and a document of globex's own (nothing
    // tells globex that acme stored these bytes), and each tenant still sees only its own.
    const theirs = await upload(e2e.system.baseUrl, globex.key as string, bytes, 'copy.png');
    expect(theirs.status).toBe(202);
    const theirId = theirs.body.id as string;
    expect(theirId).not.toBe(id);
    expect((theirs.body.document as { sha256: string }).sha256).toBe(sha256);
    const theirsRead = await eventually('globex reads its document', async () => {
      const response = await globex.request('GET', `/documents/${theirId}`);
      return response.status === 200 && response.body.sha256 !== null ? response.body : undefined;
    });
    expect(theirsRead).toMatchObject({ id: theirId, sha256, filename: 'copy.png' });
    expect((await globex.request('GET', `/documents/${id}`)).status).toBe(404);
    expect((await acme.request('GET', `/documents/${theirId}`)).status).toBe(404);
    expect((await acme.request('GET', `/documents/${id}`)).body).toMatchObject({ filename: 'plan.png' });
    // Nothing names a blob by its hash: a sha256 in a document's place is just an unknown id.
    expect((await acme.request('GET', `/documents/${sha256}`)).status).toBe(404);
    // Each tenant's blob in its own folder of the blob store.
    const blobDir = e2e.system.env.BLOB_DIR as string;
    for (const tenant of ['acme', 'globex']) {
      const file = path.join(blobDir, 'tenants', tenant, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
      expect({ tenant, stored: fs.existsSync(file) }).toEqual({ tenant, stored: true });
    }
  });

  it('records who asked: the key on the events it made, and an audit line per change', async () => {
    const acme = await createKey('acme', 'member');
    const acmeKeyId = await newestKeyId();
    const submitted = await acme.submit({ type: 'scrape', input: { url: 'https://example.com/audit' } });
    const id = submitted.body.id as string;
    const adminKeyId = (
      await e2e.api.request<{ id: string; role: string; tenant: string }[]>('GET', '/admin/keys')
    ).body.find((key) => key.role === 'admin' && key.tenant === 'default')?.id;
    expect((await e2e.api.request('DELETE', `/jobs/${id}`)).status).toBe(202);

    const events = await eventually('the request and the cancellation in the history', async () => {
      const history = await acme.request<{ type: string; actor?: unknown }[]>('GET', `/jobs/${id}/events`);
      const types = history.body.map((event) => event.type);
      return types.includes('JobRequested') && types.includes('JobCancelRequested')
        ? history.body
        : undefined;
    });
    expect(events.find((event) => event.type === 'JobRequested')?.actor).toEqual({
      keyId: acmeKeyId,
      role: 'member',
      tenant: 'acme',
    });
    // An admin cancelling another tenant's job shows with its own tenant.
    expect(events.find((event) => event.type === 'JobCancelRequested')?.actor).toEqual({
      keyId: adminKeyId,
      role: 'admin',
      tenant: 'default',
    });

    const audit = await eventually('the audit lines', async () => {
      const lines = (await fs.promises.readFile(e2e.system.logFile, 'utf8'))
        .split('\n')
        .filter((line) => line.includes('"msg":"audit"') && line.includes(id));
      return lines.length >= 1
        ? lines.map((line) => JSON.parse(line.slice(line.indexOf('{'))) as { audit: Record<string, unknown> })
        : undefined;
    });
    expect(audit.map((line) => line.audit)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'DELETE /jobs/:id',
          id,
          keyId: adminKeyId,
          role: 'admin',
          status: 202,
        }),
      ]),
    );
  });

  it('a revoked key stops working within a second; an expired key stops at its time', async () => {
    const member = await createKey('acme', 'member');
    expect((await member.request('GET', '/jobs')).status).toBe(200);
    const id = await newestKeyId();
    const revoked = await e2e.api.request('DELETE', `/admin/keys/${id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id, revokedAt: expect.any(String) });
    const revokedAt = Date.now();
    await eventually(
      'the revoked key is refused',
      async () => (await member.request('GET', '/jobs')).status === 401 || undefined,
      5_000,
    );
    expect(Date.now() - revokedAt).toBeLessThan(1_500);
    expect((await e2e.api.request('DELETE', '/admin/keys/key_0000000000000000')).status).toBe(404);

    const expiresAt = new Date(Date.now() + 2_000).toISOString();
    const shortLived = await createKey('acme', 'reader', expiresAt);
    expect((await shortLived.request('GET', '/jobs')).status).toBe(200);
    await eventually(
      'the expired key is refused',
      async () => (await shortLived.request('GET', '/jobs')).status === 401 || undefined,
      10_000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });

  it('a tenant over its request rate gets 429 with Retry-After and RateLimit fields; another is unaffected', async () => {
    const limited = await createKey('limited', 'member');
    const other = await createKey('acme', 'reader');
    const answers = await Promise.all([
      ...Array.from({ length: 12 }, () => limited.request('GET', '/jobs')),
      ...Array.from({ length: 12 }, () => other.request('GET', '/jobs')),
    ]);
    const limitedAnswers = answers.slice(0, 12);
    const otherAnswers = answers.slice(12);
    expect(otherAnswers.map((answer) => answer.status)).toEqual(otherAnswers.map(() => 200));
    const refused = limitedAnswers.filter((answer) => answer.status === 429);
    // A burst of 4 and 2 a second: most of 12 requests at once are refused, never all.
    expect(refused.length).toBeGreaterThanOrEqual(6);
    expect(limitedAnswers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(4);
    const one = refused[0];
    expect(one.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(one.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(one.headers.get('ratelimit-policy')).toBe('"tenant";q=2;w=1');
    expect(one.headers.get('ratelimit')).toMatch(/^"tenant";r=0;t=\d+$/);
    expect(one.body).toMatchObject({ status: 429, detail: expect.stringContaining('limited') });
    // Admin keys are not limited.
    const admin = await Promise.all(
      Array.from({ length: 12 }, () => e2e.api.request('GET', '/jobs?tenant=limited')),
    );
    expect(admin.map((answer) => answer.status)).toEqual(admin.map(() => 200));
  });

  it('refuses bad key requests with field errors', async () => {
    for (const body of [
      { tenant: 'Acme Corp', role: 'member' },
      { tenant: 'acme', role: 'owner' },
      { tenant: 'acme', role: 'member', expiresAt: 'tomorrow' },
      { tenant: 'acme', role: 'member', expiresAt: '2001-01-01T00:00:00Z' },
      { tenant: 'acme', role: 'member', extra: true },
    ]) {
      const response = await e2e.api.request('POST', '/admin/keys', { json: body });
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('never writes a secret to the logs, the events, the metrics or the key list', async () => {
    const log = await fs.promises.readFile(e2e.system.logFile, 'utf8');
    const jobs = (await e2e.api.request<{ items: { id: string }[] }>('GET', '/jobs?limit=100')).body.items;
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    const events = await Promise.all(jobs.map((job) => e2e.api.request('GET', `/jobs/${job.id}/events`)));
    const seen = [
      log,
      JSON.stringify(events.map((answer) => answer.body)),
      JSON.stringify((await e2e.api.request('GET', '/metrics')).body),
      JSON.stringify((await e2e.api.request('GET', '/admin/keys')).body),
    ].join('\n');
    expect(created.length).toBeGreaterThan(3);
    for (const secret of [...created, TEST_ADMIN_KEY]) expect(seen).not.toContain(secret);
  });

  // Last: it restarts the gateway with KEY_RATE_LIMITS naming a key made here.
  it('a key with a rate of its own (KEY_RATE_LIMITS) gets 429 naming the key; another key of its tenant does not', async () => {
    const slow = await createKey('keyed', 'member');
    const slowId = await newestKeyId();
    const other = await createKey('keyed', 'member');
    await e2e.system.supervisor.stop('gateway');
    e2e.system.startService('gateway', undefined, { KEY_RATE_LIMITS: `${slowId}=1/2` });
    await waitForGatewayReady(e2e.system.baseUrl, 60_000);
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => slow.request('GET', '/jobs')),
      ...Array.from({ length: 8 }, () => other.request('GET', '/jobs')),
    ]);
    const slowAnswers = answers.slice(0, 8);
    const otherAnswers = answers.slice(8);
    expect(otherAnswers.map((answer) => answer.status)).toEqual(otherAnswers.map(() => 200));
    expect(otherAnswers[0].headers.get('ratelimit-policy')).toBe('"tenant";q=100;w=1');
    // A burst of 2 and 1 a second: of 8 at once, 2 (3 if a second turned meanwhile) get through.
    const passed = slowAnswers.filter((answer) => answer.status === 200);
    expect(passed.length).toBeGreaterThanOrEqual(2);
    expect(passed.length).toBeLessThanOrEqual(3);
    expect(passed[0].headers.get('ratelimit-policy')).toBe('"key";q=1;w=1, "tenant";q=100;w=1');
    const refused = slowAnswers.find((answer) => answer.status === 429)!;
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.headers.get('ratelimit-policy')).toBe('"key";q=1;w=1');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatchObject({
      status: 429,
      detail: expect.stringContaining(`Key ${slowId} is over its rate of 1 requests a second`),
    });
  });
});
