import { ApiProperty } from '@nestjs/swagger';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from '@app/platform';

/** The dead-letter resources as the admin API returns them (handlers are typed to return these classes). */
export class DeadLetterSourceResponse {
  @ApiProperty({ example: 'scrape.retry.3', description: 'Topic the message was consumed from' })
  topic!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) partition!: number;
  @ApiProperty({ example: '42', description: 'Offset, as a decimal string (64-bit)' }) offset!: string;
  @ApiProperty({ example: 'scraper', description: 'Consumer group that gave up on it' }) group!: string;
}

export class DeadLetterOriginalResponse {
  @ApiProperty({ type: String, nullable: true, description: 'The message key (a job id for our events)' })
  key!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The message value, in `valueEncoding`' })
  value!: string | null;
  @ApiProperty({ enum: ['utf8', 'base64'], description: 'base64 when the bytes are not UTF-8 text' })
  valueEncoding!: 'utf8' | 'base64';
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Headers, trace context included',
  })
  headers!: Record<string, string>;
}

export class DeadLetterFieldErrorResponse {
  @ApiProperty({ example: 'data.input.url' }) path!: string;
  @ApiProperty() message!: string;
}

export class DeadLetterResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    enum: DEAD_LETTER_REASONS,
    description:
      'invalidMessage: not JSON, failing its schema, or holding text PostgreSQL cannot store (NUL, a lone surrogate); ' +
      'retriesExhausted: a retryable failure on the last attempt; ' +
      'unprojectable: a valid event the projector could not write after bounded tries (detail: SQLSTATE and message)',
  })
  reason!: DeadLetterReason;
  @ApiProperty({ type: DeadLetterSourceResponse }) source!: DeadLetterSourceResponse;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The key, when it is a job id' })
  jobId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'acme',
    description:
      'The dead-lettered event’s envelope `tenantId`; null when the message does not parse far enough to tell (not JSON, no tenant)',
  })
  tenantId!: string | null;
  @ApiProperty({ example: 'HTTP_503: upstream answered 503' }) detail!: string;
  @ApiProperty({ type: [DeadLetterFieldErrorResponse] }) errors!: DeadLetterFieldErrorResponse[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'Attempts made (retriesExhausted)' })
  attempts!: number | null;
  @ApiProperty({ format: 'date-time' }) failedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) redrivenAt!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0 }) redriveCount!: number;
  @ApiProperty({ type: DeadLetterOriginalResponse }) original!: DeadLetterOriginalResponse;
}

export class DeadLetterPageResponse {
  @ApiProperty({ type: [DeadLetterResponse] }) items!: DeadLetterResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor!: string | null;
}

export class DeadLetterRedriveResponse extends DeadLetterResponse {
  @ApiProperty({ description: 'True when an earlier redrive already sent it back (nothing was sent now)' })
  alreadyRedriven!: boolean;
}
