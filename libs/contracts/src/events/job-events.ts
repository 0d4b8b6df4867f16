import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import type { EventEnvelope } from './envelope';
import { StageEventData } from './stage-event-data';
import { StageLoggedData, StageProgressedData } from './stage-report-data';
import { JOB_PRIORITIES, JOB_TYPES, type JobError, type JobPriority, type JobType } from '../jobs/job-types';

/** Event type names. DO NOT RENAME: they are stored in the log forever. */
export const EventTypes = {
  JobRequested: 'JobRequested',
  StageStarted: 'StageStarted',
  StageAttemptFailed: 'StageAttemptFailed',
  StageCompleted: 'StageCompleted',
  StageFailed: 'StageFailed',
  StageRetryScheduled: 'StageRetryScheduled',
  JobCancelRequested: 'JobCancelRequested',
  StageReplayRequested: 'StageReplayRequested',
  StageProgressed: 'StageProgressed',
  StageLogged: 'StageLogged',
} as const;
export type EventType = (typeof EventTypes)[keyof typeof EventTypes];

export class JobErrorDto implements JobError {
  @IsString() @Length(1, 100) code!: string;
  @IsString() @Length(0, 2000) message!: string;
  @IsBoolean() retryable!: boolean;
}

export class JobRequestedData {
  @IsIn(JOB_TYPES) jobType!: JobType;
  /** Validated against the job type's input schema (see JOB_CATALOG). */
  @IsObject() input!: Record<string, unknown>;
  @IsIn(JOB_PRIORITIES) priority!: JobPriority;
  @IsOptional() @IsString() @Length(1, 255) idempotencyKey!: string | null;
}

export class StageStartedData extends StageEventData {}

// @IsObject on nested fields: @ValidateNested alone accepts a missing field (undefined) and an array.
export class StageAttemptFailedData extends StageEventData {
  @IsObject() @ValidateNested() @Type(() => JobErrorDto) error!: JobErrorDto;
  @IsISO8601({ strict: true }) retryAt!: string;
}

export class StageCompletedData extends StageEventData {
  /** Validated against the stage's result schema (see JOB_CATALOG). */
  @IsObject() result!: Record<string, unknown>;
}

export class StageFailedData extends StageEventData {
  @IsObject() @ValidateNested() @Type(() => JobErrorDto) error!: JobErrorDto;
}

/** On a retry topic: run `attempt` of the stage for this job once `notBefore` has passed. */
export class StageRetryScheduledData extends StageEventData {
  @IsISO8601({ strict: true }) notBefore!: string;
  @IsObject() @ValidateNested() @Type(() => JobRequestedData) request!: JobRequestedData;
}

export type JobRequested = EventEnvelope<typeof EventTypes.JobRequested, JobRequestedData>;
export type StageStarted = EventEnvelope<typeof EventTypes.StageStarted, StageStartedData>;
export type StageAttemptFailed = EventEnvelope<typeof EventTypes.StageAttemptFailed, StageAttemptFailedData>;
export type StageCompleted = EventEnvelope<typeof EventTypes.StageCompleted, StageCompletedData>;
export type StageFailed = EventEnvelope<typeof EventTypes.StageFailed, StageFailedData>;
export type StageRetryScheduled = EventEnvelope<
  typeof EventTypes.StageRetryScheduled,
  StageRetryScheduledData
>;

/** On `jobs.control`: stop the job everywhere; it ends CANCELLED unless it already finished. */
export class JobCancelRequestedData {
  @IsOptional() @IsString() @Length(0, 500) reason!: string | null;
}

export type StageProgressed = EventEnvelope<typeof EventTypes.StageProgressed, StageProgressedData>;
export type StageLogged = EventEnvelope<typeof EventTypes.StageLogged, StageLoggedData>;

export type JobCancelRequested = EventEnvelope<typeof EventTypes.JobCancelRequested, JobCancelRequestedData>;

/** `from` of a replay: an ISO time, or the beginning of the topics. */
export const REPLAY_FROM_EARLIEST = 'earliest';

/**
 * On `jobs.control`: the running members of a stage's consumer groups rewind their partitions of the
 * stage's input topics to the first offset at or after `from` (Kafka's offsets-for-times, as
 * `kafka-consumer-groups --reset-offsets --to-datetime`). Not about a job: `jobId` names the replay
 * operation, and the read models skip it.
 */
export class StageReplayRequestedData {
  @IsString() @Length(1, 64) stage!: string;
  @IsString() @Length(1, 40) from!: string;
}

export type StageReplayRequested = EventEnvelope<
  typeof EventTypes.StageReplayRequested,
  StageReplayRequestedData
>;

export type JobEvent =
  | JobRequested
  | StageStarted
  | StageAttemptFailed
  | StageCompleted
  | StageFailed
  | StageRetryScheduled
  | JobCancelRequested
  | StageReplayRequested
  | StageProgressed
  | StageLogged;

/** Current schema version of each event type. */
export const EVENT_VERSIONS: Readonly<Record<EventType, number>> = {
  JobRequested: 1,
  StageStarted: 1,
  StageAttemptFailed: 1,
  StageCompleted: 1,
  StageFailed: 1,
  StageRetryScheduled: 1,
  JobCancelRequested: 1,
  StageReplayRequested: 1,
  StageProgressed: 1,
  StageLogged: 1,
};

export const EVENT_DATA_SCHEMAS = {
  JobRequested: JobRequestedData,
  StageStarted: StageStartedData,
  StageAttemptFailed: StageAttemptFailedData,
  StageCompleted: StageCompletedData,
  StageFailed: StageFailedData,
  StageRetryScheduled: StageRetryScheduledData,
  JobCancelRequested: JobCancelRequestedData,
  StageReplayRequested: StageReplayRequestedData,
  StageProgressed: StageProgressedData,
  StageLogged: StageLoggedData,
} as const;
