import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SERVICE_CONFIG } from '@app/platform';
import { JobQueries, JobStreamQueries } from '@app/read-models';
import { CurrentCaller, tenantScope, type Caller } from '../auth/caller';
import { RequiresRole } from '../auth/route-access';
import type { GatewayConfig } from '../gateway.config';
import { JobNotFoundError, RequestValidationError, StreamCapacityError } from '../http/api-errors';
import { isUuid } from '../http/parse-request';
import { ValidHeader, ValidQuery } from '../http/request-dto.pipe';
import { ApiProblem } from '../openapi/api-problem.decorator';
import { formatSseEvent } from '../streams/sse-format';
import { SseStream } from '../streams/sse-stream';
import { parseEventId, type StreamCursor } from '../streams/stream-cursor';
import { StreamHub } from '../streams/stream-hub';
import { JOB_STREAM_EVENT_SCHEMA, JOBS_STREAM_EVENT_SCHEMA } from '../streams/stream.openapi';
import { JobEventResponse, JobResponse } from './dto/job.responses';
import { LAST_EVENT_ID_RULE, StreamJobQuery, StreamJobsQuery } from './dto/stream-jobs.query';
import { JOB_ID_PARAM, LAST_EVENT_ID_HEADER } from './jobs.openapi';

const EVENT_STREAM = 'text/event-stream';

/**
 * Live streams (Server-Sent Events) of what the projector committed. Registered before JobsController,
 * so `GET /jobs/stream` is this route and not `GET /jobs/{id}`.
 */
@ApiTags('jobs')
@ApiExtraModels(JobResponse, JobEventResponse)
@Controller('jobs')
export class JobStreamsController {
  constructor(
    @Inject(JobQueries) private readonly jobs: JobQueries,
    @Inject(StreamHub) private readonly hub: StreamHub,
    @Inject(JobStreamQueries) private readonly streams: JobStreamQueries,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('stream')
  @RequiresRole('reader')
  @ApiOperation({
    operationId: 'streamJobs',
    summary: 'Every job’s changes, live (Server-Sent Events)',
    description:
      'An `event: job` with the job’s JSON (as an item of `GET /jobs`) each time a job’s row changes, filtered ' +
      'like `GET /jobs`; `: hb` comments keep the connection open. Never ends on its own. See docs/api.md.',
  })
  @ApiProduces(EVENT_STREAM)
  @ApiOkResponse({
    description: 'An endless event stream',
    content: { [EVENT_STREAM]: { schema: JOBS_STREAM_EVENT_SCHEMA } },
  })
  @ApiProblem(400, 'Invalid query (field errors)')
  @ApiProblem(503, 'This gateway serves its maximum of live streams (STREAM_MAX_PER_GATEWAY)')
  streamAll(
    @ValidQuery(StreamJobsQuery) query: StreamJobsQuery,
    @Res() res: Response,
    @CurrentCaller() caller: Caller,
  ): void {
    this.assertRoom();
    this.hub.watchDashboard(new SseStream(res), {
      // The caller's tenant; every tenant's jobs for an admin key.
      tenantId: tenantScope(caller),
      type: query.type,
      status: query.status,
    });
  }

  @Get(':id/stream')
  @RequiresRole('reader')
  @ApiOperation({
    operationId: 'streamJob',
    summary: 'A job’s events, live (Server-Sent Events)',
    description:
      'First `event: job` with the job as `GET /jobs/{id}` shows it, then each event (as an item of ' +
      '`GET /jobs/{id}/events`; `event:` its type, `id:` its resume id) once the projection has applied it, ' +
      'the history first; `event: end` with the job once it finished, then the stream closes. ' +
      '`Last-Event-ID` resumes after an event. See docs/api.md.',
  })
  @ApiParam(JOB_ID_PARAM)
  @ApiProduces(EVENT_STREAM)
  @ApiOkResponse({
    description: 'The event stream, closed after `event: end`',
    content: { [EVENT_STREAM]: { schema: JOB_STREAM_EVENT_SCHEMA } },
  })
  @ApiProblem(400, 'Invalid Last-Event-ID or lastEventId (field errors)')
  @ApiProblem(404, 'No such job')
  @ApiProblem(503, 'PostgreSQL unavailable, or this gateway serves its maximum of live streams')
  async streamJob(
    @Param('id') id: string,
    @ValidHeader(LAST_EVENT_ID_HEADER, LAST_EVENT_ID_RULE) lastEventIdHeader: string | undefined,
    @ValidQuery(StreamJobQuery) query: StreamJobQuery,
    @Res() res: Response,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    const resumeAfter = this.eventIdOf(lastEventIdHeader, query.lastEventId);
    this.assertRoom();
    // Read-your-writes as GET /jobs/{id}: a job accepted but not projected yet is there, PENDING.
    const job = isUuid(id) ? await this.jobs.getJob(tenantScope(caller), id) : null;
    if (!job) throw new JobNotFoundError(id);
    const cursor =
      resumeAfter === null ? null : await this.cursorAfter(id, resumeAfter.eventId, resumeAfter.path);
    const stream = new SseStream(res);
    stream.write(formatSseEvent({ event: 'job', data: job }));
    this.hub.watchJob(stream, job.tenantId, id, cursor);
  }

  private assertRoom(): void {
    if (!this.hub.hasRoom()) {
      throw new StreamCapacityError(this.config.streams.maxPerGateway, this.config.retryAfterSeconds);
    }
  }

  /** The event id to resume after (the header wins over the query), with where it came from. */
  private eventIdOf(
    header: string | undefined,
    query: string | undefined,
  ): { eventId: string; path: string } | null {
    const raw = header ?? query;
    if (raw === undefined) return null;
    const path = header === undefined ? 'lastEventId' : 'header.Last-Event-ID';
    const eventId = parseEventId(raw);
    if (eventId === null) throw new RequestValidationError([{ path, message: LAST_EVENT_ID_RULE }]);
    return { eventId, path };
  }

  /** Where the stream resumes: after that event of this job; one the job does not have is a 400. */
  private async cursorAfter(jobId: string, eventId: string, path: string): Promise<StreamCursor> {
    const position = await this.streams.positionOf(jobId, eventId);
    if (position === null) {
      throw new RequestValidationError([{ path, message: 'is not an event of this job’s stream' }]);
    }
    return position;
  }
}
