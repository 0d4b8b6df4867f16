import type { EnvReader } from '../config/env-reader';
import type { RetryPolicy } from './retry-policy';

export interface StageRuntimeConfig {
  retry: RetryPolicy;
  concurrency: number;
  partitionsConsumedConcurrently: number;
  timeLimitMs: number;
  /** KAFKA_SESSION_TIMEOUT_MS: how soon the group gives a dead replica's partitions to the others. */
  sessionTimeoutMs: number;
}

/** Settings every stage service shares (retry policy, concurrency, time limit). */
export function readStageConfig(
  env: EnvReader,
  defaults: { concurrency: number; timeLimitMs: number },
): StageRuntimeConfig {
  return {
    retry: {
      maxAttempts: env.int('RETRY_MAX_ATTEMPTS', { default: 4, min: 1, max: 20 }),
      baseDelayMs: env.int('RETRY_BASE_DELAY_MS', { default: 2000, min: 0, max: 3_600_000 }),
      jitter: env.int('RETRY_JITTER_PERCENT', { default: 20, min: 0, max: 100 }) / 100,
    },
    concurrency: env.int('STAGE_CONCURRENCY', { default: defaults.concurrency, min: 1, max: 1000 }),
    partitionsConsumedConcurrently: env.int('STAGE_PARTITIONS_CONCURRENTLY', {
      default: 3,
      min: 1,
      max: 100,
    }),
    timeLimitMs: env.int('STAGE_TIME_LIMIT_MS', { default: defaults.timeLimitMs, min: 100, max: 86_400_000 }),
    // Kafka's group.min/max.session.timeout.ms defaults bound it to 6 s .. 30 min.
    sessionTimeoutMs: env.int('KAFKA_SESSION_TIMEOUT_MS', { default: 30_000, min: 6000, max: 1_800_000 }),
  };
}
