import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

/** X-Request-ID values we keep as correlation ids: 1-128 chars of `[A-Za-z0-9._:-]`. */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const DEFAULT_TENANT_ID = 'default';

/** A tenant name (an API key's, so every event's): lower-case letters, digits, `.`, `_`, `-`, at most 63. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** An API key's id (not secret): `key_` and 16 hex digits. */
export const API_KEY_ID_PATTERN = /^key_[0-9a-f]{16}$/;

export const ACTOR_ROLES = ['admin', 'member', 'reader'] as const;

/** Who asked for an event: the API key of the request it came from (never the key's secret). */
export interface EventActor {
  keyId: string;
  role: (typeof ACTOR_ROLES)[number];
  tenant: string;
}

export class EventActorDto implements EventActor {
  @Matches(API_KEY_ID_PATTERN) keyId!: string;
  @IsIn(ACTOR_ROLES) role!: EventActor['role'];
  @Matches(TENANT_PATTERN) tenant!: string;
}

/**
 * The envelope every event travels in (JSON value of a Kafka message whose key is `jobId`).
 * `causationId` is the id of the event that caused this one (null for a job's first event).
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  id: string;
  type: TType;
  version: number;
  jobId: string;
  tenantId: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  /**
   * Which run of the job this event belongs to: absent (0) for the first run; a re-run (POST
   * /jobs/{id}/retry, a per-job replay, a redrive) re-publishes the inputs of a stage with run n+1, and
   * every event caused by them inherits it. Read models keep the newest run; history keeps all.
   */
  run?: number;
  /**
   * The API key whose request made this event (submit, cancel, re-run, replay, redrive): absent on
   * events a stage makes, and on events from before API keys. An admin acting on another tenant's job
   * shows here with its own tenant.
   */
  actor?: EventActor;
  data: TData;
}

export class EventEnvelopeDto implements EventEnvelope<string, object> {
  @IsUUID() id!: string;
  @IsString() @Length(1, 100) type!: string;
  @IsInt() @Min(1) version!: number;
  @IsUUID() jobId!: string;
  @IsString() @Length(1, 64) tenantId!: string;
  @Matches(CORRELATION_ID_PATTERN) correlationId!: string;
  @IsOptional() @IsUUID() causationId!: string | null;
  @IsISO8601({ strict: true }) occurredAt!: string;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) run?: number;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => EventActorDto) actor?: EventActorDto;
  @IsObject() data!: object;
}

/** The run an event belongs to (0 when absent). */
export function runOf(event: Pick<EventEnvelope, 'run'>): number {
  return event.run ?? 0;
}
