import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import {
  CORRELATION_ID_PATTERN,
  JOB_PRIORITIES,
  JOB_STATUSES,
  JOB_TYPES,
  TENANT_PATTERN,
  type JobPriority,
  type JobStatus,
  type JobType,
} from '@app/contracts';
import { PageQuery } from '../../http/page-query';
import { RFC3339_TIME } from '../../http/rfc3339-time';

export class ListJobsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ enum: JOB_TYPES })
  @IsOptional()
  @IsIn(JOB_TYPES)
  type?: JobType;

  @ApiPropertyOptional({ enum: JOB_PRIORITIES })
  @IsOptional()
  @IsIn(JOB_PRIORITIES)
  priority?: JobPriority;

  @ApiPropertyOptional({
    pattern: CORRELATION_ID_PATTERN.source,
    example: 'my-req-1',
    description:
      'Only the jobs of this correlation id (`X-Request-ID` of their submission, or the one made for it)',
  })
  @IsOptional()
  @Matches(CORRELATION_ID_PATTERN, { message: 'correlationId must match ' + CORRELATION_ID_PATTERN.source })
  correlationId?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-07T00:00:00Z',
    description: 'Only jobs created at or after this time (RFC 3339)',
  })
  @IsOptional()
  @Matches(RFC3339_TIME, { message: 'createdAfter must be an RFC 3339 date-time' })
  createdAfter?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-12-08T00:00:00Z',
    description: 'Only jobs created before this time (RFC 3339)',
  })
  @IsOptional()
  @Matches(RFC3339_TIME, { message: 'createdBefore must be an RFC 3339 date-time' })
  createdBefore?: string;

  @ApiPropertyOptional({
    pattern: TENANT_PATTERN.source,
    example: 'acme',
    description:
      'Only this tenant’s jobs. An admin key lists every tenant’s without it; any other key only its own (another tenant: 403)',
  })
  @IsOptional()
  @Matches(TENANT_PATTERN, { message: 'tenant must match ' + TENANT_PATTERN.source })
  tenant?: string;
}
