import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DependencyUnavailableError, UnauthenticatedError } from '../http/api-errors';
import { problem, sendProblem } from '../http/problem';
import type { ApiKeyAuthenticator } from './api-key-authenticator';
import { presentedKey } from './api-key.guard';
import { setCaller } from './caller';

/**
 * Paths served without a key: the ops routes (`@PublicRoute` on the OpsController) and the OpenAPI
 * document with its UI. Matched exactly as Express sends them (a variant spelling needs a key).
 */
export function isPublicPath(path: string): boolean {
  return (
    path === '/health/live' ||
    path === '/health/ready' ||
    path === '/metrics' ||
    path === '/docs' ||
    path.startsWith('/docs/')
  );
}

export const AUTH_REALM = 'Bearer realm="event-jobs"';

/** The 401 answer: RFC 6750's challenge, with error="invalid_token" when a key was sent. */
export function sendUnauthenticated(res: Response, error: UnauthenticatedError, instance: string): void {
  const challenge = error.reason === 'missing' ? AUTH_REALM : `${AUTH_REALM}, error="invalid_token"`;
  sendProblem(res, problem(401, error.message, { instance }), { 'WWW-Authenticate': challenge });
}

/**
 * Who is calling, before anything reads the body: a request without a valid key is answered 401 here
 * (an anonymous client cannot make the gateway parse a megabyte of JSON, and learns nothing about the
 * route), and the caller is set on the request for ApiKeyGuard, which checks the route's role.
 */
export function authentication(
  authenticator: ApiKeyAuthenticator,
  retryAfterSeconds: number,
  metricsKey?: string,
): RequestHandler {
  const metrics = metricsKey === undefined ? null : new MetricsKey(metricsKey);
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
        next();
      },
      (error: unknown) => {
        if (!(error instanceof DependencyUnavailableError)) return next(error);
        sendProblem(
          res,
          problem(503, 'The API keys (PostgreSQL) are unavailable; retry later', { instance }),
          {
            'Retry-After': String(retryAfterSeconds),
          },
        );
      },
    );
  };
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
