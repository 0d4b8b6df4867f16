import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { JobLogQueries, JobQueries } from '@app/read-models';
import { AdmissionControl } from '../admission/admission-control';
import { TenantBacklogShare } from '../admission/tenant-backlog-share';
import { actorOf, CurrentCaller, tenantScope, type Caller } from '../auth/caller';
import { RequiresRole } from '../auth/route-access';
import { ForbiddenError, JobNotFoundError, RequestValidationError } from '../http/api-errors';
import { parseRfc3339Time } from '../http/rfc3339-time';
import { correlationIdOf } from '../http/correlation-id';
import { PageQuery, pageOptions } from '../http/page-query';
import { isUuid } from '../http/parse-request';
import { ValidBody, ValidHeader, ValidQuery } from '../http/request-dto.pipe';
import { ApiProblem } from '../openapi/api-problem.decorator';
import { IDEMPOTENCY_KEY_HEADER, JOB_ID_PARAM, JOB_LINKS, LOCATION_HEADER } from './jobs.openapi';
import {
  CREATE_JOB_BODY_SCHEMA,
  CreateJobRequest,
  RiskJobRequest,
  ScrapeJobRequest,
} from './dto/create-job.request';
import { CREATE_JOB_EXAMPLES } from './dto/create-job.examples';
import {
  JobAcceptedResponse,
  JobEventResponse,
  JobLogPageResponse,
  JobPageResponse,
  JobResponse,
  JobRerunResponse,
} from './dto/job.responses';
import { ListJobsQuery } from './dto/list-jobs.query';
import { CancelJobUseCase } from './usecases/cancel-job/cancel-job.usecase';
import { RerunJobUseCase } from './usecases/rerun-job/rerun-job.usecase';
import { IDEMPOTENCY_KEY_RULE, SubmitJobCommand } from './usecases/submit-job/submit-job.command';
import { SubmitJobUseCase } from './usecases/submit-job/submit-job.usecase';

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(
    @Inject(SubmitJobUseCase) private readonly submitJob: SubmitJobUseCase,
    @Inject(JobQueries) private readonly jobs: JobQueries,
    @Inject(CancelJobUseCase) private readonly cancelJob: CancelJobUseCase,
    @Inject(RerunJobUseCase) private readonly rerunJob: RerunJobUseCase,
    @Inject(AdmissionControl) private readonly admission: AdmissionControl,
    @Inject(TenantBacklogShare) private readonly tenantShare: TenantBacklogShare,
    @Inject(JobLogQueries) private readonly logs: JobLogQueries,
  ) {}

  @Post()
  @RequiresRole('member')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'submitJob',
    summary: 'Submit a job',
    description: 'Answers 202 only after Kafka acknowledged the request event.',
  })
  @ApiExtraModels(ScrapeJobRequest, RiskJobRequest)
  @ApiBody({ schema: CREATE_JOB_BODY_SCHEMA, examples: CREATE_JOB_EXAMPLES })
  @ApiAcceptedResponse({
    type: JobAcceptedResponse,
    description: 'Accepted: the request event is on the log',
    headers: LOCATION_HEADER,
    links: JOB_LINKS,
  })
  @ApiProblem(400, 'Invalid body, input or Idempotency-Key (field errors)')
  @ApiProblem(409, 'The first request with this Idempotency-Key is still in flight', { retryAfter: true })
  @ApiProblem(413, 'Body over a size limit: bytes, keys, array items or string length (see docs/api.md)')
  @ApiProblem(415, 'Not application/json, a charset other than UTF-8, or an unsupported Content-Encoding')
  @ApiProblem(422, 'Idempotency-Key reused with another body')
  @ApiProblem(
    503,
    'Kafka unavailable, or the job type’s backlog is over its admission limit (ADMISSION_MAX_LAG_<TYPE>); see Retry-After',
  )
  async create(
    @ValidBody(CreateJobRequest) request: CreateJobRequest,
    @ValidHeader(IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_RULE) idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @CurrentCaller() caller: Caller,
  ): Promise<JobAcceptedResponse> {
    this.admission.assertAdmits(request.type);
    this.tenantShare.assertWithinShare(request.type, caller);
    const command = SubmitJobCommand.create({
      tenantId: caller.tenant,
      type: request.type,
      input: request.input,
      priority: request.priority,
      correlationId: correlationIdOf(res),
      idempotencyKey,
      actor: actorOf(caller),
    });
    const job = await this.submitJob.execute(command);
    res.setHeader('Location', `/jobs/${job.id}`);
    return job;
  }

  @Get()
  @RequiresRole('reader')
  @ApiOperation({ operationId: 'listJobs', summary: 'List jobs, newest first' })
  @ApiOkResponse({ type: JobPageResponse })
  @ApiProblem(400, 'Invalid query (field errors)')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async list(
    @ValidQuery(ListJobsQuery) parsed: ListJobsQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<JobPageResponse> {
    return this.jobs.listJobs({
      tenantId: listedTenant(caller, parsed.tenant),
      status: parsed.status,
      type: parsed.type,
      priority: parsed.priority,
      correlationId: parsed.correlationId,
      createdAfter: listedTime('createdAfter', parsed.createdAfter),
      createdBefore: listedTime('createdBefore', parsed.createdBefore),
      ...pageOptions(parsed),
    });
  }

  @Get(':id')
  @RequiresRole('reader')
  @ApiOperation({ operationId: 'getJob', summary: 'A job with its status, result or error, and stages' })
  @ApiParam(JOB_ID_PARAM)
  @ApiOkResponse({ type: JobResponse })
  @ApiProblem(404, 'No such job')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<JobResponse> {
    const job = isUuid(id) ? await this.jobs.getJob(tenantScope(caller), id) : null;
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  @Delete(':id')
  @RequiresRole('member')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'cancelJob',
    summary: 'Cancel a job',
    description:
      'Every stage skips the job and aborts its in-flight work; the job ends CANCELLED and stays readable ' +
      '(DELETE cancels, it does not erase: the job and its history remain).',
  })
  @ApiParam(JOB_ID_PARAM)
  @ApiAcceptedResponse({ type: JobResponse, description: 'Cancelled; the job as it is now' })
  @ApiProblem(404, 'No such job')
  @ApiProblem(409, 'The job already finished')
  @ApiProblem(503, 'Kafka or PostgreSQL unavailable')
  async cancel(
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
    @CurrentCaller() caller: Caller,
  ): Promise<JobResponse> {
    if (!isUuid(id)) throw new JobNotFoundError(id);
    return this.cancelJob.execute(tenantScope(caller), id, correlationIdOf(res), actorOf(caller));
  }

  @Post(':id/retry')
  @RequiresRole('member')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'retryJob',
    summary: 'Re-run a finished job',
    description:
      'Runs the job again from its first stage as its next run (`run` + 1): the job goes back to PENDING, ' +
      'the new outcome replaces the old one, and the event history keeps both runs.',
  })
  @ApiParam(JOB_ID_PARAM)
  @ApiAcceptedResponse({
    type: JobRerunResponse,
    description: 'The next run started',
    headers: LOCATION_HEADER,
  })
  @ApiProblem(404, 'No such job')
  @ApiProblem(409, 'The job is still pending or running')
  @ApiProblem(503, 'Kafka or PostgreSQL unavailable')
  async retry(
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
    @CurrentCaller() caller: Caller,
  ): Promise<JobRerunResponse> {
    if (!isUuid(id)) throw new JobNotFoundError(id);
    res.setHeader('Location', `/jobs/${id}`);
    return this.rerunJob.execute({
      tenantId: tenantScope(caller),
      jobId: id,
      correlationId: correlationIdOf(res),
      actor: actorOf(caller),
    });
  }

  @Get(':id/events')
  @RequiresRole('reader')
  @ApiOperation({ operationId: 'listJobEvents', summary: 'The job’s events, in order' })
  @ApiParam(JOB_ID_PARAM)
  @ApiOkResponse({ type: [JobEventResponse] })
  @ApiProblem(404, 'No such job')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async events(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<JobEventResponse[]> {
    const events = isUuid(id) ? await this.jobs.getEvents(tenantScope(caller), id) : null;
    if (!events) throw new JobNotFoundError(id);
    return events;
  }

  @Get(':id/logs')
  @RequiresRole('reader')
  @ApiOperation({
    operationId: 'listJobLogs',
    summary: 'The log lines the job’s stages reported, oldest first',
    description:
      'StageLogged events of every run and attempt, a page at a time. Rate-limited at the stage ' +
      '(STAGE_LOG_LINES_PER_SECOND per attempt, the rest counted in one "N lines dropped" line); ' +
      'attempts shorter than STAGE_PROGRESS_AFTER_MS report none.',
  })
  @ApiParam(JOB_ID_PARAM)
  @ApiOkResponse({ type: JobLogPageResponse })
  @ApiProblem(400, 'Invalid query (field errors)')
  @ApiProblem(404, 'No such job')
  @ApiProblem(503, 'PostgreSQL unavailable')
  async logLines(
    @Param('id') id: string,
    @ValidQuery(PageQuery) parsed: PageQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<JobLogPageResponse> {
    const page = isUuid(id)
      ? await this.logs.getLogs({ tenantId: tenantScope(caller), jobId: id, ...pageOptions(parsed) })
      : null;
    if (!page) throw new JobNotFoundError(id);
    return page;
  }
}

/** Whose jobs a list shows: an admin's, every tenant's or the `tenant` asked for; anyone else's, its own. */
function listedTenant(caller: Caller, asked: string | undefined): string | null {
  if (caller.role === 'admin') return asked ?? null;
  if (asked !== undefined && asked !== caller.tenant) {
    throw new ForbiddenError('Only an admin key can list another tenant’s jobs');
  }
  return caller.tenant;
}

/** A time bound of `GET /jobs` as a Date, or a 400 naming the field. */
function listedTime(field: 'createdAfter' | 'createdBefore', value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const time = parseRfc3339Time(value);
  if (time === null) {
    throw new RequestValidationError([{ path: field, message: `${field} must be an RFC 3339 date-time` }]);
  }
  return time;
}
