import { ApiProperty, ApiPropertyOptional, getSchemaPath, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';
import {
  JOB_PRIORITIES,
  SUBMITTABLE_JOB_TYPES,
  type JobPriority,
  type SubmittableJobType,
} from '@app/contracts';
import { RiskJobInput, ScrapeJobInput } from './job-inputs';

/** OpenAPI text of the `priority` of POST /jobs and POST /documents. */
export const PRIORITY_DESCRIPTION =
  'Scheduling priority. Each priority has its own request topic and consumer group; a stage gives its ' +
  'free concurrency slots to waiting high-priority work first, then normal, then low (first come, ' +
  'first served within a priority). Under a backlog of low-priority jobs, new high-priority jobs start ' +
  'as soon as a slot frees. A retried attempt keeps its priority. Default normal.';

// null counts as absent (IsOptional), so the schema allows it too.
const PRIORITY_PROPERTY: ApiPropertyOptions = {
  type: 'string',
  nullable: true,
  enum: [...JOB_PRIORITIES, null],
  default: 'normal',
  description: PRIORITY_DESCRIPTION,
};

/**
 * The body of POST /jobs as the pipe validates it; `input` is then validated by the input class of
 * `type` (SUBMITTABLE_INPUTS). OpenAPI shows the body as one of the per-type variants below.
 */
export class CreateJobRequest {
  @ApiProperty({ enum: SUBMITTABLE_JOB_TYPES, example: 'scrape' })
  @IsIn(SUBMITTABLE_JOB_TYPES)
  type!: SubmittableJobType;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Depends on `type`' })
  @IsObject()
  input!: Record<string, unknown>;

  @ApiPropertyOptional(PRIORITY_PROPERTY)
  @IsOptional()
  @IsIn(JOB_PRIORITIES)
  priority?: JobPriority;
}

/** Documentation only: the body of a scrape job (CreateJobRequest with its input). */
export class ScrapeJobRequest {
  @ApiProperty({ enum: ['scrape'], example: 'scrape' }) type!: 'scrape';
  @ApiProperty({ type: ScrapeJobInput }) input!: ScrapeJobInput;
  @ApiPropertyOptional(PRIORITY_PROPERTY) priority?: JobPriority;
}

/** Documentation only: the body of a risk job (CreateJobRequest with its input). */
export class RiskJobRequest {
  @ApiProperty({ enum: ['risk'], example: 'risk' }) type!: 'risk';
  @ApiProperty({ type: RiskJobInput }) input!: RiskJobInput;
  @ApiPropertyOptional(PRIORITY_PROPERTY) priority?: JobPriority;
}

/** The request body schema of POST /jobs: one variant per job type, told apart by `type`. */
export const CREATE_JOB_BODY_SCHEMA = {
  oneOf: [{ $ref: getSchemaPath(ScrapeJobRequest) }, { $ref: getSchemaPath(RiskJobRequest) }],
  discriminator: {
    propertyName: 'type',
    mapping: { scrape: getSchemaPath(ScrapeJobRequest), risk: getSchemaPath(RiskJobRequest) },
  },
};
