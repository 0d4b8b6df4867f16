import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { TENANT_PATTERN } from '@app/contracts';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from '@app/platform';
import { PageQuery } from '../../../http/page-query';

export { DEAD_LETTER_REASONS };

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export class ListDeadLettersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DEAD_LETTER_REASONS })
  @IsOptional()
  @IsIn(DEAD_LETTER_REASONS)
  reason?: DeadLetterReason;

  @ApiPropertyOptional({
    description: 'Source topic (without KAFKA_TOPIC_PREFIX)',
    pattern: TOPIC_NAME.source,
    example: 'jobs.requested',
  })
  @IsOptional()
  @Matches(TOPIC_NAME, { message: 'topic must be a Kafka topic name' })
  topic?: string;

  @ApiPropertyOptional({
    pattern: TENANT_PATTERN.source,
    example: 'acme',
    description:
      'Only entries of this tenant (the dead-lettered event’s envelope `tenantId`); entries whose tenant is not known (`tenantId: null`) never match',
  })
  @IsOptional()
  @Matches(TENANT_PATTERN, { message: 'tenant must match ' + TENANT_PATTERN.source })
  tenant?: string;
}
