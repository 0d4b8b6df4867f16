import type { ApiParamOptions } from '@nestjs/swagger';
import type { HeadersObject, LinksObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { PatternHeader } from '../http/request-dto.pipe';
import { STREAM_EVENT_ID_PATTERN } from '../streams/stream-cursor';
import { IDEMPOTENCY_KEY_PATTERN } from './usecases/submit-job/submit-job.command';

/** OpenAPI pieces the jobs routes share: the id parameter, headers, and the links out of a new job. */
export const JOB_ID_PARAM: ApiParamOptions = {
  name: 'id',
  description: 'The job id (a UUID; anything else is an unknown job, 404)',
  schema: { type: 'string', format: 'uuid', example: '6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f' },
};

export const IDEMPOTENCY_KEY_HEADER: PatternHeader = {
  name: 'Idempotency-Key',
  required: false,
  description:
    '1-255 visible ASCII characters. The same key and body give the same job (one execution); the same key ' +
    'with another body is a 422.',
  schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source, example: 'order-7' },
};

export const LAST_EVENT_ID_HEADER: PatternHeader = {
  name: 'Last-Event-ID',
  required: false,
  description:
    'Resume a job stream after this event (its `id:`, the event id; browsers send it when they reconnect): the ' +
    'events after it, none twice, none missing. Not an event of this job: 400.',
  schema: {
    type: 'string',
    format: 'uuid',
    pattern: STREAM_EVENT_ID_PATTERN.source,
    example: '0b5e3c7a-3f1d-5c1e-8f7a-2a9d6c4b1e0f',
  },
};

export const LOCATION_HEADER: HeadersObject = {
  Location: {
    description: 'The job: /jobs/{id}',
    schema: { type: 'string', example: '/jobs/6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f' },
  },
};

const FROM_BODY_ID = { id: '$response.body#/id' };

/** Where a 202 from POST /jobs leads: its id names the job in every /jobs/{id} operation. */
export const JOB_LINKS: LinksObject = {
  GetJob: { operationId: 'getJob', parameters: FROM_BODY_ID, description: 'Follow the job' },
  ListJobEvents: { operationId: 'listJobEvents', parameters: FROM_BODY_ID, description: 'Its events' },
  CancelJob: { operationId: 'cancelJob', parameters: FROM_BODY_ID, description: 'Cancel it' },
  RetryJob: { operationId: 'retryJob', parameters: FROM_BODY_ID, description: 'Re-run it once finished' },
};
