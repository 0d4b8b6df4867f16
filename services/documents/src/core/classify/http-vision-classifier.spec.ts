import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpVisionClassifier, parseVisionResponse, VisionClassifierError } from './http-vision-classifier';

interface Received {
  method: string;
  contentType: string;
  body: Buffer;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('HttpVisionClassifier (against a local HTTP server)', () => {
  let server: Server;
  let handler: Handler;
  let url: string;
  const sockets = new Set<Socket>();
  const received: Received[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          contentType: req.headers['content-type'] ?? '',
          body: Buffer.concat(chunks),
        });
        handler(req, res);
      });
    });
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/classify`;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    received.length = 0;
  });

  const json =
    (status: number, body: unknown): Handler =>
    (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };

  const reason = async (promise: Promise<unknown>): Promise<VisionClassifierError> => {
    const error: unknown = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VisionClassifierError);
    return error as VisionClassifierError;
  };

  it('POSTs the PNG and returns the validated answer', async () => {
    handler = json(200, { label: 'elevation', confidence: 0.83 });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const result = await new HttpVisionClassifier({ endpoint: url }).classify(png);
    expect(result).toEqual({ label: 'elevation', confidence: 0.83, method: 'vision' });
    expect(received).toEqual([{ method: 'POST', contentType: 'image/png', body: png }]);
  });

  it('sends configured headers', async () => {
    let auth: string | undefined;
    handler = (req, res) => {
      auth = req.headers.authorization;
      json(200, { label: 'detail', confidence: 1 })(req, res);
    };
    await new HttpVisionClassifier({ endpoint: url, headers: { authorization: 'Bearer t' } }).classify(
      Buffer.from('x'),
    );
    expect(auth).toBe('Bearer t');
  });

  it('rejects an unknown label', async () => {
    handler = json(200, { label: 'kitchen', confidence: 0.9 });
    const error = await reason(new HttpVisionClassifier({ endpoint: url }).classify(Buffer.from('x')));
    expect(error.reason).toBe('INVALID_RESPONSE');
    expect(error.retryable).toBe(false);
  });

  it('rejects invalid JSON', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{nope');
    expect(
      (await reason(new HttpVisionClassifier({ endpoint: url }).classify(Buffer.from('x')))).reason,
    ).toBe('INVALID_RESPONSE');
  });

  it('maps 503 to a retryable HTTP_STATUS error and 400 to a permanent one', async () => {
    handler = json(503, { error: 'busy' });
    const busy = await reason(new HttpVisionClassifier({ endpoint: url }).classify(Buffer.from('x')));
    expect([busy.reason, busy.retryable]).toEqual(['HTTP_STATUS', true]);
    handler = json(400, { error: 'bad' });
    const bad = await reason(new HttpVisionClassifier({ endpoint: url }).classify(Buffer.from('x')));
    expect([bad.reason, bad.retryable]).toEqual(['HTTP_STATUS', false]);
  });

  it('times out when the endpoint never answers', async () => {
    handler = () => undefined; // hold the request open
    const error = await reason(
      new HttpVisionClassifier({ endpoint: url, timeoutMs: 50 }).classify(Buffer.from('x')),
    );
    expect([error.reason, error.retryable]).toEqual(['TIMEOUT', true]);
  });

  it("propagates the caller's abort as-is", async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const pending = new HttpVisionClassifier({ endpoint: url }).classify(Buffer.from('x'), controller.signal);
    controller.abort(new Error('job cancelled'));
    await expect(pending).rejects.toThrow('job cancelled');
  });

  it('reports an unreachable endpoint as a retryable NETWORK error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await reason(
      new HttpVisionClassifier({ endpoint: `http://127.0.0.1:${port}/` }).classify(Buffer.from('x')),
    );
    expect([error.reason, error.retryable]).toEqual(['NETWORK', true]);
  });

  it('refuses non-http endpoints', () => {
    expect(() => new HttpVisionClassifier({ endpoint: 'file:///etc/passwd' })).toThrow(/http/);
  });
});

describe('parseVisionResponse', () => {
  it.each([
    [null],
    ['x'],
    [{ label: 'other' }],
    [{ label: 'other', confidence: 1.5 }],
    [{ label: 'other', confidence: '0.5' }],
  ])('rejects %j', (body) => {
    expect(() => parseVisionResponse(body)).toThrow(VisionClassifierError);
  });
});
