import type { Request, Response } from 'express';
import type { ApiKeyAuthenticator } from './api-key-authenticator';
import { authentication } from './authentication.middleware';
import { findCaller, type Caller } from './caller';

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

async function run(path: string, headers: Record<string, string>, metricsKey?: string) {
  const authenticator = {
    authenticate: async (secret: string) => (secret === 'good-key' ? MEMBER : null),
  } as unknown as ApiKeyAuthenticator;
  const req = { path, originalUrl: path, headers } as unknown as Request;
  const { res, sent } = fakeResponse();
  let passed = false;
  await new Promise<void>((resolve) => {
    authentication(authenticator, 5, metricsKey)(req, res, () => {
      passed = true;
      resolve();
    });
    // Refusals answer synchronously or after the lookup; either way one turn is enough here.
    setImmediate(resolve);
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
