import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DEFAULT_TENANT_ID, type EventEnvelope } from '@app/contracts';
import { JobQueries, type JobPage, type JobView } from '@app/read-models';
import { AdmissionControl } from '../admission/admission-control';
import { JobNotFoundError } from '../http/api-errors';
import { correlationIdOf } from '../http/correlation-id';
import { pageOptions } from '../http/page-query';
import { isUuid, parseRequest } from '../http/parse-request';
import { CreateJobRequest } from './dto/create-job.request';
import {
  JobAcceptedResponse,
  JobEventResponse,
  JobPageResponse,
  JobResponse,
  ProblemResponse,
} from './dto/job.responses';
import { ListJobsQuery } from './dto/list-jobs.query';
import { CancelJobUseCase } from './usecases/cancel-job/cancel-job.usecase';
import { RerunJobUseCase, type RerunAccepted } from './usecases/rerun-job/rerun-job.usecase';
import { SubmitJobCommand } from './usecases/submit-job/submit-job.command';
import { SubmitJobUseCase, type SubmittedJob } from './usecases/submit-job/submit-job.usecase';

@ApiTags('jobs')
@ApiHeader({
  name: 'X-Request-ID',
  required: false,
  description: 'Correlation id, echoed; generated when absent or invalid',
})
@Controller('jobs')
export class JobsController {
  constructor(
    @Inject(SubmitJobUseCase) private readonly submitJob: SubmitJobUseCase,
    @Inject(JobQueries) private readonly jobs: JobQueries,
    @Inject(CancelJobUseCase) private readonly cancelJob: CancelJobUseCase,
    @Inject(RerunJobUseCase) private readonly rerunJob: RerunJobUseCase,
    @Inject(AdmissionControl) private readonly admission: AdmissionControl,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit a job',
    description: 'Answers 202 only after Kafka acknowledged the request event.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-255 chars; same key and body -> same job',
  })
  @ApiAcceptedResponse({ type: JobAcceptedResponse, headers: { Location: { description: '/jobs/{id}' } } })
  @ApiBadRequestResponse({ type: ProblemResponse })
  @ApiPayloadTooLargeResponse({ type: ProblemResponse })
  @ApiUnprocessableEntityResponse({
    type: ProblemResponse,
    description: 'Idempotency-Key reused with another body',
  })
  @ApiServiceUnavailableResponse({
    type: ProblemResponse,
    description:
      'Kafka unavailable, or the job type’s backlog is over its admission limit (ADMISSION_MAX_LAG_<TYPE>); see Retry-After',
  })
  async create(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SubmittedJob> {
    const request = parseRequest(CreateJobRequest, body, 'body');
    this.admission.assertAdmits(request.type);
    const command = SubmitJobCommand.create({
      tenantId: DEFAULT_TENANT_ID,
      type: request.type,
      input: request.input,
      priority: request.priority,
      correlationId: correlationIdOf(res),
      idempotencyKey,
    });
    const job = await this.submitJob.execute(command);
    res.setHeader('Location', `/jobs/${job.id}`);
    return job;
  }

  @Get()
  @ApiOperation({ summary: 'List jobs, newest first' })
  @ApiOkResponse({ type: JobPageResponse })
  @ApiBadRequestResponse({ type: ProblemResponse })
  async list(@Query() query: Record<string, unknown>): Promise<JobPage> {
    const parsed = parseRequest(ListJobsQuery, query, 'query');
    return this.jobs.listJobs({
      tenantId: DEFAULT_TENANT_ID,
      status: parsed.status,
      type: parsed.type,
      ...pageOptions(parsed),
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A job with its status, result or error, and stages' })
  @ApiOkResponse({ type: JobResponse })
  @ApiNotFoundResponse({ type: ProblemResponse })
  async get(@Param('id') id: string): Promise<JobView> {
    const job = isUuid(id) ? await this.jobs.getJob(DEFAULT_TENANT_ID, id) : null;
    if (!job) throw new JobNotFoundError(id);
    return job;
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Cancel a job',
    description: 'Every stage skips the job and aborts its in-flight work; the job ends CANCELLED.',
  })
  @ApiAcceptedResponse({ type: JobResponse })
  @ApiNotFoundResponse({ type: ProblemResponse })
  @ApiConflictResponse({ type: ProblemResponse, description: 'The job already finished' })
  @ApiServiceUnavailableResponse({ type: ProblemResponse })
  async cancel(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<JobView> {
    if (!isUuid(id)) throw new JobNotFoundError(id);
    return this.cancelJob.execute(DEFAULT_TENANT_ID, id, correlationIdOf(res));
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-run a finished job',
    description:
      'Runs the job again from its first stage as its next run (`run` + 1): the job goes back to PENDING, ' +
      'the new outcome replaces the old one, and the event history keeps both runs.',
  })
  @ApiAcceptedResponse({ description: '{ id, status: "PENDING", run, stage, republished }' })
  @ApiNotFoundResponse({ type: ProblemResponse })
  @ApiConflictResponse({ type: ProblemResponse, description: 'The job is still pending or running' })
  @ApiServiceUnavailableResponse({ type: ProblemResponse })
  async retry(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<RerunAccepted> {
    if (!isUuid(id)) throw new JobNotFoundError(id);
    res.setHeader('Location', `/jobs/${id}`);
    return this.rerunJob.execute({
      tenantId: DEFAULT_TENANT_ID,
      jobId: id,
      correlationId: correlationIdOf(res),
    });
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'The job’s events, in order' })
  @ApiOkResponse({ type: [JobEventResponse] })
  @ApiNotFoundResponse({ type: ProblemResponse })
  async events(@Param('id') id: string): Promise<EventEnvelope[]> {
    const events = isUuid(id) ? await this.jobs.getEvents(DEFAULT_TENANT_ID, id) : null;
    if (!events) throw new JobNotFoundError(id);
    return events;
  }
}
