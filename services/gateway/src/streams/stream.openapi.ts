import { getSchemaPath } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { EventTypes } from '@app/contracts';
import { JobEventResponse, JobResponse } from '../jobs/dto/job.responses';
import { STREAM_EVENT_ID_PATTERN } from './stream-cursor';

/**
 * OpenAPI of the live streams' `text/event-stream` answers. Before OpenAPI 3.2 (`itemSchema`), the
 * schema of an event-stream media type describes each event, as a client parses it: `event`, `data`
 * (the text of its `data:` lines: JSON, whose schema is `contentSchema`) and `id`.
 */
const jsonData = (schema: SchemaObject | ReferenceObject): SchemaObject =>
  ({
    type: 'string',
    description: 'JSON',
    contentMediaType: 'application/json',
    contentSchema: schema,
  }) as SchemaObject;

const RESUME_ID: SchemaObject = {
  type: 'string',
  pattern: STREAM_EVENT_ID_PATTERN.source,
  description: 'Resume id (`<epoch>-<seq>`): send it back as Last-Event-ID',
};

const jobEvent = (names: string[], description: string): SchemaObject => ({
  type: 'object',
  description,
  required: ['event', 'data'],
  properties: {
    event: { type: 'string', enum: names },
    // A client carries the last id over to the events after it.
    id: RESUME_ID,
    data: jsonData({ $ref: getSchemaPath(JobResponse) }),
  },
});

/** One event of `GET /jobs/{id}/stream`. */
export const JOB_STREAM_EVENT_SCHEMA: SchemaObject = {
  oneOf: [
    jobEvent(['job', 'end'], '`job`: the job first; `end`: the job once it finished, then the stream closes'),
    {
      type: 'object',
      description: 'One of the job’s events (an item of GET /jobs/{id}/events), named by its type',
      required: ['event', 'id', 'data'],
      properties: {
        event: { type: 'string', enum: Object.values(EventTypes) },
        id: RESUME_ID,
        data: jsonData({ $ref: getSchemaPath(JobEventResponse) }),
      },
    },
    {
      type: 'object',
      description: 'The resume id is from before a projection rebuild: the whole history follows again',
      required: ['event', 'data'],
      properties: {
        event: { type: 'string', enum: ['reset'] },
        id: RESUME_ID,
        data: jsonData({
          type: 'object',
          required: ['reason'],
          properties: { reason: { type: 'string' } },
        }),
      },
    },
  ],
};

/** One event of `GET /jobs/stream`: a job whose row changed. */
export const JOBS_STREAM_EVENT_SCHEMA: SchemaObject = jobEvent(
  ['job'],
  'A job that changed, as GET /jobs lists it',
);
