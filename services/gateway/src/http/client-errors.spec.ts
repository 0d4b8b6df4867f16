import { once } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import express from 'express';
import { answerClientErrorsWithProblems, hostHeaderRequired } from './client-errors';

/** The raw answer to `bytes` from a server with the gateway's client-error handling. */
async function answer(bytes: string): Promise<string> {
  const app = express();
  app.use(hostHeaderRequired);
  app.get('/jobs', (_req, res) => {
    res.json({ items: [] });
  });
  const server = http.createServer(app);
  answerClientErrorsWithProblems(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    socket.write(bytes);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(socket, 'close');
    return Buffer.concat(chunks).toString();
  } finally {
    server.close();
  }
}

describe('client errors as problem+json', () => {
  it('answers headers over Node’s limit with 431 problem+json', async () => {
    const text = await answer(`GET /jobs HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(text).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431 });
  });

  it('answers a malformed request and conflicting Content-Lengths with 400 problem+json', async () => {
    for (const bytes of [
      '\u0001\u0002 garbage\r\n\r\n',
      'POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    ]) {
      const text = await answer(bytes);
      expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(text).toContain('"status":400');
    }
  });

  it('answers an HTTP/1.1 request without Host with 400 problem+json, and serves one with it', async () => {
    const missing = await answer('GET /jobs HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(missing).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(missing).toContain('application/problem+json');
    expect(missing).toContain('needs a Host header');
    const present = await answer('GET /jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(present).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });
});
