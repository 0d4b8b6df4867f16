import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DependencyUnavailableError, UnauthenticatedError } from '../http/api-errors';
import { problem, sendProblem } from '../http/problem';
import { isDatabaseUnavailable } from '@app/read-models';
import type { ApiKeyAuthenticator } from './api-key-authenticator';
import { presentedKey } from './presented-key';
import { setCaller } from './caller';
import type { RateDecision, TenantRateLimiter } from './tenant-rate-limiter';

/**
 * Paths served without a key: the ops routes (`@PublicRoute` on the OpsController), the OpenAPI
 * document with its UI, and the web console's static files (`@PublicRoute` on the ConsoleController;
 * the console asks for a key and sends it on its API calls). Matched exactly as Express sends them (a
 * variant spelling needs a key).
 */
export function isPublicPath(path: string): boolean {
  return (
    path === '/health/live' ||
    path === '/health/ready' ||
    path === '/metrics' ||
    path === '/docs' ||
    path.startsWith('/docs/') ||
    path === '/console' ||
    path.startsWith('/console/')
  );
}

export const AUTH_REALM = 'Bearer realm="event-jobs"';

/** The 401 answer: RFC 6750's challenge, with error="invalid_token" when a key was sent. */
export function sendUnauthenticated(res: Response, error: UnauthenticatedError, instance: string): void {
  const challenge = error.reason === 'missing' ? AUTH_REALM : `${AUTH_REALM}, error="invalid_token"`;
  sendProblem(res, problem(401, error.message, { instance }), { 'WWW-Authenticate': challenge });
}

export interface AuthenticationOptions {
  authenticator: ApiKeyAuthenticator;
  /** Each tenant's request rate, and some keys' own (KEY_RATE_LIMITS); admin keys are not limited. */
  rateLimiter: Pick<TenantRateLimiter, 'takeFor'>;
  /** Retry-After of a 503 when the keys cannot be read. */
  retryAfterSeconds: number;
  /** METRICS_KEY, when set. */
  metricsKey?: string;
}

/**
 * Who is calling, before anything reads the body: a request without a valid key is answered 401 here
 * (an anonymous client cannot make the gateway parse a megabyte of JSON, and learns nothing about the
 * route), a tenant over its request rate 429; the caller is set on the request for ApiKeyGuard, which
 * checks the route's role.
 */
export function authentication(options: AuthenticationOptions): RequestHandler {
  const { authenticator, rateLimiter, retryAfterSeconds } = options;
  const metrics = options.metricsKey === undefined ? null : new MetricsKey(options.metricsKey);
  const unavailable = (res: Response, instance: string, what: string): void =>
    sendProblem(res, problem(503, `${what} unavailable; retry later`, { instance }), {
      'Retry-After': String(retryAfterSeconds),
    });
  return (req: Request, res: Response, next: NextFunction): void => {
    const instance = req.originalUrl.split('?')[0];
    // METRICS_KEY set: /metrics takes that key only (a scraper's credential, not an API key).
    if (req.path === '/metrics' && metrics !== null) {
      const sent = presentedKey(req);
      if (sent !== null && metrics.matches(sent)) return next();
      return sendUnauthenticated(
        res,
        new UnauthenticatedError(sent === null ? 'missing' : 'invalid'),
        instance,
      );
    }
    if (isPublicPath(req.path)) return next();
    const secret = presentedKey(req);
    if (secret === null) return sendUnauthenticated(res, new UnauthenticatedError('missing'), instance);
    authenticator.authenticate(secret).then(
      (caller) => {
        if (caller === null) return sendUnauthenticated(res, new UnauthenticatedError('invalid'), instance);
        setCaller(req, caller);
        if (caller.role === 'admin') return next();
        rateLimiter.takeFor(caller).then(
          (decisions) => {
            setRateLimitHeaders(res, decisions);
            const refused = decisions.find((decision) => !decision.allowed);
            if (refused === undefined) return next();
            const who = refused.policy === 'key' ? `Key ${caller.keyId}` : `Tenant ${caller.tenant}`;
            const detail =
              `${who} is over its rate of ${refused.limit.perSecond} requests a second ` +
              `(burst ${refused.limit.burst}); retry in ${refused.retryAfterSeconds} s`;
            sendProblem(res, problem(429, detail, { instance }), {
              'Retry-After': String(refused.retryAfterSeconds),
            });
          },
          (error: unknown) => {
            if (!isDatabaseUnavailable(error)) return next(error);
            unavailable(res, instance, 'The rate limits (PostgreSQL) are');
          },
        );
      },
      (error: unknown) => {
        if (!(error instanceof DependencyUnavailableError)) return next(error);
        unavailable(res, instance, 'The API keys (PostgreSQL) are');
      },
    );
  };
}

/**
 * The rate-limit fields of draft-ietf-httpapi-ratelimit-headers (structured fields): the policy (a
 * quota of `q` requests per `w` seconds) and what is left (`r` requests, `t` seconds to a new one), one
 * list member per bucket asked (`"key"` for a key's own, then `"tenant"`).
 */
function setRateLimitHeaders(res: Response, decisions: RateDecision[]): void {
  res.setHeader(
    'RateLimit-Policy',
    decisions.map((d) => `"${d.policy}";q=${d.limit.perSecond};w=1`).join(', '),
  );
  res.setHeader(
    'RateLimit',
    decisions.map((d) => `"${d.policy}";r=${d.remaining};t=${d.retryAfterSeconds}`).join(', '),
  );
}

/** METRICS_KEY, compared in constant time (as hashes: equal lengths whatever is sent). */
class MetricsKey {
  private readonly digest: Buffer;

  constructor(key: string) {
    this.digest = sha256(key);
  }

  matches(presented: string): boolean {
    return timingSafeEqual(this.digest, sha256(presented));
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
