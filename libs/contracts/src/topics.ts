import type { JobPriority } from './jobs/job-types';

/**
 * Every Kafka topic the platform uses, in one table.
 *
 * DO NOT RENAME a published topic: consumers, offsets and the replayable history are bound to these
 * names. A changed meaning gets a new topic (or a new event version), never an edited name.
 */
export const Topics = {
  /** JobRequested of priority `normal` (and every request from before priorities had topics), key = job id. */
  JobsRequested: 'jobs.requested',
  /** JobRequested of priority `high`, key = job id. */
  JobsRequestedHigh: 'jobs.requested.high',
  /** JobRequested of priority `low`, key = job id. */
  JobsRequestedLow: 'jobs.requested.low',
  /** Lifecycle events of the scrape stage (started, attempt failed, completed, failed), key = job id. */
  ScrapeEvents: 'scrape.events',
  /** Lifecycle events of the risk stage, key = job id. */
  RiskEvents: 'risk.events',
  /** Lifecycle events of the document stages (split, and per page ocr, classify, scale), key = job id. */
  DocumentsEvents: 'documents.events',
  /** JobCancelRequested (and later control events), key = job id; every stage reads it whole on start. */
  JobsControl: 'jobs.control',
  /** Messages that could not be consumed (not JSON, failed their schema) or exhausted their retries. */
  DeadLetter: 'dead-letter',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

const REQUEST_TOPIC_BY_PRIORITY: Readonly<Record<JobPriority, TopicName>> = {
  high: Topics.JobsRequestedHigh,
  normal: Topics.JobsRequested,
  low: Topics.JobsRequestedLow,
};

/**
 * Where a request of `priority` is published. Each priority has its own topic so a stage can fetch
 * high-priority requests without first reading through a backlog of low-priority ones.
 */
export function requestTopic(priority: JobPriority): TopicName {
  return REQUEST_TOPIC_BY_PRIORITY[priority];
}

/** Every topic that carries JobRequested, highest priority first. */
export const REQUEST_TOPICS: readonly TopicName[] = [
  Topics.JobsRequestedHigh,
  Topics.JobsRequested,
  Topics.JobsRequestedLow,
];

/**
 * Retry topics of a stage: attempt n (2..maxAttempts) waits on `<stage>.retry.<n-1>`. One topic per
 * attempt keeps each topic's delays roughly equal, so a message waiting for its time never holds up a
 * message behind it that is due sooner (no head-of-line blocking between backoff tiers).
 */
export function retryTopic(stage: string, tier: number): string {
  return `${stage}.retry.${tier}`;
}

export function retryTopics(stage: string, maxAttempts: number): string[] {
  const topics: string[] = [];
  for (let tier = 1; tier < maxAttempts; tier += 1) topics.push(retryTopic(stage, tier));
  return topics;
}

/** Event topics the projector folds into the read models (the log that rebuilds them). */
export const PROJECTED_TOPICS: readonly string[] = [
  ...REQUEST_TOPICS,
  Topics.JobsControl,
  Topics.ScrapeEvents,
  Topics.RiskEvents,
  Topics.DocumentsEvents,
];

/** Partitions per topic: enough for 12 consumers of one stage. */
export const DEFAULT_PARTITIONS = 12;
