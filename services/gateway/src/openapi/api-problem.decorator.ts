import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { HeadersObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CONTENT_TYPE } from '../http/problem';
import { ProblemResponse, ValidationProblemResponse } from '../http/problem.responses';

const RETRY_AFTER: HeadersObject = {
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    schema: { type: 'integer', minimum: 0, example: 5 },
  },
};

const WWW_AUTHENTICATE: HeadersObject = {
  'WWW-Authenticate': {
    description: 'The Bearer challenge (RFC 6750), with `error="invalid_token"` when a key was sent',
    schema: { type: 'string', example: 'Bearer realm="event-jobs"' },
  },
};

/** Statuses whose answers carry Retry-After. */
const RETRYABLE = new Set([429, 503]);

/**
 * Documents an error answer as `application/problem+json` (the content type sendProblem writes): a
 * 400 with the field `errors`, any other status with the plain problem body.
 */
export function ApiProblem(
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503,
  description: string,
  options: { retryAfter?: boolean } = {},
): MethodDecorator & ClassDecorator {
  const model = status === 400 ? ValidationProblemResponse : ProblemResponse;
  const retryAfter = options.retryAfter ?? RETRYABLE.has(status);
  return applyDecorators(
    ApiExtraModels(ProblemResponse, ValidationProblemResponse),
    ApiResponse({
      status,
      description,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(model) } } },
      ...(retryAfter ? { headers: RETRY_AFTER } : {}),
      ...(status === 401 ? { headers: WWW_AUTHENTICATE } : {}),
    }),
  );
}
