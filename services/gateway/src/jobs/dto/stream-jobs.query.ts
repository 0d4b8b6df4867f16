import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { JOB_STATUSES, JOB_TYPES, type JobStatus, type JobType } from '@app/contracts';
import { STREAM_EVENT_ID_PATTERN } from '../../streams/stream-cursor';

/** `GET /jobs/stream`: the filters of `GET /jobs`, without paging. */
export class StreamJobsQuery {
  @ApiPropertyOptional({ enum: JOB_STATUSES, description: 'Only jobs whose new status is this one' })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ enum: JOB_TYPES })
  @IsOptional()
  @IsIn(JOB_TYPES)
  type?: JobType;
}

export const LAST_EVENT_ID_RULE = 'must be the id of an event of this stream (a UUID)';

/** `GET /jobs/{id}/stream`: the resume id, for clients that cannot set the Last-Event-ID header. */
export class StreamJobQuery {
  @ApiPropertyOptional({
    pattern: STREAM_EVENT_ID_PATTERN.source,
    description:
      'Resume after this event id (the `id:` of an event of this stream), like the `Last-Event-ID` ' +
      'header, which wins when both are sent',
    format: 'uuid',
    example: '0b5e3c7a-3f1d-5c1e-8f7a-2a9d6c4b1e0f',
  })
  @IsOptional()
  @Matches(STREAM_EVENT_ID_PATTERN, { message: `lastEventId ${LAST_EVENT_ID_RULE}` })
  lastEventId?: string;
}
