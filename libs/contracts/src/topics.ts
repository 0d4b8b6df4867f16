import type { JobPriority, JobType } from './jobs/job-types';

/**
 * Every Kafka topic the platform uses, in one table.
 *
 * DO NOT RENAME a published topic: consumers, offsets and the replayable history are bound to these
 * names. A changed meaning gets a new topic (or a new event version), never an edited name.
 */
export const Topics = {
  /** JobRequested of a scrape job, priority `normal`, key = job id. */
  ScrapeRequested: 'scrape.requested',
  ScrapeRequestedHigh: 'scrape.requested.high',
  ScrapeRequestedLow: 'scrape.requested.low',
  /** JobRequested of a risk job, priority `normal`, key = job id. */
  RiskRequested: 'risk.requested',
  RiskRequestedHigh: 'risk.requested.high',
  RiskRequestedLow: 'risk.requested.low',
  /** JobRequested of a document, priority `normal`, key = job id. */
  DocumentsRequested: 'documents.requested',
  DocumentsRequestedHigh: 'documents.requested.high',
  DocumentsRequestedLow: 'documents.requested.low',
  /**
   * Shared request topics of every job type, from before each type had its own (normal priority, and
   * every request from before priorities had topics). Nothing is published here any more; stages still
   * read them (passing over other types' requests by their `job-type` header), so a request written
   * before an upgrade is still run, replayed and rebuilt.
   */
  JobsRequested: 'jobs.requested',
  /** Shared JobRequested of priority `high` (before per-type topics), key = job id. */
  JobsRequestedHigh: 'jobs.requested.high',
  /** Shared JobRequested of priority `low` (before per-type topics), key = job id. */
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

type TopicsByPriority = Readonly<Record<JobPriority, TopicName>>;

/**
 * Each job type's requests, one topic per priority. A stage reads only its own type's requests: when
 * every type shared `jobs.requested`, the risk and document stages fetched, decoded and committed every
 * scrape request only to pass over it (about a sixth of the platform's CPU per scrape job in a burst).
 */
const REQUEST_TOPICS_BY_TYPE: Readonly<Record<JobType, TopicsByPriority>> = {
  scrape: {
    high: Topics.ScrapeRequestedHigh,
    normal: Topics.ScrapeRequested,
    low: Topics.ScrapeRequestedLow,
  },
  risk: { high: Topics.RiskRequestedHigh, normal: Topics.RiskRequested, low: Topics.RiskRequestedLow },
  document: {
    high: Topics.DocumentsRequestedHigh,
    normal: Topics.DocumentsRequested,
    low: Topics.DocumentsRequestedLow,
  },
};

const SHARED_REQUEST_TOPICS: TopicsByPriority = {
  high: Topics.JobsRequestedHigh,
  normal: Topics.JobsRequested,
  low: Topics.JobsRequestedLow,
};

/**
 * Where a request of `jobType` and `priority` is published. Each priority has its own topic so a stage
 * can fetch high-priority requests without first reading through a backlog of low-priority ones.
 */
export function requestTopic(jobType: JobType, priority: JobPriority): TopicName {
  return REQUEST_TOPICS_BY_TYPE[jobType][priority];
}

/**
 * What a stage starting from `jobType`'s requests reads at `priority`: its type's own topic, then the
 * shared topic of before per-type topics (see `Topics.JobsRequested`).
 */
export function requestInputTopics(jobType: JobType, priority: JobPriority): TopicName[] {
  return [REQUEST_TOPICS_BY_TYPE[jobType][priority], SHARED_REQUEST_TOPICS[priority]];
}

/** Every topic that carries JobRequested: each type's, highest priority first, then the shared ones. */
export const REQUEST_TOPICS: readonly TopicName[] = [
  ...Object.values(REQUEST_TOPICS_BY_TYPE).flatMap((byPriority) => [
    byPriority.high,
    byPriority.normal,
    byPriority.low,
  ]),
  SHARED_REQUEST_TOPICS.high,
  SHARED_REQUEST_TOPICS.normal,
  SHARED_REQUEST_TOPICS.low,
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
