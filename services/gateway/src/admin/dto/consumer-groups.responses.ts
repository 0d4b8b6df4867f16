import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI descriptions of `GET /admin/consumer-groups` (the handler returns the platform's views). */
export class TopicAssignmentResponse {
  @ApiProperty({ example: 'jobs.requested' }) topic!: string;
  @ApiProperty({ type: [Number], example: [0, 1, 2, 3] }) partitions!: number[];
}

export class ConsumerGroupMemberResponse {
  @ApiProperty() memberId!: string;
  @ApiProperty({ example: 'scraper-2', description: 'KAFKA_CLIENT_ID of the replica' }) clientId!: string;
  @ApiProperty({ example: '/127.0.0.1' }) host!: string;
  @ApiProperty({ type: [TopicAssignmentResponse], description: 'Partitions this member holds' })
  assignments!: TopicAssignmentResponse[];
}

export class PartitionLagResponse {
  @ApiProperty({ example: 'jobs.requested' }) topic!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) partition!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '42',
    description: 'null: nothing committed yet (the group starts from the beginning)',
  })
  committedOffset!: string | null;
  @ApiProperty({ description: 'The next offset to be written' }) endOffset!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Messages the group has not committed yet' })
  lag!: number;
}

export class ConsumerGroupResponse {
  @ApiProperty({ example: 'scraper', description: 'Without the deployment’s KAFKA_TOPIC_PREFIX' })
  groupId!: string;
  @ApiProperty({
    example: 'Stable',
    description: 'Stable, PreparingRebalance, CompletingRebalance, Empty, Dead or Unknown',
  })
  state!: string;
  @ApiProperty({ type: [ConsumerGroupMemberResponse] }) members!: ConsumerGroupMemberResponse[];
  @ApiProperty({ type: [PartitionLagResponse] }) partitions!: PartitionLagResponse[];
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Sum of the partitions’ lag' }) totalLag!: number;
}

export class ConsumerGroupsResponse {
  @ApiProperty({ format: 'date-time' }) sampledAt!: string;
  @ApiProperty({ type: [ConsumerGroupResponse] }) groups!: ConsumerGroupResponse[];
}
