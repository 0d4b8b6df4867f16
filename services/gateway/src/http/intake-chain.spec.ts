import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { bodyParserErrorHandler, jsonBodyParser } from './body-parsing';
import { inputBoundsGuard } from './input-bounds-guard';
import type { InputLimits } from './input-limits';
import { AllowedMethods } from './allowed-methods';
import { mediaTypeGuard } from './media-type-guard';
import { storableTextGuard } from './storable-text';

const LIMITS: InputLimits = {
  maxDepth: 32,
  maxKeysPerObject: 1000,
  maxTotalKeys: 10_000,
  maxArrayItems: 10_000,
  maxStringLength: 16_384,
};

/** main.ts's intake chain in front of a JSON route and an upload route. */
function app(limits: InputLimits = LIMITS): express.Express {
  const server = express();
  server.use(
    mediaTypeGuard(new AllowedMethods(server)),
    jsonBodyParser(1024 * 1024),
    bodyParserErrorHandler,
    inputBoundsGuard(limits),
    storableTextGuard,
  );
  server.post('/jobs', (_req, res) => {
    res.status(202).json({ accepted: true });
  });
  server.post('/documents', (_req, res) => {
    res.status(202).json({ accepted: true });
  });
  return server;
}

const VALID = '{"type":"scrape","input":{"url":"http://x/"}}';

/** Exact bytes over node:http (supertest would re-encode a Buffer sent as JSON). */
async function postJobs(body: string | Buffer, headers: Record<string, string>) {
  const server = app().listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<{ status: number; type: string; body: object }>((resolve, reject) => {
      const outgoing = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/jobs', headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              type: response.headers['content-type'] ?? '',
              body: JSON.parse(Buffer.concat(chunks).toString()) as object,
            }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  } finally {
    server.close();
  }
}

describe('the gateway’s intake chain', () => {
  it('accepts a normal JSON body, gzip-encoded or not', async () => {
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect((await postJobs(VALID, json)).status).toBe(202);
    const gzip = { ...json, 'content-encoding': 'gzip' };
    expect((await postJobs(gzipSync(VALID), gzip)).status).toBe(202);
  });

  it.each([
    ['a body that is not gzip', 'not gzip at all', 400],
    ['a truncated gzip stream', gzipSync(VALID).subarray(0, 12), 400],
  ])('answers %s sent as gzip with 400 problem+json', async (_, body, status) => {
    const response = await postJobs(body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response).toMatchObject({ status, type: expect.stringContaining('application/problem+json') });
  });

  it.each([
    [{ 'content-type': 'application/json', 'content-encoding': 'snappy' }, /content encoding "snappy"/],
    [{ 'content-type': 'text/plain' }, /"text\/plain" is not accepted here/],
    [{ 'content-type': 'multipart/form-data; boundary=x' }, /not accepted here/],
    [{ 'content-type': 'application/json; charset=latin1' }, /Charset "latin1"/],
    [{ 'content-type': 'application/json; charset=utf-16' }, /JSON must be UTF-8/],
  ])('answers 415 problem+json for %j', async (headers, detail) => {
    const response = await postJobs(VALID, headers);
    expect(response.status).toBe(415);
    expect(response.type).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 415, detail: expect.stringMatching(detail) });
  });

  it('answers 415 for an upload that is not multipart, and lets multipart through', async () => {
    const json = await request(app()).post('/documents').set('content-type', 'application/json').send('{}');
    expect(json.status).toBe(415);
    const upload = await request(app()).post('/documents').attach('file', Buffer.from('%PDF-'), 'a.pdf');
    expect(upload.status).toBe(202);
  });

  it('leaves a method the path does not take to routing (405/404 there), whatever its body', async () => {
    const put = await request(app()).put('/documents').attach('file', Buffer.from('%PDF-'), 'a.pdf');
    expect(put.status).toBe(404);
    const trace = await request(app()).patch('/jobs').set('content-type', 'text/plain').send('x');
    expect(trace.status).toBe(404);
  });

  it('refuses bytes that are not UTF-8 with 400, not a silent U+FFFD', async () => {
    const bytes = Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const response = await postJobs(bytes, { 'content-type': 'application/json' });
    expect(response).toMatchObject({ status: 400, body: { detail: 'The request body is not valid UTF-8' } });
  });

  it('answers a body nested 10,000 deep with 400 naming GATEWAY_MAX_JSON_DEPTH', async () => {
    const deep = '{"type":"scrape","input":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    const response = await postJobs(deep, { 'content-type': 'application/json' });
    expect(response).toMatchObject({
      status: 400,
      type: expect.stringContaining('application/problem+json'),
      body: { detail: 'body nesting deeper than 32 levels (GATEWAY_MAX_JSON_DEPTH)' },
    });
  });

  it('answers an array of 200,000 items with 413, and a body over the byte limit with 413', async () => {
    const items = await postJobs(`[${new Array(200_000).fill('0').join(',')}]`, {
      'content-type': 'application/json',
    });
    expect(items).toMatchObject({ status: 413, body: { errors: [{ path: '(root)' }] } });
    const big = await postJobs(`"${'x'.repeat(2 * 1024 * 1024)}"`, { 'content-type': 'application/json' });
    expect(big).toMatchObject({
      status: 413,
      body: { detail: 'The request body is larger than 1048576 bytes (MAX_JSON_BODY_BYTES)' },
    });
  });

  it('bounds the query string too, with 400', async () => {
    const query = Array.from({ length: 11 }, () => 'a=1').join('&');
    const response = await request(app({ ...LIMITS, maxArrayItems: 10 })).get(`/jobs?${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      detail: 'an array in the query string has more than 10 items (GATEWAY_MAX_JSON_ARRAY_ITEMS)',
      errors: [{ path: 'a' }],
    });
  });
});
