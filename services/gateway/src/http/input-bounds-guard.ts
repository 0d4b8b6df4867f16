import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { InputLimits } from './input-limits';
import { findLimitBreach } from './input-limits-walk';
import { problem, sendProblem } from './problem';

/**
 * Once for every route, right after JSON body parsing and before anything else reads the input: a JSON
 * body or query string over one of `limits` is answered 400/413 problem+json naming the limit and where
 * it was broken. Multipart fields are bounded by multer's limits instead (see multipart-limits.ts).
 */
export function inputBoundsGuard(limits: InputLimits): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const breach =
      (req.body === undefined ? null : findLimitBreach(req.body, limits, 'body')) ??
      // Express parses the query on every read of req.query: skip that when there is none.
      (req.url.includes('?') ? findLimitBreach(req.query, limits, 'query string') : null);
    if (!breach) return next();
    sendProblem(
      res,
      problem(breach.status, breach.detail, {
        instance: req.originalUrl.split('?')[0],
        errors: [breach.error],
      }),
    );
  };
}
