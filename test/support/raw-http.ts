import * as net from 'node:net';

/** What came back for raw request bytes: a parsed response, or why there was none. */
export type RawOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'closed'; detail: string }
  | { kind: 'timeout' };

/**
 * Sends `request` byte for byte over a fresh TCP connection (no client library that would fix up a
 * wrong Content-Length, re-encode a body or refuse a header) and reads the response. With
 * `endAfterSend` the client then half-closes, as a client that gives up mid-body does (the server sees
 * the end of the stream); otherwise it keeps the connection open, since Node's server closes a
 * half-closed connection before a slow (asynchronous) answer is written.
 */
export function rawExchange(
  port: number,
  request: Buffer,
  options: { endAfterSend?: boolean; timeoutMs?: number } = {},
): Promise<RawOutcome> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (outcome: RawOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    const settle = (why: string): void => {
      const parsed = parseResponse(Buffer.concat(chunks));
      finish(parsed ?? { kind: 'closed', detail: `${why}; ${Buffer.concat(chunks).length} bytes received` });
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const parsed = parseResponse(Buffer.concat(chunks));
      if (parsed) finish(parsed);
    });
    // A server that answers early and closes may reset the connection while the body is still going out.
    socket.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message));
    socket.on('end', () => settle('closed by the server'));
    socket.on('connect', () => {
      if (options.endAfterSend) socket.end(request);
      else socket.write(request);
    });
  });
}

/** A complete HTTP/1.1 response in `bytes` (Content-Length or chunked), or null while incomplete. */
function parseResponse(bytes: Buffer): Extract<RawOutcome, { kind: 'response' }> | null {
  const headerEnd = bytes.indexOf('\r\n\r\n');
  if (headerEnd === -1) return null;
  const [statusLine, ...lines] = bytes.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = bytes.subarray(headerEnd + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const body = dechunk(rest);
    return body === null ? null : { kind: 'response', status, headers, body: body.toString('utf8') };
  }
  const length = Number(headers['content-length'] ?? 0);
  if (rest.length < length) return null;
  return { kind: 'response', status, headers, body: rest.subarray(0, length).toString('utf8') };
}

function dechunk(bytes: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    if (lineEnd === -1) return null;
    const size = parseInt(bytes.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isInteger(size)) return null;
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (bytes.length < start + size + 2) return null;
    parts.push(bytes.subarray(start, start + size));
    offset = start + size + 2;
  }
}

/** Request bytes: the request line, `headers` as given (nothing added), a blank line, `body`. */
export function requestBytes(
  method: string,
  target: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: Buffer = Buffer.alloc(0),
): Buffer {
  const head = [`${method} ${target} HTTP/1.1`, ...headers.map(([name, value]) => `${name}: ${value}`)];
  return Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}
