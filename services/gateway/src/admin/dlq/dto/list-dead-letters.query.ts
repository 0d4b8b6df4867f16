import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
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
}
