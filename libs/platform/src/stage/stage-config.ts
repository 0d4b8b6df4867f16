import type { EnvReader } from '../config/env-reader';
import type { RetryPolicy } from './retry-policy';

export interface StageRuntimeConfig {
  retry: RetryPolicy;
  concurrency: number;
  partitionsConsumedConcurrently: number;
  timeLimitMs: number;
  /**
   * STAGE_STARTED_DELAY_MS: how long an attempt's StageStarted waits to travel with its outcome in one
   * produce request. Attempts that end sooner (most scrapes of a fast page) cost one request instead
   * of two; longer ones announce their start after this delay. 0 sends it at once.
   */
  startedDelayMs: number;
  /**
   * STAGE_VERSION: overrides the version stamped on the stage's events (default: the code's own, e.g.
   * `scraper@1`). Set it to the release id when a deploy changes a stage's results, so a replay's
   * results supersede the old ones instead of deduping against them.
   */
  versionOverride: string | null;
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
    startedDelayMs: env.int('STAGE_STARTED_DELAY_MS', { default: 20, min: 0, max: 10_000 }),
    versionOverride:
      env.string('STAGE_VERSION', {
        default: '',
        pattern: /^[A-Za-z0-9@._:+-]{1,64}$/,
        hint: '1-64 characters of A-Z a-z 0-9 @ . _ : + -',
      }) || null,
  };
}
