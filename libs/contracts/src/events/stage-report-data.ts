import {
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';
import { StageEventData } from './stage-event-data';

/** Levels of a stage's log line (`StageLogged`), lowest first. */
export const STAGE_LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type StageLogLevel = (typeof STAGE_LOG_LEVELS)[number];

/** Bounds of a log line's `fields`: a small flat-ish object, not a payload. */
export const STAGE_LOG_FIELDS_MAX_KEYS = 20;
export const STAGE_LOG_FIELDS_MAX_JSON_CHARS = 2000;

const FINITE = { allowNaN: false, allowInfinity: false } as const;
/** Upper bound of a progress count (bytes of a large download fit; 2^53 does not matter). */
const MAX_COUNT = 1e15;

/** `fields` of a log line: a plain object with at most 20 keys and 2,000 characters of JSON. */
function IsSmallJsonObject(): PropertyDecorator {
  return ValidateBy({
    name: 'isSmallJsonObject',
    validator: {
      validate: (value: unknown): boolean => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
        if (Object.keys(value).length > STAGE_LOG_FIELDS_MAX_KEYS) return false;
        try {
          return JSON.stringify(value).length <= STAGE_LOG_FIELDS_MAX_JSON_CHARS;
        } catch {
          return false;
        }
      },
      defaultMessage: (): string =>
        `fields must be an object of at most ${STAGE_LOG_FIELDS_MAX_KEYS} keys and ${STAGE_LOG_FIELDS_MAX_JSON_CHARS} characters of JSON`,
    },
  });
}

/**
 * A running attempt's progress: `done` of `total` (null when unknown) `unit`s, e.g. 5,000 of 12,000
 * bytes, 3 of 10 pages, 40,000 of 100,000 paths. Rate-limited by the stage worker (see
 * `ProgressThrottle`); the outcome of the attempt supersedes it.
 */
export class StageProgressedData extends StageEventData {
  @IsNumber(FINITE) @Min(0) @Max(MAX_COUNT) done!: number;
  @IsOptional() @IsNumber(FINITE) @Min(0) @Max(MAX_COUNT) total!: number | null;
  @IsString() @Length(1, 32) unit!: string;
  @IsOptional() @IsString() @Length(0, 2000) message!: string | null;
}

/** A log line of a running attempt that the job's owner should see (`GET /jobs/{id}/logs`). */
export class StageLoggedData extends StageEventData {
  @IsIn(STAGE_LOG_LEVELS) level!: StageLogLevel;
  @IsString() @Length(0, 2000) message!: string;
  @IsObject() @IsSmallJsonObject() fields!: Record<string, unknown>;
}
