import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JOB_PRIORITIES, JOB_STATUSES, JOB_TYPES } from '@app/contracts';

/** OpenAPI descriptions of the job resources (the handlers return the read-model views). */
export class JobErrorResponse {
  @ApiProperty({ example: 'HTTP_404' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty() retryable!: boolean;
}

export class JobStageResponse {
  @ApiProperty({ example: 'scrape' }) stage!: string;
  @ApiProperty({ example: 'SUCCEEDED' }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true, example: 'scraper@1' }) stageVersion!: string | null;
  @ApiPropertyOptional({ type: JobErrorResponse, nullable: true }) error!: JobErrorResponse | null;
  @ApiPropertyOptional({ nullable: true }) startedAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) finishedAt!: string | null;
}

export class JobAcceptedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: JOB_TYPES }) type!: string;
  @ApiProperty({ enum: JOB_STATUSES, example: 'PENDING' }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class JobResponse extends JobAcceptedResponse {
  @ApiProperty({ enum: JOB_PRIORITIES }) priority!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) input!: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'scrape: { url, finalUrl, statusCode, contentType, title, description, canonical, lang, h1[], links[], bytes, fetchedAt, durationMs }',
  })
  result!: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: JobErrorResponse, nullable: true }) error!: JobErrorResponse | null;
  @ApiProperty({ description: 'Attempts made by the job’s stage (retries included)' }) attempts!: number;
  @ApiProperty({
    description: 'The job’s run: 0 first, +1 for each re-run (POST /jobs/{id}/retry, a per-job replay)',
  })
  run!: number;
  @ApiProperty({ description: 'The X-Request-ID of the submitting request' }) correlationId!: string;
  @ApiPropertyOptional({ nullable: true }) traceId!: string | null;
  @ApiPropertyOptional({ nullable: true }) startedAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: [JobStageResponse] }) stages!: JobStageResponse[];
}

export class JobPageResponse {
  @ApiProperty({ type: [JobResponse] }) items!: JobResponse[];
  @ApiPropertyOptional({
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor!: string | null;
}

export class JobEventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'JobRequested' }) type!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'uuid' }) jobId!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty() correlationId!: string;
  @ApiPropertyOptional({ nullable: true }) causationId!: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiPropertyOptional({ description: 'The run this event belongs to (absent: 0)' }) run?: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

export class ProblemResponse {
  @ApiProperty({ example: 'about:blank' }) type!: string;
  @ApiProperty({ example: 'Bad Request' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty() detail!: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional({
    description: 'Field errors: [{ path, message }]',
    type: 'array',
    items: { type: 'object' },
  })
  errors?: { path: string; message: string }[];
  @ApiPropertyOptional() correlationId?: string;
}
