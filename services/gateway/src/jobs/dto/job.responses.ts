import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  JOB_PRIORITIES,
  JOB_STATUSES,
  JOB_TYPES,
  STAGE_LOG_LEVELS,
  type JobPriority,
  type JobStatus,
  type JobType,
} from '@app/contracts';

/*
 * The job resources as the API returns them. Handlers are typed to return these classes, so a read-model
 * view that stops matching its documented shape fails to compile. Nullable fields name their type
 * (OpenAPI 3.0: `type` + `nullable: true`): a `string | null` property has no type TypeScript can emit.
 */
const JOB_ID = { format: 'uuid', example: '6f0c7c1e-0a4b-4c8e-9a53-0d2b3c4d5e6f' } as const;
const TIMESTAMP = { type: String, format: 'date-time', example: '2026-12-07T10:00:00.000Z' } as const;
const NULLABLE_TIMESTAMP = { ...TIMESTAMP, nullable: true } as const;

export class JobErrorResponse {
  @ApiProperty({ example: 'HTTP_404' }) code!: string;
  @ApiProperty({ example: 'The page answered 404' }) message!: string;
  @ApiProperty({ description: 'Whether another attempt could succeed' }) retryable!: boolean;
}

export class JobStageResponse {
  @ApiProperty({ example: 'scrape' }) stage!: string;
  @ApiProperty({ example: 'SUCCEEDED' }) status!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 }) attempts!: number;
  @ApiProperty({ type: String, nullable: true, example: 'scraper@1' }) stageVersion!: string | null;
  @ApiProperty({ type: JobErrorResponse, nullable: true }) error!: JobErrorResponse | null;
  @ApiProperty(NULLABLE_TIMESTAMP) startedAt!: string | null;
  @ApiProperty(NULLABLE_TIMESTAMP) finishedAt!: string | null;
}

export class JobProgressResponse {
  @ApiProperty({ example: 'scrape' }) stage!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) attempt!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 1,
    description: 'The page it is about (per-page document stages; split as it renders), else null',
  })
  page!: number | null;
  @ApiProperty({ type: 'number', minimum: 0, example: 52000, description: 'How many `unit`s are done' })
  done!: number;
  @ApiProperty({
    type: 'number',
    nullable: true,
    minimum: 0,
    example: 120000,
    description: 'How many in all; null when unknown',
  })
  total!: number | null;
  @ApiProperty({ example: 'bytes', description: '`bytes`, `pages`, `paths`…' }) unit!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) message!: string | null;
  @ApiProperty({ ...TIMESTAMP, description: 'When the stage reported it' }) at!: string;
}

export class JobLogLineResponse {
  @ApiProperty({ format: 'uuid', description: 'The `StageLogged` event' }) id!: string;
  @ApiProperty(TIMESTAMP) at!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The run of the job it belongs to' }) run!: number;
  @ApiProperty({ example: 'scrape' }) stage!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) attempt!: number;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 1 }) page!: number | null;
  @ApiProperty({ enum: STAGE_LOG_LEVELS, example: 'info' }) level!: string;
  @ApiProperty({ example: 'redirected to https://example.com/' }) message!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Structured fields (small)' })
  fields!: Record<string, unknown>;
}

export class JobLogPageResponse {
  @ApiProperty({ type: [JobLogLineResponse], description: 'Oldest first' }) items!: JobLogLineResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
    example: null,
  })
  nextCursor!: string | null;
}

export class JobAcceptedResponse {
  @ApiProperty(JOB_ID) id!: string;
  @ApiProperty({ enum: JOB_TYPES, example: 'scrape' }) type!: string;
  @ApiProperty({ enum: JOB_STATUSES, example: 'PENDING' }) status!: string;
  @ApiProperty(TIMESTAMP) createdAt!: string;
}

export class JobResponse {
  @ApiProperty(JOB_ID) id!: string;
  @ApiProperty({ example: 'default', description: 'The tenant of the key that submitted the job' })
  tenantId!: string;
  @ApiProperty({ enum: JOB_TYPES, example: 'scrape' }) type!: JobType;
  @ApiProperty({ enum: JOB_STATUSES, example: 'SUCCEEDED' }) status!: JobStatus;
  @ApiProperty({ enum: JOB_PRIORITIES, example: 'normal' }) priority!: JobPriority;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The input as submitted',
    example: { url: 'https://example.com/' },
  })
  input!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'null until the job SUCCEEDED. scrape: { url, finalUrl, statusCode, contentType, title, description, canonical, lang, h1[], links[], bytes, fetchedAt, durationMs }; ' +
      'risk: { method, confidence, horizonDays, portfolioValue, var, expectedShortfall, observations, simulations, seed, positions[], pnlHistogram: { edges[41], counts[40] } | null (null for parametric; absent on results from before it), durationMs }',
  })
  result!: Record<string, unknown> | null;
  @ApiProperty({ type: JobErrorResponse, nullable: true, description: 'Why the job FAILED; else null' })
  error!: JobErrorResponse | null;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Attempts made by the job’s stage (retries included)',
  })
  attempts!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'The job’s run: 0 first, +1 for each re-run (POST /jobs/{id}/retry, a per-job replay)',
  })
  run!: number;
  @ApiProperty({ description: 'The X-Request-ID of the submitting request', example: 'my-req-1' })
  correlationId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'W3C trace id, when tracing is on' })
  traceId!: string | null;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty(NULLABLE_TIMESTAMP) startedAt!: string | null;
  @ApiProperty(NULLABLE_TIMESTAMP) finishedAt!: string | null;
  @ApiProperty({ type: [JobStageResponse] }) stages!: JobStageResponse[];
  @ApiProperty({
    type: JobProgressResponse,
    nullable: true,
    description:
      'The latest progress a stage reported in the current run (kept after the job finished); null when ' +
      'none was reported (attempts shorter than STAGE_PROGRESS_AFTER_MS report none)',
  })
  progress!: JobProgressResponse | null;
}

export class JobPageResponse {
  @ApiProperty({ type: [JobResponse] }) items!: JobResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
    example: null,
  })
  nextCursor!: string | null;
}

export class JobRerunResponse {
  @ApiProperty(JOB_ID) id!: string;
  @ApiProperty({ enum: JOB_STATUSES, example: 'PENDING' }) status!: JobStatus;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The run just started', example: 1 }) run!: number;
  @ApiProperty({ description: 'The stage the run starts from', example: 'scrape' }) stage!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Events re-published to start the run (one request, or one per page for a per-page stage)',
  })
  republished!: number;
}

export class JobEventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'JobRequested' }) type!: string;
  @ApiProperty({ type: 'integer', example: 1 }) version!: number;
  @ApiProperty(JOB_ID) jobId!: string;
  @ApiProperty({ example: 'default' }) tenantId!: string;
  @ApiProperty({ example: 'my-req-1' }) correlationId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Id of the event that caused this one' })
  causationId!: string | null;
  @ApiProperty(TIMESTAMP) occurredAt!: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'The run this event belongs to (absent: 0)',
  })
  run?: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Depends on `type`' })
  data!: unknown;
}
