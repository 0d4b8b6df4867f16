import type { EnvReader } from '../config/env-reader';
import type { RetryPolicy } from './retry-policy';

/** Shared with the launcher, which reads the same variable to create the retry topics. */
export const RETRY_MAX_ATTEMPTS_DOC = 'attempts in all (`npm start` creates `<stage>.retry.1..n-1`)';

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
   * STAGE_FETCH_GATHER_MS: after a fetch that brought only a few records, how long the intake waits
   * before it fetches again, so the next fetch carries what arrived meanwhile (see ContinuousIntake).
   */
  fetchGatherMs: number;
  /**
   * STAGE_VERSION: overrides the version stamped on the stage's events (default: the code's own, e.g.
   * `scraper@1`). Set it to the release id when a deploy changes a stage's results, so a replay's
   * results supersede the old ones instead of deduping against them.
   */
  versionOverride: string | null;
  /** How running attempts report progress and log lines (see `StageReporting`). */
  reporting: StageReportingConfig;
}

/**
 * Rate limits of `StageProgressed` / `StageLogged` (per job): an attempt ending within `afterMs` sends
 * neither (fast jobs pay nothing); after that, at most one progress event per `intervalMs` (the latest
 * value wins) and `logLinesPerSecond` log lines (the rest counted in one "N lines dropped" line).
 */
export interface StageReportingConfig {
  /** STAGE_PROGRESS_AFTER_MS */
  afterMs: number;
  /** STAGE_PROGRESS_INTERVAL_MS */
  intervalMs: number;
  /** STAGE_LOG_LINES_PER_SECOND */
  logLinesPerSecond: number;
}

/**
 * A stage service's defaults. `concurrencyDoc` and `timeLimitDoc` say how a default is derived, for
 * docs/configuration.md, when it depends on other settings or the machine.
 */
export interface StageDefaults {
  concurrency: number;
  timeLimitMs: number;
  concurrencyDoc?: string;
  timeLimitDoc?: string;
}

/** Settings every stage service shares (retry policy, concurrency, time limit). */
export function readStageConfig(env: EnvReader, defaults: StageDefaults): StageRuntimeConfig {
  return {
    retry: {
      maxAttempts: env.int('RETRY_MAX_ATTEMPTS', {
        default: 4,
        min: 1,
        max: 20,
        doc: RETRY_MAX_ATTEMPTS_DOC,
      }),
      baseDelayMs: env.int('RETRY_BASE_DELAY_MS', {
        default: 2000,
        min: 0,
        max: 3_600_000,
        doc: 'first backoff; doubles per attempt',
      }),
      jitter:
        env.int('RETRY_JITTER_PERCENT', {
          default: 20,
          min: 0,
          max: 100,
          doc: '± spread of each backoff, in percent',
        }) / 100,
    },
    concurrency: env.int('STAGE_CONCURRENCY', {
      default: defaults.concurrency,
      min: 1,
      max: 1000,
      defaultDoc: defaults.concurrencyDoc,
      doc: "jobs a stage runs at once in a process (all partitions and priorities; a job's events stay in order)",
    }),
    partitionsConsumedConcurrently: env.int('STAGE_PARTITIONS_CONCURRENTLY', {
      default: 3,
      min: 1,
      max: 100,
      doc: 'partitions whose fetched records are admitted at once per consumer group',
    }),
    timeLimitMs: env.int('STAGE_TIME_LIMIT_MS', {
      default: defaults.timeLimitMs,
      min: 100,
      max: 86_400_000,
      defaultDoc: defaults.timeLimitDoc,
      doc: 'hard limit per attempt (`TIMEOUT`, retried)',
    }),
    startedDelayMs: env.int('STAGE_STARTED_DELAY_MS', {
      default: 20,
      min: 0,
      max: 10_000,
      doc:
        "how long an attempt's `StageStarted` waits to go out in one produce request with its outcome " +
        '(attempts ending sooner cost one request, not two; longer ones show `RUNNING` this much later); ' +
        '`0` sends it at once',
    }),
    fetchGatherMs: env.int('STAGE_FETCH_GATHER_MS', {
      default: 10,
      min: 0,
      max: 1000,
      doc:
        'after a fetch of fewer than 8 records, how long a stage waits before fetching again, so that at moderate ' +
        'rates one fetch carries several jobs (fewer Kafka requests; a job arriving meanwhile starts up to this ' +
        'much later); `0` fetches again at once. An idle stage is not affected (its fetch waits in the broker)',
    }),
    versionOverride:
      env.string('STAGE_VERSION', {
        default: '',
        pattern: /^[A-Za-z0-9@._:+-]{1,64}$/,
        hint: '1-64 characters of A-Z a-z 0-9 @ . _ : + -',
        defaultDoc: "the stage's code version (`scraper@1`, …)",
        doc: 'version stamped on stage events; change it on a deploy that changes results, then replay',
      }) || null,
    reporting: readStageReportingConfig(env),
  };
}

function readStageReportingConfig(env: EnvReader): StageReportingConfig {
  return {
    afterMs: env.int('STAGE_PROGRESS_AFTER_MS', {
      default: 1000,
      min: 0,
      max: 3_600_000,
      doc:
        'an attempt sends `StageProgressed` / `StageLogged` only once it has run this long ' +
        '(faster attempts send none; their outcome says it all)',
    }),
    intervalMs: env.int('STAGE_PROGRESS_INTERVAL_MS', {
      default: 500,
      min: 10,
      max: 600_000,
      doc: 'at most one `StageProgressed` per job per interval (the latest value is sent)',
    }),
    logLinesPerSecond: env.int('STAGE_LOG_LINES_PER_SECOND', {
      default: 5,
      min: 1,
      max: 1000,
      doc: '`StageLogged` lines per attempt per second; the rest are counted in one "N lines dropped" line',
    }),
  };
}
