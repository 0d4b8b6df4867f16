import { ApiProperty } from '@nestjs/swagger';
import { MAX_TRACE_SPANS, type JobTrace, type JobTraceSpan } from './job-trace';

export class JobTraceSpanResponse implements JobTraceSpan {
  @ApiProperty({ example: '5b1c2d3e4f5a6b7c' }) spanId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '0a1b2c3d4e5f6a7b',
    description: 'The parent span (CHILD_OF); null for the root',
  })
  parentSpanId!: string | null;
  @ApiProperty({ example: 'scraper', description: 'The service that recorded the span' }) service!: string;
  @ApiProperty({ example: 'scrape process' }) operation!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 1850,
    description: 'Microseconds from the start of the trace’s first span',
  })
  startOffsetUs!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 42000, description: 'Microseconds' })
  durationUs!: number;
  @ApiProperty({ description: 'The span ended in error (error tag, or OpenTelemetry status ERROR)' })
  error!: boolean;
}

export class JobTraceResponse implements JobTrace {
  @ApiProperty({ example: '4bf92f3577b34da6a3ce929d0e0e4736', description: 'W3C trace id' }) traceId!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Start of the first span' })
  startedAt!: string;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'From the first span’s start to the last span’s end, µs',
  })
  durationUs!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Spans in the trace' }) spanCount!: number;
  @ApiProperty({
    type: [JobTraceSpanResponse],
    maxItems: MAX_TRACE_SPANS,
    description: `Ordered by start; at most ${MAX_TRACE_SPANS} (the first by start)`,
  })
  spans!: JobTraceSpanResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'The trace in Jaeger’s web UI when JAEGER_UI_URL is configured; else null',
  })
  uiUrl!: string | null;
}
