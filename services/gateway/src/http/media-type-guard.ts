import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AllowedMethods } from './allowed-methods';
import { problem, sendProblem } from './problem';

/** Routes whose body is a multipart upload; every other body is JSON. Paths lower-case, no trailing slash. */
const MULTIPART_ROUTES: ReadonlySet<string> = new Set(['/documents']);

/** The methods the API's routes take a body with. */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

const JSON_MEDIA_TYPE = /^application\/(?:[^/;\s]+\+)?json$/;
const CHARSET_PARAMETER = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * Before any body is read: a request that carries a body must say it is what its route takes, or it is
 * answered 415 problem+json (instead of being skipped by every parser and failing later as an empty
 * request). JSON must be UTF-8 (RFC 8259), the only charset the gateway decodes; an upload must be
 * multipart/form-data and not content-encoded (multer does not decode). Content-Encoding of a JSON body
 * is checked by the body parser (gzip, deflate, br; others 415).
 */
export function mediaTypeGuard(routes: Pick<AllowedMethods, 'of'>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!BODY_METHODS.has(req.method) || !hasBody(req)) return next();
    const header = req.headers['content-type'] ?? '';
    const mediaType = header.split(';', 1)[0].trim().toLowerCase();
    const refusal = isMultipartRoute(req)
      ? refuseUpload(mediaType, req.headers['content-encoding'])
      : refuseJson(mediaType, header);
    if (refusal === null) return next();
    // A method the path does not take (PUT /documents, ...) goes on to routing: 405 with Allow, or 404.
    // Looked up only here, so accepted requests never pay for the router scan.
    if (!routes.of(req.path).includes(req.method)) return next();
    sendProblem(res, problem(415, refusal, { instance: req.originalUrl.split('?')[0] }));
  };
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isMultipartRoute(req: Request): boolean {
  if (req.method !== 'POST') return false;
  const path = req.path.toLowerCase();
  return MULTIPART_ROUTES.has(path.endsWith('/') ? path.slice(0, -1) : path);
}

function refuseJson(mediaType: string, header: string): string | null {
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    return mediaType === ''
      ? 'A request body needs Content-Type: application/json'
      : `Content-Type ${JSON.stringify(mediaType)} is not accepted here; send application/json`;
  }
  const charset = CHARSET_PARAMETER.exec(header)?.[1].toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return null;
  return `Charset ${JSON.stringify(charset)} is not accepted; JSON must be UTF-8`;
}

function refuseUpload(mediaType: string, contentEncoding: string | undefined): string | null {
  if (mediaType !== 'multipart/form-data') {
    return `Content-Type ${JSON.stringify(mediaType || '(none)')} is not accepted here; send multipart/form-data with a field "file"`;
  }
  if (contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity') {
    return `Content-Encoding ${JSON.stringify(contentEncoding)} is not accepted for uploads`;
  }
  return null;
}
