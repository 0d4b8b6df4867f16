import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional } from 'class-validator';
import { JOB_PRIORITIES, SUBMITTABLE_JOB_TYPES, type JobPriority, type JobType } from '@app/contracts';

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

  @ApiPropertyOptional({ enum: JOB_PRIORITIES, default: 'normal' })
  @IsOptional()
  @IsIn(JOB_PRIORITIES)
  priority?: JobPriority;
}
