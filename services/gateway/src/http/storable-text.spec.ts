import express from 'express';
import multer from 'multer';
import request from 'supertest';
import { UploadDocumentUseCase } from '../documents/usecases/upload-document.usecase';
import { SubmitJobCommand } from '../jobs/usecases/submit-job/submit-job.command';
import { RequestValidationError } from './api-errors';
import { bodyParserErrorHandler, jsonBodyParser } from './body-parsing';
import { storableTextGuard } from './storable-text';

/** The gateway's request chain of main.ts (JSON parsing, then the guard) in front of a route. */
function app(): express.Express {
  const server = express();
  server.use(jsonBodyParser(1_000_000), bodyParserErrorHandler, storableTextGuard);
  server.post('/jobs', (_req, res) => {
    res.status(202).json({ accepted: true });
  });
  server.get('/jobs', (_req, res) => {
    res.json({ items: [] });
  });
  return server;
}

/** Raw JSON text (a string is sent as is), so escapes such as \ud800 reach the parser as written. */
const post = (json: string) =>
  request(app()).post('/jobs').set('content-type', 'application/json').send(json);

function validationErrors(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestValidationError) return error.errors;
    throw error;
  }
  throw new Error('expected a RequestValidationError');
}

describe('the gateway refuses text the read models cannot store', () => {
  it('accepts storable bodies, escapes included', async () => {
    const response = await post('{"type":"scrape","input":{"url":"http://x/\\u00e9\\ud83d\\ude00"}}');
    expect(response.status).toBe(202);
  });

  it.each([
    [
      'a lone surrogate in a string',
      '{"type":"scrape","input":{"url":"http://x/\\ud800"}}',
      'input.url',
      /lone UTF-16 surrogate \(U\+D800\)/,
    ],
    ['NUL in a string', '{"type":"scrape","input":{"url":"http://x/\\u0000"}}', 'input.url', /U\+0000/],
    [
      'a lone surrogate in an object key',
      '{"type":"risk","input":{"returns":{"A\\udc00":[0.1]}}}',
      'input.returns.A\\udc00',
      /property name contains a lone UTF-16 surrogate/,
    ],
    [
      'NUL in an array item',
      '{"type":"risk","input":{"positions":[{"symbol":"A"},"\\u0000"]}}',
      'input.positions.1',
      /NUL/,
    ],
  ])('400 problem+json for %s, naming the field', async (_, json, path, message) => {
    const response = await post(json);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, instance: '/jobs', detail: 'The request is invalid' });
    expect(response.body.errors).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('400 for NUL in a query value', async () => {
    const response = await request(app()).get('/jobs?cursor=a%00b');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'cursor', message: expect.stringMatching(/NUL/) }]);
  });

  it('400 for a header that becomes a field (Idempotency-Key) with NUL or non-ASCII', () => {
    for (const key of ['a\u0000b', 'x\ud800']) {
      expect(
        validationErrors(() =>
          SubmitJobCommand.create({
            tenantId: 'default',
            type: 'scrape',
            input: { url: 'https://example.com/' },
            correlationId: 'c',
            idempotencyKey: key,
          }),
        ),
      ).toEqual([{ path: 'header.Idempotency-Key', message: expect.any(String) }]);
    }
  });

  describe('an uploaded file’s name', () => {
    // Only the name is looked at before the check: nothing else is reached.
    const upload = new UploadDocumentUseCase({} as never, {} as never, {} as never, {} as never, {} as never);
    const file = (originalname: string) => ({
      buffer: Buffer.from('%PDF-1.4'),
      originalname,
      mimetype: 'application/pdf',
      size: 8,
    });

    it.each([
      ['NUL', 'plan\u0000.pdf', /NUL/],
      ['a lone surrogate', 'plan\udfff.pdf', /lone UTF-16 surrogate/],
    ])('400 for %s', async (_, name, message) => {
      const outcome = upload
        .execute(file(name), 'c', { keyId: 'key_0123456789abcdef', role: 'member', tenant: 'default' })
        .catch((error: unknown) => error);
      const error = await outcome;
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).errors).toEqual([
        { path: 'file.filename', message: expect.stringMatching(message) },
      ]);
    });

    it('NUL really arrives in a multipart file name (RFC 5987 filename*)', async () => {
      const server = express();
      let seen = '';
      server.post('/documents', multer().single('file'), (req, res) => {
        seen = (req as { file?: { originalname: string } }).file?.originalname ?? '';
        res.status(204).end();
      });
      const boundary = 'b0undary';
      const body = [
        `--${boundary}`,
        `Content-Disposition: form-data; name="file"; filename*=UTF-8''plan%00.pdf`,
        'Content-Type: application/pdf',
        '',
        '%PDF-1.4',
        `--${boundary}--`,
        '',
      ].join('\r\n');
      await request(server)
        .post('/documents')
        .set('content-type', `multipart/form-data; boundary=${boundary}`)
        .send(body)
        .expect(204);
      expect(seen).toBe('plan\u0000.pdf');
    });
  });
});
