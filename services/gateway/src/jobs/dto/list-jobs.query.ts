import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { JOB_STATUSES, JOB_TYPES, TENANT_PATTERN, type JobStatus, type JobType } from '@app/contracts';
import { PageQuery } from '../../http/page-query';

export class ListJobsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ enum: JOB_TYPES })
  @IsOptional()
  @IsIn(JOB_TYPES)
  type?: JobType;

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
