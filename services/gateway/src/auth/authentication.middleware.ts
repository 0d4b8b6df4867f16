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
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isPublicPath(req.path)) return next();
    const instance = req.originalUrl.split('?')[0];
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
