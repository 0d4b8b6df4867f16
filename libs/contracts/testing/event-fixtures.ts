// class-transformer's @Type needs the Reflect metadata API before the event classes are defined.
import 'reflect-metadata';
import { deriveEventId, jobRequestedEventId } from '../src/event-id';
import { causedEvent } from '../src/events/event-factory';
import {
  EVENT_VERSIONS,
  EventTypes,
  type JobEvent,
  type JobRequested,
  type StageAttemptFailed,
  type StageCompleted,
  type StageFailed,
  type StageLogged,
  type StageProgressed,
  type StageRetryScheduled,
  type StageStarted,
} from '../src/events/job-events';
import type { ScrapeResult } from '../src/jobs/scrape';

/**
 * Builders of valid events for tests (not exported from the library's root entry point).
 * Every builder returns a fresh plain object, so a test may mutate it to make it invalid.
 */

export const FIXED_TIME = '2025-01-02T03:04:05.678Z';

export function jobRequested(
  overrides: {
    jobId?: string;
    occurredAt?: string;
    url?: string;
    correlationId?: string;
    tenantId?: string;
  } = {},
): JobRequested {
  const jobId = overrides.jobId ?? '0b0e4a52-2a4c-4f5e-9d7a-3c1f2e4d5a6b';
  return {
    id: jobRequestedEventId(jobId),
    type: EventTypes.JobRequested,
    version: EVENT_VERSIONS.JobRequested,
    jobId,
    tenantId: overrides.tenantId ?? 'default',
    correlationId: overrides.correlationId ?? 'corr-123',
    causationId: null,
    occurredAt: overrides.occurredAt ?? FIXED_TIME,
    data: {
      jobType: 'scrape',
      input: { url: overrides.url ?? 'https://example.com/page' },
      priority: 'normal',
      idempotencyKey: null,
    },
  };
}

export function scrapeResult(overrides: Partial<ScrapeResult> = {}): ScrapeResult {
  return {
    url: 'https://example.com/page',
    finalUrl: 'https://example.com/page',
    statusCode: 200,
    contentType: 'text/html',
    title: 'Example',
    description: null,
    canonical: null,
    lang: 'en',
    h1: ['Hello'],
    links: ['https://example.com/other'],
    bytes: 1234,
    fetchedAt: FIXED_TIME,
    durationMs: 12.5,
    ...overrides,
  };
}

const at = (occurredAt?: string): { occurredAt: Date } => ({
  occurredAt: new Date(occurredAt ?? FIXED_TIME),
});

export function stageStarted(
  cause: JobRequested | StageRetryScheduled,
  attempt = 1,
  occurredAt?: string,
): StageStarted {
  return causedEvent(
    cause,
    EventTypes.StageStarted,
    { stage: 'scrape', stageVersion: '1', attempt },
    at(occurredAt),
  );
}

export function stageCompleted(
  cause: JobRequested | StageRetryScheduled,
  attempt = 1,
  occurredAt?: string,
  result: ScrapeResult = scrapeResult(),
): StageCompleted {
  return causedEvent(
    cause,
    EventTypes.StageCompleted,
    { stage: 'scrape', stageVersion: '1', attempt, result: { ...result } },
    at(occurredAt),
  );
}

export function stageFailed(
  cause: JobRequested | StageRetryScheduled,
  attempt = 1,
  occurredAt?: string,
  error = { code: 'HTTP_404', message: 'not found', retryable: false },
): StageFailed {
  return causedEvent(
    cause,
    EventTypes.StageFailed,
    { stage: 'scrape', stageVersion: '1', attempt, error: { ...error } },
    at(occurredAt),
  );
}

export function stageAttemptFailed(
  cause: JobRequested | StageRetryScheduled,
  attempt = 1,
  occurredAt?: string,
): StageAttemptFailed {
  return causedEvent(
    cause,
    EventTypes.StageAttemptFailed,
    {
      stage: 'scrape',
      stageVersion: '1',
      attempt,
      error: { code: 'NETWORK_ERROR', message: 'connection reset', retryable: true },
      retryAt: '2025-01-02T03:04:07.678Z',
    },
    at(occurredAt),
  );
}

export function stageRetryScheduled(
  cause: JobRequested | StageRetryScheduled,
  request: JobRequested,
  attempt = 2,
  occurredAt?: string,
): StageRetryScheduled {
  return causedEvent(
    cause,
    EventTypes.StageRetryScheduled,
    {
      stage: 'scrape',
      stageVersion: '1',
      attempt,
      notBefore: '2025-01-02T03:04:07.678Z',
      request: { ...request.data, input: { ...request.data.input } },
    },
    at(occurredAt),
  );
}

export function stageProgressed(
  cause: JobRequested | StageRetryScheduled,
  progress: { attempt?: number; done?: number; total?: number | null; seq?: number; page?: number } = {},
  occurredAt?: string,
): StageProgressed {
  const { attempt = 1, done = 10, total = 100, seq = 1, page } = progress;
  return causedEvent(
    cause,
    EventTypes.StageProgressed,
    { stage: 'scrape', stageVersion: '1', attempt, page, done, total, unit: 'bytes', message: null },
    { discriminator: `scrape@1|${seq}`, ...at(occurredAt) },
  );
}

export function stageLogged(
  cause: JobRequested | StageRetryScheduled,
  message = 'fetching',
  seq = 1,
  occurredAt?: string,
): StageLogged {
  return causedEvent(
    cause,
    EventTypes.StageLogged,
    { stage: 'scrape', stageVersion: '1', attempt: 1, level: 'info', message, fields: { seq } },
    { discriminator: `scrape@1|${seq}`, ...at(occurredAt) },
  );
}

/** One valid event of every type, keyed by type. */
export function oneOfEachType(): Record<JobEvent['type'], JobEvent> {
  const request = jobRequested();
  const retry = stageRetryScheduled(request, request, 2);
  return {
    JobRequested: request,
    StageStarted: stageStarted(request),
    StageAttemptFailed: stageAttemptFailed(request),
    StageCompleted: stageCompleted(retry, 2),
    StageFailed: stageFailed(request),
    StageRetryScheduled: retry,
    StageProgressed: stageProgressed(request),
    StageLogged: stageLogged(request),
    JobCancelRequested: {
      ...request,
      id: deriveEventId(request.id, 'JobCancelRequested'),
      type: 'JobCancelRequested',
      causationId: null,
      data: { reason: 'no longer needed' },
    },
    StageReplayRequested: {
      ...request,
      id: deriveEventId(request.id, 'StageReplayRequested'),
      type: 'StageReplayRequested',
      causationId: null,
      data: { stage: 'scrape', from: 'earliest' },
    },
  };
}
