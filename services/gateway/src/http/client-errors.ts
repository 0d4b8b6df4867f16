import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { problem, PROBLEM_CONTENT_TYPE, sendProblem } from './problem';

/** Node's HTTP parser error codes that have a status of their own; any other parse error is a 400. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
};

const DETAIL_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'The request is not valid HTTP/1.1',
  408: 'The request was not received in time',
  413: 'The request is too large',
  431: 'The request headers are larger than the limit (16 KiB in all, Node.js --max-http-header-size)',
};

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers over 16 KiB, a malformed
 * request line, a bad chunked encoding, conflicting Content-Length headers) are answered with
 * problem+json like every other error, instead of Node's bare status line, and the connection closed.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  // Node answers an HTTP/1.1 request without Host itself, with a bare 400: hostHeaderRequired does it instead.
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  server.on('clientError', (error: Error & { code?: string }, stream: Duplex) => {
    const socket = stream as Socket;
    // Past the first byte of a response (a pipelined request), a status line would corrupt it: close.
    if (!socket.writable || socket.bytesWritten > 0 || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = STATUS_BY_CODE[error.code ?? ''] ?? 400;
    const body = JSON.stringify(problem(status, DETAIL_BY_STATUS[status]));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}

/** RFC 9112: an HTTP/1.1 request without Host is a 400 (for Node's own check, turned off above). */
export function hostHeaderRequired(req: Request, res: Response, next: NextFunction): void {
  if (req.headers.host !== undefined || req.httpVersion !== '1.1') return next();
  sendProblem(res, problem(400, 'An HTTP/1.1 request needs a Host header'));
}
