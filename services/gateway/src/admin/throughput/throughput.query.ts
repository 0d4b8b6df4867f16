import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { DEFAULT_THROUGHPUT_MINUTES, MAX_THROUGHPUT_MINUTES } from './throughput-series';

export class ThroughputQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_THROUGHPUT_MINUTES,
    default: DEFAULT_THROUGHPUT_MINUTES,
    description: 'The window: the last `minutes` minutes, in 60 intervals of `minutes` seconds',
  })
  @IsOptional()
  @Matches(/^(?:[1-9]|[1-5]\d|60)$/, {
    message: `minutes must be an integer from 1 to ${MAX_THROUGHPUT_MINUTES}`,
  })
  minutes?: string;
}
