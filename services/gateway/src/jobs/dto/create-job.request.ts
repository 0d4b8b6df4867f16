import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';
import { JOB_PRIORITIES, SUBMITTABLE_JOB_TYPES, type JobPriority, type JobType } from '@app/contracts';

/** OpenAPI text of the `priority` of POST /jobs and POST /documents. */
export const PRIORITY_DESCRIPTION =
  'Scheduling priority. Each priority has its own request topic and consumer group; a stage gives its ' +
  'free concurrency slots to waiting high-priority work first, then normal, then low (first come, ' +
  'first served within a priority). Under a backlog of low-priority jobs, new high-priority jobs start ' +
  'as soon as a slot frees. A retried attempt keeps its priority. Default normal.';

export class CreateJobRequest {
  @ApiProperty({ enum: SUBMITTABLE_JOB_TYPES, example: 'scrape' })
  @IsIn(SUBMITTABLE_JOB_TYPES)
  type!: JobType;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Job input; its schema depends on `type` (scrape: `{ url }`, an absolute http(s) URL <= 2048 chars).',
    example: { url: 'https://example.com/' },
  })
  @IsObject()
  input!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: JOB_PRIORITIES, default: 'normal', description: PRIORITY_DESCRIPTION })
  @IsOptional()
  @IsIn(JOB_PRIORITIES)
  priority?: JobPriority;
}
