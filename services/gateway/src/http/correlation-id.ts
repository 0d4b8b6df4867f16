import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { CORRELATION_ID_PATTERN } from '@app/contracts';

export const REQUEST_ID_HEADER = 'X-Request-ID';

/** Keeps a sane X-Request-ID (1-128 of [A-Za-z0-9._:-]) or makes one; echoes it on the response. */
export function correlationIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const offered = req.header(REQUEST_ID_HEADER);
  const correlationId = offered && CORRELATION_ID_PATTERN.test(offered) ? offered : randomUUID();
  res.locals.correlationId = correlationId;
  res.setHeader(REQUEST_ID_HEADER, correlationId);
  next();
}

export function correlationIdOf(res: Response): string {
  return res.locals.correlationId as string;
}
