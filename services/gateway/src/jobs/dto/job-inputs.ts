import { IsString, MaxLength, MinLength, Validate } from 'class-validator';
import type { ClassConstructor } from 'class-transformer';
import {
  MAX_SCRAPE_URL_LENGTH,
  RISK_LIMITS,
  RISK_METHODS,
  RiskInputDto,
  RiskPositionDto,
  type ScrapeInput,
  type SubmittableJobType,
} from '@app/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { describeProperties } from '../../openapi/describe-properties';
import { SCRAPE_URL_PATTERN, ScrapeUrlConstraint } from './scrape-url-pattern';

/*
 * The job inputs POST /jobs validates (SubmitJobCommand) and OpenAPI documents, with the limits of the
 * contracts' DTOs that consumers validate events with (the same constants); scrape adds the stricter
 * URL rule of the HTTP edge. Events already on the log are still read with the contracts' DTOs, so
 * tightening the edge never strands old events.
 */

/**
 * Not a subclass of ScrapeInputDto: class-validator lets a subclass's constraints on a property replace
 * the parent's, so the whole rule is here (the contracts' length limits, and the stricter URL rule).
 */
export class ScrapeJobInput implements ScrapeInput {
  @ApiProperty({
    description:
      'Absolute http(s) URL in ASCII (percent-encode anything else; IDN hosts in punycode), host a DNS name, ' +
      'an IPv4 address or a bracketed IPv6 address',
    maxLength: MAX_SCRAPE_URL_LENGTH,
    pattern: SCRAPE_URL_PATTERN.source,
    example: 'https://example.com/',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SCRAPE_URL_LENGTH)
  @Validate(ScrapeUrlConstraint)
  url!: string;
}

export class RiskJobPosition extends RiskPositionDto {}
describeProperties(RiskJobPosition, {
  symbol: {
    type: 'string',
    minLength: 1,
    maxLength: RISK_LIMITS.maxSymbolLength,
    // NUL is refused wherever text enters (storable-text.ts): PostgreSQL's jsonb cannot hold it.
    pattern: '^[^\\u0000]*$',
    example: 'AAPL',
  },
  quantity: { type: 'number', description: 'Units held; negative for a short position', example: 100 },
  price: { type: 'number', minimum: 0, exclusiveMinimum: true, example: 190.5 },
});

export class RiskJobInput extends RiskInputDto {}
describeProperties(RiskJobInput, {
  method: { type: 'string', enum: RISK_METHODS, example: 'historical' },
  confidence: {
    type: 'number',
    minimum: RISK_LIMITS.minConfidence,
    maximum: RISK_LIMITS.maxConfidence,
    exclusiveMinimum: true,
    exclusiveMaximum: true,
    example: 0.99,
  },
  horizonDays: {
    type: 'integer',
    minimum: RISK_LIMITS.minHorizonDays,
    maximum: RISK_LIMITS.maxHorizonDays,
    example: 10,
  },
  positions: {
    type: [RiskJobPosition],
    minItems: RISK_LIMITS.minPositions,
    maxItems: RISK_LIMITS.maxPositions,
  },
  returns: {
    type: 'object',
    additionalProperties: {
      type: 'array',
      items: { type: 'number' },
      minItems: RISK_LIMITS.minObservations,
      maxItems: RISK_LIMITS.maxObservations,
    },
    description:
      'Daily simple returns per symbol: exactly one series for each position’s symbol and no other, all of ' +
      `equal length (${RISK_LIMITS.minObservations}-${RISK_LIMITS.maxObservations} finite numbers)`,
  },
  simulations: {
    type: 'integer',
    required: false,
    minimum: RISK_LIMITS.minSimulations,
    maximum: RISK_LIMITS.maxSimulations,
    default: RISK_LIMITS.defaultSimulations,
    description: 'monte_carlo only',
  },
  seed: {
    type: 'integer',
    required: false,
    minimum: RISK_LIMITS.minSeed,
    maximum: RISK_LIMITS.maxSeed,
    description: 'monte_carlo only; default derived from the job id',
  },
});

/** The input class of each job type POST /jobs accepts. */
export const SUBMITTABLE_INPUTS: Readonly<Record<SubmittableJobType, ClassConstructor<object>>> = {
  scrape: ScrapeJobInput,
  risk: RiskJobInput,
};
