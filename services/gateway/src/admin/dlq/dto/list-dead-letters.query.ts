import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { DeadLetterReason } from '@app/platform';

export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = ['invalidMessage', 'retriesExhausted'];

export class ListDeadLettersQuery {
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

  @ApiPropertyOptional({ description: 'Page size, 1-200', default: 50 })
  @IsOptional()
  @Matches(/^(?:[1-9]\d?|1\d\d|200)$/, { message: 'limit must be an integer from 1 to 200' })
  limit?: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page’s `nextCursor`' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}
