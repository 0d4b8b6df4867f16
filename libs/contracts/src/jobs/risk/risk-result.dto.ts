import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { RISK_LIMITS } from './risk-input';
import {
  PNL_HISTOGRAM_BINS,
  RISK_METHODS,
  type PnlHistogram,
  type RiskMethod,
  type RiskPositionResult,
  type RiskResult,
} from './risk-result';

const FINITE = { allowNaN: false, allowInfinity: false } as const;

export class RiskPositionResultDto implements RiskPositionResult {
  @IsString() symbol!: string;
  @IsNumber(FINITE) exposure!: number;
  @ValidateIf((position: RiskPositionResultDto) => position.weight !== null)
  @IsNumber(FINITE)
  weight!: number | null;
}

export class PnlHistogramDto implements PnlHistogram {
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(PNL_HISTOGRAM_BINS + 1)
  @IsNumber(FINITE, { each: true })
  edges!: number[];

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PNL_HISTOGRAM_BINS)
  @IsInt({ each: true })
  @Min(0, { each: true })
  counts!: number[];
}

/** Schema of a risk result carried by StageCompleted events (for the job catalog's `resultDto`). */
export class RiskResultDto implements RiskResult {
  @IsIn(RISK_METHODS) method!: RiskMethod;
  @IsNumber(FINITE) @Min(RISK_LIMITS.minConfidence) @Max(RISK_LIMITS.maxConfidence) confidence!: number;
  @IsInt() @Min(RISK_LIMITS.minHorizonDays) @Max(RISK_LIMITS.maxHorizonDays) horizonDays!: number;
  @IsNumber(FINITE) portfolioValue!: number;
  @IsNumber(FINITE) var!: number;
  @IsNumber(FINITE) expectedShortfall!: number;
  @IsInt() @Min(2) observations!: number;

  @ValidateIf((result: RiskResultDto) => result.simulations !== null)
  @IsInt()
  @Min(1)
  simulations!: number | null;

  @ValidateIf((result: RiskResultDto) => result.seed !== null)
  @IsInt()
  @Min(RISK_LIMITS.minSeed)
  @Max(RISK_LIMITS.maxSeed)
  seed!: number | null;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RiskPositionResultDto)
  positions!: RiskPositionResultDto[];

  /** Optional: results from before the histogram have none; null for parametric. */
  @IsOptional()
  @ValidateNested()
  @Type(() => PnlHistogramDto)
  pnlHistogram?: PnlHistogramDto | null;

  @IsNumber(FINITE) @Min(0) durationMs!: number;
}
