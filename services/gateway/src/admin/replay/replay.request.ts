import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { REPLAY_FROM_EARLIEST, STAGE_CATALOG } from '@app/contracts';

const STAGES = Object.keys(STAGE_CATALOG);

/** `earliest`, or an ISO 8601 time with a zone (`2026-11-25T10:00:00Z`, `...+01:00`). */
const FROM_PATTERN = new RegExp(
  `^(${REPLAY_FROM_EARLIEST}|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))$`,
);

export class ReplayRequest {
  @ApiProperty({ enum: STAGES, example: 'scrape' })
  @IsIn(STAGES)
  stage!: string;

  @ApiPropertyOptional({
    example: '2026-11-25T10:00:00Z',
    description:
      'Re-run the stage for every job since this time (or `earliest`): its consumer groups are rewound ' +
      'with Kafka offset semantics. Give exactly one of `from` and `jobId`.',
  })
  @IsOptional()
  @Matches(FROM_PATTERN, { message: 'from must be "earliest" or an ISO 8601 time with a zone' })
  from?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Re-run the stage (and the stages after it) for this one finished job, as a new run.',
  })
  @IsOptional()
  @IsUUID()
  jobId?: string;
}
