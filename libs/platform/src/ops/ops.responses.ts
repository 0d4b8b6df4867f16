import { ApiProperty } from '@nestjs/swagger';

/** Bodies of the health endpoints, as OpenAPI documents them. */
export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class ReadinessResponse {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status!: 'ok' | 'unavailable';
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['up', 'down'] },
    description: 'One entry per dependency',
    example: { kafka: 'up', postgres: 'up' },
  })
  checks!: Record<string, 'up' | 'down'>;
}
