import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsPositive,
  IsString,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidationOptions,
  type ValidatorConstraintInterface,
} from 'class-validator';

import { RISK_LIMITS, type RiskInput, type RiskPositionInput } from './risk-input';
import { findReturnsProblems, summariseProblems } from './risk-input-rules';
import { RISK_METHODS, type RiskMethod } from './risk-result';

/*
 * Validation of the `risk` job input. Use with
 *   validate(plainToInstance(RiskInputDto, body), { whitelist: true, forbidNonWhitelisted: true })
 * (class-validator's default `forbidUnknownValues: true` is fine: every nested object has a class).
 *
 * Field rules are plain decorators; the rules that span fields (series vs positions, simulations/seed
 * only for monte_carlo) are ValidatorConstraints whose messages name the exact path, e.g.
 * `returns.AAPL must have 250 values like the other series`.
 */

const FINITE = { allowNaN: false, allowInfinity: false } as const;
const MONTE_CARLO: RiskMethod = 'monte_carlo';
const HORIZON_MESSAGE = `horizonDays must be an integer between ${RISK_LIMITS.minHorizonDays} and ${RISK_LIMITS.maxHorizonDays}`;
const SIMULATIONS_MESSAGE = `simulations must be an integer between ${RISK_LIMITS.minSimulations} and ${RISK_LIMITS.maxSimulations}`;
const SEED_MESSAGE = `seed must be an integer between ${RISK_LIMITS.minSeed} and ${RISK_LIMITS.maxSeed}`;

/** Exclusive range check (class-validator's Min/Max are inclusive). */
function IsStrictlyBetween(
  min: number,
  max: number,
  validationOptions?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStrictlyBetween',
      constraints: [min, max],
      validator: {
        validate: (value: unknown): boolean =>
          typeof value === 'number' && Number.isFinite(value) && value > min && value < max,
        defaultMessage: (args?: ValidationArguments): string =>
          `${args?.property ?? 'value'} must be a number strictly between ${min} and ${max}`,
      },
    },
    validationOptions,
  );
}

/** Cross-field rule on `returns`: one finite, equal-length (>= 30) series per position symbol, nothing else. */
@ValidatorConstraint({ name: 'returnsMatchPositions', async: false })
export class ReturnsMatchPositionsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return findReturnsProblems(value, (args.object as Partial<RiskInput>).positions).length === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return summariseProblems(findReturnsProblems(args.value, (args.object as Partial<RiskInput>).positions));
  }
}

/** Cross-field rule: the decorated (present) field is only allowed with the method given as constraint. */
@ValidatorConstraint({ name: 'onlyForMethod', async: false })
export class OnlyForMethodConstraint implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return (args.object as Partial<RiskInput>).method === args.constraints[0];
  }

  defaultMessage(args: ValidationArguments): string {
    const method = (args.object as Partial<RiskInput>).method;
    return `${args.property} is only allowed when method is "${String(args.constraints[0])}" (method is ${JSON.stringify(method) ?? 'missing'})`;
  }
}

export class RiskPositionDto implements RiskPositionInput {
  @IsString()
  @IsNotEmpty()
  @MaxLength(RISK_LIMITS.maxSymbolLength)
  symbol!: string;

  /** Negative for a short position; zero is allowed (contributes nothing). */
  @IsNumber(FINITE, { message: 'quantity must be a finite number' })
  quantity!: number;

  @IsNumber(FINITE, { message: 'price must be a finite number greater than 0' })
  @IsPositive({ message: 'price must be a finite number greater than 0' })
  price!: number;
}

export class RiskInputDto implements RiskInput {
  @IsIn(RISK_METHODS, { message: `method must be one of: ${RISK_METHODS.join(', ')}` })
  method!: RiskMethod;

  @IsStrictlyBetween(RISK_LIMITS.minConfidence, RISK_LIMITS.maxConfidence, {
    message: `confidence must be a number strictly between ${RISK_LIMITS.minConfidence} and ${RISK_LIMITS.maxConfidence}, e.g. 0.99`,
  })
  confidence!: number;

  @IsInt({ message: HORIZON_MESSAGE })
  @Min(RISK_LIMITS.minHorizonDays, { message: HORIZON_MESSAGE })
  @Max(RISK_LIMITS.maxHorizonDays, { message: HORIZON_MESSAGE })
  horizonDays!: number;

  @IsArray()
  @ArrayMinSize(RISK_LIMITS.minPositions)
  @ArrayMaxSize(RISK_LIMITS.maxPositions)
  @ValidateNested({ each: true })
  @Type(() => RiskPositionDto)
  positions!: RiskPositionDto[];

  @IsObject({ message: 'returns must be an object mapping each symbol to its daily returns' })
  @Validate(ReturnsMatchPositionsConstraint)
  returns!: Record<string, number[]>;

  // ValidateIf instead of IsOptional: an explicit `null` is rejected rather than silently treated as absent.
  @ValidateIf((dto: RiskInputDto) => dto.simulations !== undefined)
  @Validate(OnlyForMethodConstraint, [MONTE_CARLO])
  @IsInt({ message: SIMULATIONS_MESSAGE })
  @Min(RISK_LIMITS.minSimulations, { message: SIMULATIONS_MESSAGE })
  @Max(RISK_LIMITS.maxSimulations, { message: SIMULATIONS_MESSAGE })
  simulations?: number;

  @ValidateIf((dto: RiskInputDto) => dto.seed !== undefined)
  @Validate(OnlyForMethodConstraint, [MONTE_CARLO])
  @IsInt({ message: SEED_MESSAGE })
  @Min(RISK_LIMITS.minSeed, { message: SEED_MESSAGE })
  @Max(RISK_LIMITS.maxSeed, { message: SEED_MESSAGE })
  seed?: number;
}
