import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { json } from 'express';
import { MAX_JSON_BODY_BYTES_VARIABLE } from './input-limits';
import { problem, sendProblem } from './problem';

const INVALID_UTF8 = 'entity.utf8.invalid';

/**
 * JSON bodies up to `limit` bytes (after Content-Encoding is undone, so a gzip bomb stops at the limit
 * too); anything else that claims to be JSON is refused before Nest. Bytes that are not UTF-8 are
 * refused rather than decoded to U+FFFD, which would silently change what the client sent.
 */
export function jsonBodyParser(limit: number) {
  return json({
    limit,
    strict: true,
    type: ['application/json', 'application/*+json'],
    verify: refuseInvalidUtf8,
  });
}

function refuseInvalidUtf8(_req: IncomingMessage, _res: unknown, body: Buffer): void {
  if (!isUtf8(body))
    throw Object.assign(new Error('The request body is not valid UTF-8'), { type: INVALID_UTF8 });
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * body-parser's errors (bad JSON, too large, bad charset or encoding, a corrupt gzip stream, a truncated
 * body) as problem+json instead of Express's HTML page; any other 4xx it reports keeps its status.
 */
export const bodyParserErrorHandler: ErrorRequestHandler = (
  error: BodyParserError,
  req: Request,
  res: Response,
  next: NextFunction,
) => {
  if (res.headersSent) return next(error);
  const instance = req.originalUrl.split('?')[0];
  switch (error.type) {
    case 'entity.too.large':
      return sendProblem(
        res,
        problem(
          413,
          `The request body is larger than ${error.limit ?? 'the limit of'} bytes (${MAX_JSON_BODY_BYTES_VARIABLE})`,
          { instance },
        ),
      );
    case 'entity.parse.failed':
      return sendProblem(
        res,
        problem(400, `The request body is not valid JSON: ${error.message}`, { instance }),
      );
    case INVALID_UTF8:
      return sendProblem(res, problem(400, error.message, { instance }));
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return sendProblem(res, problem(415, error.message, { instance }));
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return sendProblem(res, problem(400, error.message, { instance }));
  }
  // A corrupt or truncated gzip/deflate/br stream: zlib's error, which body-parser marks 400.
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    const encoding = req.headers['content-encoding'];
    const detail = encoding
      ? `The request body is not valid ${JSON.stringify(encoding)} data (Content-Encoding)`
      : 'The request body could not be read';
    return sendProblem(res, problem(400, detail, { instance }));
  }
  return next(error);
};
