import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from '@app/platform';
import { PageQuery } from '../../../http/page-query';

export { DEAD_LETTER_REASONS };

export class ListDeadLettersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DEAD_LETTER_REASONS })
  @IsOptional()
  @IsIn(DEAD_LETTER_REASONS)
  reason?: DeadLetterReason;

  @ApiPropertyOptional({
    description: 'Source topic (without KAFKA_TOPIC_PREFIX)',
    example: 'jobs.requested',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,249}$/, { message: 'topic must be a Kafka topic name' })
  topic?: string;
}
