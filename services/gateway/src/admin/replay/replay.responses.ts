import { ApiProperty } from '@nestjs/swagger';

/** What POST /admin/replay answers for a stage replay (`{ stage, from }`). */
export class PartitionOffsetResponse {
  @ApiProperty({ type: 'integer', minimum: 0 }) partition!: number;
  @ApiProperty({ example: '42', description: 'Offset, as a decimal string (64-bit)' }) offset!: string;
}

export class TopicOffsetsResponse {
  @ApiProperty({ example: 'jobs.requested' }) topic!: string;
  @ApiProperty({ type: [PartitionOffsetResponse] }) partitions!: PartitionOffsetResponse[];
}

export class GroupResetResponse {
  @ApiProperty({ example: 'scraper' }) groupId!: string;
  @ApiProperty({
    enum: ['reset', 'members'],
    description:
      '`reset`: the group had no members and its offsets were set; `members`: its running members rewind',
  })
  mode!: 'reset' | 'members';
  @ApiProperty({ example: 'Empty' }) state!: string;
  @ApiProperty({ type: [TopicOffsetsResponse] }) topics!: TopicOffsetsResponse[];
}

export class StageReplayResponse {
  @ApiProperty({ format: 'uuid' }) replayId!: string;
  @ApiProperty({ example: 'scrape' }) stage!: string;
  @ApiProperty({ example: '2026-11-25T10:00:00Z', description: '`earliest` or the time given' })
  from!: string;
  @ApiProperty({ type: [GroupResetResponse], description: 'One per consumer group of the stage' })
  groups!: GroupResetResponse[];
}
