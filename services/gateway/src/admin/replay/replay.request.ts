import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID, Matches, ValidateIf } from 'class-validator';
import { REPLAY_FROM_EARLIEST, STAGE_CATALOG } from '@app/contracts';

const STAGES = Object.keys(STAGE_CATALOG);

/**
 * `earliest`, or an ISO 8601 time with a zone (`2026-11-25T10:00:00Z`, `...+01:00`), each field in its
 * range, so that every match is a time Date.parse reads (the OpenAPI pattern is then exact).
 */
const FROM_PATTERN = new RegExp(
  `^(?:${REPLAY_FROM_EARLIEST}|\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])T(?:[01]\\d|2[0-3]):[0-5]\\d` +
    `(?::[0-5]\\d(?:\\.\\d{1,9})?)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d))$`,
);

/** The body of POST /admin/replay: a stage, and exactly one of `from` and `jobId`. */
export class ReplayRequest {
  @ApiProperty({ enum: STAGES, example: 'scrape' })
  @IsIn(STAGES)
  stage!: string;

  @ApiPropertyOptional({
    example: '2026-11-25T10:00:00Z',
    pattern: FROM_PATTERN.source,
    description:
      'Re-run the stage for every job since this time (or `earliest`): its consumer groups are rewound ' +
      'with Kafka offset semantics. Give exactly one of `from` and `jobId`.',
  })
  // ValidateIf instead of IsOptional: an explicit null is an error, not an absent field.
  @ValidateIf((request: ReplayRequest) => request.from !== undefined)
  @Matches(FROM_PATTERN, { message: 'from must be "earliest" or an ISO 8601 time with a zone' })
  from?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Re-run the stage (and the stages after it) for this one finished job, as a new run.',
  })
  @ValidateIf((request: ReplayRequest) => request.jobId !== undefined)
  @IsUUID()
  jobId?: string;
}
