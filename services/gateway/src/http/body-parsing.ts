import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { json } from 'express';
import { problem, sendProblem } from './problem';

/** JSON bodies up to `limit` bytes; anything else that claims to be JSON is refused before Nest. */
export function jsonBodyParser(limit: number) {
  return json({ limit, strict: true, type: ['application/json', 'application/*+json'] });
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** body-parser's errors (bad JSON, too large, bad charset) as problem+json instead of HTML. */
export const bodyParserErrorHandler: ErrorRequestHandler = (
  error: BodyParserError,
  _req: Request,
  res: Response,
  next: NextFunction,
) => {
  if (res.headersSent) return next(error);
  switch (error.type) {
    case 'entity.too.large':
      return sendProblem(res, problem(413, 'The request body is larger than the limit'));
    case 'entity.parse.failed':
      return sendProblem(res, problem(400, `The request body is not valid JSON: ${error.message}`));
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return sendProblem(res, problem(415, error.message));
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return sendProblem(res, problem(400, error.message));
    default:
      return next(error);
  }
};
