import type { NextFunction, Request, Response } from 'express';
import { findUnstorableText } from '@app/contracts';
import { RequestValidationError } from './api-errors';
import { problem, sendProblem } from './problem';

/**
 * Throws a 400 (RequestValidationError) when `value` holds text the read models cannot store (NUL, a
 * lone UTF-16 surrogate), naming the first bad field. For strings that enter outside a JSON body: a
 * header that becomes a field, an uploaded file's name.
 */
export function assertStorableText(value: unknown, path: string): void {
  const found = findUnstorableText(value, path);
  if (found) throw new RequestValidationError([found]);
}

/**
 * Once for every route, right after JSON body parsing: a JSON body (values and keys) or a query string
 * holding text that PostgreSQL's json/jsonb cannot store is answered 400 problem+json, with an `errors`
 * entry naming its path like the schema errors (`input.url`). Such text is valid JSON, so it would
 * otherwise be accepted, published, and fail in every consumer that writes it.
 */
export function storableTextGuard(req: Request, res: Response, next: NextFunction): void {
  const found = findUnstorableText(req.body) ?? findUnstorableText(req.query);
  if (!found) return next();
  sendProblem(
    res,
    problem(400, 'The request is invalid', {
      instance: req.originalUrl.split('?')[0],
      errors: [found],
    }),
  );
}
