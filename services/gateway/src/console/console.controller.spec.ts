import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { Logger } from '@app/platform';
import { isPublicPath } from '../auth/authentication.middleware';
import { AllowedMethods } from '../http/allowed-methods';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { CONSOLE_DIR, ConsoleController, DEFAULT_CONSOLE_DIR } from './console.controller';

const silentLogger = { warn: () => undefined, error: () => undefined } as unknown as Logger;

describe('ConsoleController', () => {
  let dir: string;
  let app: INestApplication;

  beforeAll(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'console-spec-'));
    await fs.promises.writeFile(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    await fs.promises.writeFile(path.join(dir, 'app.js'), 'console.log(1);');
    await fs.promises.writeFile(path.join(dir, '.secret'), 'no');
    const moduleRef = await Test.createTestingModule({
      controllers: [ConsoleController],
      providers: [{ provide: CONSOLE_DIR, useValue: dir }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(
      new ProblemDetailsFilter(silentLogger, 5, new AllowedMethods(app.getHttpAdapter().getInstance())),
    );
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('answers index.html for /console and /console/, with a same-origin-only policy', async () => {
    for (const url of ['/console', '/console/']) {
      const response = await request(app.getHttpServer()).get(url).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('<title>console</title>');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves the bundle’s files by name, and nothing else', async () => {
    const script = await request(app.getHttpServer()).get('/console/app.js').expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    for (const url of ['/console/missing.js', '/console/.secret', '/console/..%2Fapp.js', '/console/a/b']) {
      const response = await request(app.getHttpServer()).get(url);
      expect([url, response.status]).toEqual([url, 404]);
    }
  });

  it('is public: the authentication middleware lets /console through without a key', () => {
    for (const url of ['/console', '/console/', '/console/app.js']) expect(isPublicPath(url)).toBe(true);
    for (const url of ['/consoles', '/console.js', '/Console']) expect(isPublicPath(url)).toBe(false);
  });

  it('looks for the bundle in dist/console, beside dist/services', () => {
    expect(DEFAULT_CONSOLE_DIR.endsWith(`${path.sep}console`)).toBe(true);
  });
});
