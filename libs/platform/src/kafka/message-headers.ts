import type { IHeaders } from 'kafkajs';
import { EventTypes, type EventEnvelope, type JobRequestedData } from '@app/contracts';

export const HeaderNames = {
  CorrelationId: 'x-correlation-id',
  EventType: 'event-type',
  EventId: 'event-id',
  /** On `JobRequested` only: its job type, so a stage can pass over other types' requests undecoded. */
  JobType: 'job-type',
  TraceParent: 'traceparent',
  TraceState: 'tracestate',
} as const;

export type StringHeaders = Record<string, string>;

/** Headers every event carries, so tools like kcat can filter without parsing the value. */
export function eventHeaders(event: EventEnvelope, extra: StringHeaders = {}): StringHeaders {
  return {
    [HeaderNames.CorrelationId]: event.correlationId,
    [HeaderNames.EventType]: event.type,
    [HeaderNames.EventId]: event.id,
    ...(event.type === EventTypes.JobRequested
      ? { [HeaderNames.JobType]: (event.data as JobRequestedData).jobType }
      : {}),
    ...extra,
  };
}

/** One header of a consumed message as a string (the first value), without decoding the others. */
export function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

/** KafkaJS gives header values as Buffer, string or arrays of them; we keep the first as a string. */
export function decodeHeaders(headers: IHeaders | undefined): StringHeaders {
  const out: StringHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}
