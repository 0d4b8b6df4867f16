import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME, HEADER_SCHEME } from '../auth/route-access';
import { REQUEST_ID_HEADER } from '../http/correlation-id';
import { requireStrictRequestSchemas } from './strict-request-schemas';

const REQUEST_ID_DESCRIPTION =
  'Correlation id: 1-128 characters of [A-Za-z0-9._:-] are kept, anything else (or none) is replaced by a ' +
  'new UUID. Echoed on every response, carried on every event, log line and span of the job.';

/**
 * The gateway's OpenAPI 3.0 document, built once at start-up from the controllers and their DTOs (the
 * same classes the pipes validate with), then completed with what decorators cannot say per route:
 * X-Request-ID on every request and response, and `additionalProperties: false` on request bodies
 * (unknown fields are a 400).
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('event-jobs gateway')
    .setDescription(
      'Submit and follow jobs. Errors are application/problem+json (RFC 9457); a 400 lists field errors ' +
        'in `errors`. A known path asked with another method answers 405 with `Allow`.',
    )
    .setVersion('0.1.0')
    .addGlobalParameters({
      name: REQUEST_ID_HEADER,
      in: 'header',
      required: false,
      description: REQUEST_ID_DESCRIPTION,
      schema: { type: 'string' },
    })
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API key (see docs/auth.md)' },
      BEARER_SCHEME,
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same key, in its own header' },
      HEADER_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  addRequestIdResponseHeader(document);
  requireStrictRequestSchemas(document);
  return document;
}

function addRequestIdResponseHeader(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      const responses = (operation as { responses?: Record<string, { headers?: Record<string, unknown> }> })
        .responses;
      for (const response of Object.values(responses ?? {})) {
        response.headers = {
          [REQUEST_ID_HEADER]: {
            description: 'The request’s correlation id (its own X-Request-ID when sane)',
            schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
          },
          ...response.headers,
        };
      }
    }
  }
}

/** Serves the document at /docs (Swagger UI) and /docs/openapi.json. */
export function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
}
