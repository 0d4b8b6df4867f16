import { ApiProperty } from '@nestjs/swagger';
import type { ThroughputBucket, ThroughputSeries } from './throughput-series';

export class ThroughputBucketResponse implements ThroughputBucket {
  @ApiProperty({ type: String, format: 'date-time', description: 'The interval’s start' }) start!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Jobs that finished (any terminal status) in it' })
  finished!: number;
  @ApiProperty({
    type: 'number',
    minimum: 0,
    description: 'finished / the interval’s seconds (the running interval: its seconds so far)',
  })
  perSecond!: number;
  @ApiProperty({
    type: 'number',
    nullable: true,
    minimum: 0,
    description: 'Median of finishedAt - createdAt, ms; null without jobs',
  })
  p50Ms!: number | null;
  @ApiProperty({ type: 'number', nullable: true, minimum: 0, description: '99th percentile of the same, ms' })
  p99Ms!: number | null;
}

export class ThroughputSeriesResponse implements ThroughputSeries {
  @ApiProperty({ example: 'all', description: '`all` (every type together) or a job type' }) type!: string;
  @ApiProperty({ type: [ThroughputBucketResponse], minItems: 60, maxItems: 60, description: 'Oldest first' })
  buckets!: ThroughputBucketResponse[];
}

export class ThroughputResponse {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 60, example: 15 }) minutes!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 60,
    example: 15,
    description: 'Each interval’s length',
  })
  bucketSeconds!: number;
  @ApiProperty({ type: String, format: 'date-time', description: 'The first interval’s start' })
  from!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'The last interval’s end (it is still running)',
  })
  to!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'When the read model was read' })
  sampledAt!: string;
  @ApiProperty({ type: [ThroughputSeriesResponse], description: '`all` first, then each job type' })
  series!: ThroughputSeriesResponse[];
}
