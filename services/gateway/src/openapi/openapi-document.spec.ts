import 'reflect-metadata';
import type { INestApplication, InjectionToken } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import {
  BLOB_STORE,
  ConsumerGroupInspector,
  OpsModule,
  PlatformMetrics,
  SERVICE_CONFIG,
  type Logger,
} from '@app/platform';
import {
  ApiKeyStore,
  DeadLetterQueries,
  DocumentQueries,
  JobLogQueries,
  JobQueries,
  JobStreamQueries,
} from '@app/read-models';
import { ConsumerGroupsAdminController } from '../admin/consumer-groups-admin.controller';
import { DeadLetterRedriver } from '../admin/dlq/dead-letter-redriver';
import { DeadLettersAdminController } from '../admin/dlq/dead-letters-admin.controller';
import { ProjectionsAdminController } from '../admin/projections-admin.controller';
import { ProjectorAdminClient } from '../admin/projector-admin.client';
import { ReplayAdminController } from '../admin/replay/replay-admin.controller';
import { ReplayStageUseCase } from '../admin/replay/replay-stage.usecase';
import { AdmissionControl } from '../admission/admission-control';
import { DocumentAdmissionGuard } from '../admission/admission.guard';
import { DocumentsController } from '../documents/documents.controller';
import { UploadDocumentUseCase } from '../documents/usecases/upload-document.usecase';
import { AllowedMethods } from '../http/allowed-methods';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { JobsController } from '../jobs/jobs.controller';
import { CancelJobUseCase } from '../jobs/usecases/cancel-job/cancel-job.usecase';
import { RerunJobUseCase } from '../jobs/usecases/rerun-job/rerun-job.usecase';
import { SubmitJobUseCase } from '../jobs/usecases/submit-job/submit-job.usecase';
import { ApiKeysAdminController } from '../admin/keys/api-keys-admin.controller';
import { CallerController } from '../console/caller.controller';
import { CONSOLE_DIR, ConsoleController } from '../console/console.controller';
import { TenantBacklogShare } from '../admission/tenant-backlog-share';
import { JobStreamsController } from '../jobs/job-streams.controller';
import { StreamHub } from '../streams/stream-hub';
import { createOpenApiDocument, setUpOpenApi } from './openapi-document';

type Json = Record<string, unknown>;

const silentLogger = { warn: () => undefined, error: () => undefined } as unknown as Logger;

/** The gateway's controllers over inert collaborators: enough to build the document and route. */
async function gatewayApp(): Promise<INestApplication> {
  const inert = (token: InjectionToken) => ({ provide: token, useValue: {} });
  const moduleRef = await Test.createTestingModule({
    imports: [OpsModule.register({ metrics: new PlatformMetrics('openapi-spec'), probes: [] })],
    controllers: [
      JobStreamsController,
      JobsController,
      ApiKeysAdminController,
      DocumentsController,
      ReplayAdminController,
      ProjectionsAdminController,
      DeadLettersAdminController,
      ConsumerGroupsAdminController,
      CallerController,
      ConsoleController,
    ],
    providers: [
      { provide: CONSOLE_DIR, useValue: '/nonexistent' },
      ...[
        SubmitJobUseCase,
        JobQueries,
        JobLogQueries,
        CancelJobUseCase,
        RerunJobUseCase,
        AdmissionControl,
        TenantBacklogShare,
        DocumentAdmissionGuard,
        ApiKeyStore,
        StreamHub,
        JobStreamQueries,
        SERVICE_CONFIG,
        UploadDocumentUseCase,
        DocumentQueries,
        ReplayStageUseCase,
        ProjectorAdminClient,
        DeadLetterQueries,
        DeadLetterRedriver,
        ConsumerGroupInspector,
        BLOB_STORE,
      ].map(inert),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalFilters(
    new ProblemDetailsFilter(silentLogger, 5, new AllowedMethods(app.getHttpAdapter().getInstance())),
  );
  setUpOpenApi(app);
  await app.init();
  return app;
}

describe('the gateway’s OpenAPI document', () => {
  let app: INestApplication;
  let document: OpenAPIObject;
  const operation = (method: string, path: string): Json =>
    (document.paths[path] as Record<string, Json>)[method];
  const schema = (name: string): Json => document.components?.schemas?.[name] as Json;

  beforeAll(async () => {
    app = await gatewayApp();
    document = createOpenApiDocument(app);
  });
  afterAll(() => app.close());

  it('documents the request bodies, strict, from the validating DTOs', () => {
    const submit = operation('post', '/jobs').requestBody as Json;
    expect(JSON.stringify(submit)).toContain('#/components/schemas/ScrapeJobRequest');
    expect(schema('ScrapeJobRequest')).toMatchObject({
      required: ['type', 'input'],
      additionalProperties: false,
    });
    expect(schema('ScrapeJobInput')).toMatchObject({
      required: ['url'],
      additionalProperties: false,
      properties: { url: { type: 'string', maxLength: 2048, pattern: expect.any(String) } },
    });
    expect(schema('RiskJobPosition')).toMatchObject({ additionalProperties: false });
    expect(JSON.stringify(operation('post', '/admin/replay').requestBody)).toContain('ReplayRequest');
    expect(schema('ReplayRequest')).toMatchObject({ additionalProperties: false });
  });

  it('resolves every $ref to a schema of the document (a body variant needs @ApiExtraModels)', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (match) => match[1],
    );
    expect(refs).toContain('RiskJobRequest');
    expect([...new Set(refs)].filter((name) => schema(name) === undefined)).toEqual([]);
  });

  it('documents query, path and header parameters with their constraints', () => {
    const names = (op: Json) => (op.parameters as Json[]).map((p) => `${p.in as string}:${p.name as string}`);
    expect(names(operation('get', '/jobs'))).toEqual(
      expect.arrayContaining([
        'query:limit',
        'query:cursor',
        'query:status',
        'query:type',
        'header:X-Request-ID',
      ]),
    );
    expect(names(operation('get', '/admin/dlq'))).toEqual(
      expect.arrayContaining(['query:limit', 'query:cursor', 'query:reason', 'query:topic', 'query:tenant']),
    );
    const tenant = (operation('get', '/admin/dlq').parameters as Json[]).find((p) => p.name === 'tenant');
    expect(tenant?.schema).toMatchObject({ type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,62}$' });
    expect(schema('DeadLetterResponse')).toMatchObject({
      properties: { tenantId: { type: 'string', nullable: true } },
    });
    expect(schema('DeadLetterResponse').required).toContain('tenantId');
    const limit = (operation('get', '/jobs').parameters as Json[]).find((p) => p.name === 'limit');
    expect(limit?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200, default: 50 });
    const key = (operation('post', '/jobs').parameters as Json[]).find((p) => p.name === 'Idempotency-Key');
    expect(key).toMatchObject({
      in: 'header',
      required: false,
      schema: { pattern: '^[\\x21-\\x7e]{1,255}$' },
    });
    const id = (operation('get', '/jobs/{id}').parameters as Json[]).find((p) => p.name === 'id');
    expect(id).toMatchObject({ in: 'path', schema: { type: 'string', format: 'uuid' } });
  });

  it('states the least role and the key security of every operation but health and metrics', () => {
    const paths = document.paths as Record<string, Record<string, Json>>;
    const open: string[] = [];
    const unstated: string[] = [];
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const route = `${method.toUpperCase()} ${path}`;
        if (path.startsWith('/health/') || path === '/metrics') {
          open.push(route);
          continue;
        }
        const security = operation.security as Json[] | undefined;
        const role = operation['x-required-role'];
        if (!['admin', 'member', 'reader'].includes(role as string) || !security?.length)
          unstated.push(route);
      }
    }
    expect(unstated).toEqual([]);
    expect(open.sort()).toEqual(['GET /health/live', 'GET /health/ready', 'GET /metrics']);
  });

  it('documents GET /me for any key, and leaves the console’s static files out', () => {
    expect(operation('get', '/me')).toMatchObject({
      operationId: 'getCaller',
      'x-required-role': 'reader',
      security: expect.arrayContaining([{ apiKey: [] }]),
    });
    expect(JSON.stringify(operation('get', '/me').responses)).toContain('CallerResponse');
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/console'))).toEqual([]);
  });

  it('documents a document page’s image as a PNG for any key', () => {
    const image = operation('get', '/documents/{id}/pages/{page}/image');
    expect(image).toMatchObject({ operationId: 'getDocumentPageImage', 'x-required-role': 'reader' });
    expect(Object.keys((image.responses as Record<string, Json>)['200'].content as Json)).toEqual([
      'image/png',
    ]);
    const page = (image.parameters as Json[]).find((p) => p.name === 'page');
    expect(page).toMatchObject({ in: 'path', schema: { type: 'integer', minimum: 1 } });
  });

  it('gives nullable fields their type (OpenAPI 3.0 `nullable`), never a bare object', () => {
    const properties = schema('JobResponse').properties as Record<string, Json>;
    expect(properties.startedAt).toMatchObject({ type: 'string', format: 'date-time', nullable: true });
    expect(properties.finishedAt).toMatchObject({ type: 'string', format: 'date-time', nullable: true });
    expect(properties.traceId).toMatchObject({ type: 'string', nullable: true });
    expect((schema('JobPageResponse').properties as Record<string, Json>).nextCursor).toMatchObject({
      type: 'string',
      nullable: true,
    });
    const lag = schema('PartitionLagResponse').properties as Record<string, Json>;
    expect(lag.committedOffset).toMatchObject({ type: 'string', nullable: true });
    for (const [name, component] of Object.entries(document.components?.schemas ?? {})) {
      for (const [property, value] of Object.entries(
        ((component as Json).properties ?? {}) as Record<string, Json>,
      )) {
        const typed = value.additionalProperties ?? value.properties ?? value.allOf;
        if (value.nullable && value.type === 'object' && !typed) {
          throw new Error(`${name}.${property} is an untyped nullable object`);
        }
      }
    }
  });

  it('documents every error answer as application/problem+json, 400s with field errors', () => {
    for (const [path, pathItem] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(pathItem as Record<string, Json>)) {
        for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
          if (Number(status) < 400 || path === '/health/ready') continue;
          const content = Object.keys(response.content ?? {});
          expect([`${method} ${path} ${status}`, content]).toEqual([
            `${method} ${path} ${status}`,
            ['application/problem+json'],
          ]);
        }
      }
    }
    expect(JSON.stringify((operation('post', '/jobs').responses as Json)['400'])).toContain(
      'ValidationProblemResponse',
    );
    expect(schema('ValidationProblemResponse').properties).toHaveProperty('errors');
  });

  it('links a submitted job to the operations on it, for stateful clients and fuzzers', () => {
    const accepted = (operation('post', '/jobs').responses as Record<string, Json>)['202'];
    expect(accepted.links).toMatchObject({
      GetJob: { operationId: 'getJob', parameters: { id: '$response.body#/id' } },
    });
    expect(operation('get', '/jobs/{id}').operationId).toBe('getJob');
  });

  it('answers a known path asked with another method 405 with Allow, problem+json', async () => {
    const metrics = await request(app.getHttpServer()).trace('/metrics');
    expect(metrics.status).toBe(405);
    expect(metrics.headers.allow).toBe('GET, HEAD');
    expect(metrics.headers['content-type']).toMatch(/^application\/problem\+json/);
    const job = await request(app.getHttpServer()).put('/jobs/6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f');
    expect(job.status).toBe(405);
    expect(job.headers.allow).toBe('GET, DELETE, HEAD');
    expect((await request(app.getHttpServer()).post('/docs/openapi.json')).status).toBe(405);
    expect((await request(app.getHttpServer()).get('/no/such/path')).status).toBe(404);
  });
});
