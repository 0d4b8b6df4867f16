import type { Request, Response } from 'express';
import type { ApiKeyAuthenticator } from './api-key-authenticator';
import { authentication } from './authentication.middleware';
import { findCaller, type Caller } from './caller';
import type { RateDecision } from './tenant-rate-limiter';

const METRICS_KEY = 'm'.repeat(40);
const MEMBER: Caller = { keyId: 'key_0123456789abcdef', tenant: 'acme', role: 'member' };

/** A response that records what sendProblem writes. */
function fakeResponse() {
  const sent: { status?: number; headers: Record<string, string>; body?: string } = { headers: {} };
  const res = {
    locals: {},
    setHeader: (name: string, value: string) => (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return res;
    },
    type: () => res,
    send: (body: string) => (sent.body = body),
  };
  return { res: res as unknown as Response, sent };
}

const ADMIN: Caller = { keyId: 'key_fedcba9876543210', tenant: 'default', role: 'admin' };

/**
 * Allows `allowance` requests per tenant, then refuses; with `keyAllowance`, the key's own bucket is
 * asked first, as TenantRateLimiter does for a key in KEY_RATE_LIMITS.
 */
function fakeLimiter(allowance: number, keyAllowance?: number) {
  const taken = new Map<string, number>();
  const decide = (bucket: string, policy: RateDecision['policy'], limit: number): RateDecision => {
    const count = (taken.get(bucket) ?? 0) + 1;
    taken.set(bucket, count);
    const allowed = count <= limit;
    return {
      policy,
      allowed,
      limit: { perSecond: limit, burst: limit },
      remaining: Math.max(0, limit - count),
      retryAfterSeconds: allowed ? 0 : 1,
    };
  };
  return {
    taken,
    async takeFor(caller: { tenant: string; keyId: string }): Promise<RateDecision[]> {
      if (keyAllowance === undefined) return [decide(caller.tenant, 'tenant', allowance)];
      const own = decide(`key:${caller.keyId}`, 'key', keyAllowance);
      return own.allowed ? [own, decide(caller.tenant, 'tenant', allowance)] : [own];
    },
  };
}

async function run(
  path: string,
  headers: Record<string, string>,
  metricsKey?: string,
  rateLimiter = fakeLimiter(1000),
) {
  const authenticator = {
    authenticate: async (secret: string) =>
      secret === 'good-key' ? MEMBER : secret === 'admin-key' ? ADMIN : null,
  } as unknown as ApiKeyAuthenticator;
  const req = { path, originalUrl: path, headers } as unknown as Request;
  const { res, sent } = fakeResponse();
  let passed = false;
  await new Promise<void>((resolve) => {
    authentication({ authenticator, rateLimiter, retryAfterSeconds: 5, metricsKey })(req, res, () => {
      passed = true;
      resolve();
    });
    // Refusals answer synchronously or after the lookups; a few turns are enough here.
    setTimeout(resolve, 5);
  });
  return { passed, sent, caller: findCaller(req) };
}

describe('authentication middleware', () => {
  it('lets public paths through without a key', async () => {
    expect((await run('/health/ready', {})).passed).toBe(true);
    expect((await run('/metrics', {})).passed).toBe(true);
  });

  it('answers 401 with the challenge without a key, and with error="invalid_token" for a bad one', async () => {
    const missing = await run('/jobs', {});
    expect(missing.passed).toBe(false);
    expect(missing.sent.status).toBe(401);
    expect(missing.sent.headers['WWW-Authenticate']).toBe('Bearer realm="event-jobs"');
    const invalid = await run('/jobs', { authorization: 'Bearer bad-key' });
    expect(invalid.sent.status).toBe(401);
    expect(invalid.sent.headers['WWW-Authenticate']).toBe('Bearer realm="event-jobs", error="invalid_token"');
    expect(invalid.sent.body).not.toContain('bad-key');
  });

  it('sets the caller of a good key', async () => {
    const outcome = await run('/jobs', { 'x-api-key': 'good-key' });
    expect(outcome.passed).toBe(true);
    expect(outcome.caller).toEqual(MEMBER);
  });

  it('with METRICS_KEY, /metrics takes that key only (not an API key)', async () => {
    expect((await run('/metrics', {}, METRICS_KEY)).sent.status).toBe(401);
    expect((await run('/metrics', { authorization: 'Bearer good-key' }, METRICS_KEY)).sent.status).toBe(401);
    expect((await run('/metrics', { authorization: `Bearer ${METRICS_KEY}` }, METRICS_KEY)).passed).toBe(
      true,
    );
    expect((await run('/health/live', {}, METRICS_KEY)).passed).toBe(true);
  });
});

describe('authentication middleware: tenant rates', () => {
  it('answers 429 with Retry-After and RateLimit fields once a tenant is over its rate', async () => {
    const limiter = fakeLimiter(1);
    const first = await run('/jobs', { authorization: 'Bearer good-key' }, undefined, limiter);
    expect(first.passed).toBe(true);
    expect(first.sent.headers['RateLimit-Policy']).toBe('"tenant";q=1;w=1');
    expect(first.sent.headers.RateLimit).toBe('"tenant";r=0;t=0');
    const second = await run('/jobs', { authorization: 'Bearer good-key' }, undefined, limiter);
    expect(second.passed).toBe(false);
    expect(second.sent.status).toBe(429);
    expect(second.sent.headers['Retry-After']).toBe('1');
    expect(JSON.parse(second.sent.body ?? '{}')).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });

  it('a key with a rate of its own: both policies in the fields, 429 naming the key when it is over', async () => {
    const limiter = fakeLimiter(10, 1);
    const first = await run('/jobs', { authorization: 'Bearer good-key' }, undefined, limiter);
    expect(first.passed).toBe(true);
    expect(first.sent.headers['RateLimit-Policy']).toBe('"key";q=1;w=1, "tenant";q=10;w=1');
    expect(first.sent.headers.RateLimit).toBe('"key";r=0;t=0, "tenant";r=9;t=0');
    const second = await run('/jobs', { authorization: 'Bearer good-key' }, undefined, limiter);
    expect(second.passed).toBe(false);
    expect(second.sent.status).toBe(429);
    expect(second.sent.headers['RateLimit-Policy']).toBe('"key";q=1;w=1');
    expect(JSON.parse(second.sent.body ?? '{}')).toMatchObject({
      status: 429,
      detail: expect.stringMatching(/^Key key_0123456789abcdef is over its rate of 1 requests a second/),
    });
    // Refused by its own bucket, the key took nothing from its tenant's.
    expect(limiter.taken.get('acme')).toBe(1);
  });

  it('does not limit admin keys', async () => {
    const limiter = fakeLimiter(0);
    expect((await run('/admin/keys', { authorization: 'Bearer admin-key' }, undefined, limiter)).passed).toBe(
      true,
    );
    expect(limiter.taken.size).toBe(0);
  });
});
