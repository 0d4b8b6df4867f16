import {
  causedEvent,
  encodeEvent,
  EventTypes,
  InvalidEventError,
  retryTopic,
  runOf,
  type EncodedEvent,
  type JobRequestedData,
  type JobError,
  type JobEvent,
  type JobType,
  type StageLogLevel,
} from '@app/contracts';
import type { BatchContext, ConsumedEvent, EventBatchHandler } from '../kafka/event-consumer';
import type { EventPublisher, OutgoingEvent, RawMessage } from '../kafka/event-publisher';
import { deadLetterMessage } from '../kafka/dead-letter';
import { forEachJobConcurrently, type Admission } from '../kafka/per-job-concurrency';
import type { IntakeHandler } from '../kafka/continuous-intake';
import { HeaderNames } from '../kafka/message-headers';
import { jobLogger, type Logger } from '../logging/logger';
import { retryDelayMs, type RetryPolicy } from './retry-policy';
import { inSpan, jobAttributes, SpanKind } from '../telemetry/tracing';
import type { PlatformMetrics } from '../metrics/platform-metrics';
import { StageFailure, toJobError } from './stage-failure';
import { CancellationRegistry } from './cancellation-registry';
import { PrioritySlots } from './priority-slots';
import { admitByPriority } from './slot-admission';
import { DeferredStart } from './deferred-start';
import { AttemptReporter, type ProgressReport } from './attempt-reporter';
import type { JobProgressGate } from './progress-throttle';
import type { StageReportingConfig } from './stage-config';

/** Default of `StageDefinition.reporting` (the defaults of the STAGE_PROGRESS_* variables). */
export const DEFAULT_STAGE_REPORTING: StageReportingConfig = {
  afterMs: 1000,
  intervalMs: 500,
  logLinesPerSecond: 5,
};

export interface StageExecutionContext {
  jobId: string;
  /** The job's tenant (its blobs are the tenant's). */
  tenantId: string;
  attempt: number;
  /** The page, for per-page stages. */
  page?: number;
  /** Fires when the stage's time limit passes or the service stops. */
  signal: AbortSignal;
  logger: Logger;
  /**
   * Reports how far the attempt got (`StageProgressed`). Cheap to call often: rate-limited per job, the
   * latest value wins, nothing is sent for an attempt shorter than STAGE_PROGRESS_AFTER_MS.
   */
  progress: (report: ProgressReport) => void;
  /** A log line the job's owner sees (`StageLogged`, `GET /jobs/{id}/logs`); rate-limited per attempt. */
  log: (level: StageLogLevel, message: string, fields?: Record<string, unknown>) => void;
}

/** The stage-specific work: turn a job request into a result, or throw (ideally a StageFailure). */
export interface StageExecutor {
  execute(request: JobRequestedData, context: StageExecutionContext): Promise<Record<string, unknown>>;
}

export interface StageDefinition {
  stage: string;
  /** Recorded on every stage event, so reprocessed results can be told apart. */
  stageVersion: string;
  jobType: JobType;
  eventsTopic: string;
  retry: RetryPolicy;
  /** Most jobs in flight at once (events of one job stay in order). */
  concurrency: number;
  /**
   * Slots shared by every consumer of the stage (all priorities); high priority first. Default: a
   * `concurrency`-slot pool of this worker's own.
   */
  slots?: PrioritySlots;
  /** Hard limit per attempt; past it the attempt fails with TIMEOUT (retryable). */
  timeLimitMs: number;
  /**
   * StageStarted waits this long (default 0: sent at once) so that an attempt ending sooner sends it
   * with its outcome, in one produce request; it always precedes the outcome on the partition.
   */
  startedDelayMs?: number;
  /** Rate limits of progress and log events (default DEFAULT_STAGE_REPORTING). */
  reporting?: StageReportingConfig;
  /**
   * Which events start work, and what work (default: `JobRequested` of `jobType`, one item). A
   * per-page stage returns one item per page of the event it follows.
   */
  select?: (event: JobEvent) => WorkItem[];
}

/** One unit of stage work: the event that caused it, its request (input), attempt and page. */
export interface WorkItem {
  cause: JobEvent;
  request: JobRequestedData;
  attempt: number;
  page?: number;
  /** The consumed message that caused the work (set by the worker): dead-lettered if retries run out. */
  source?: ConsumedEvent;
}

/**
 * Runs one stage over `jobs.requested` and its retry topics: emits StageStarted, runs the executor,
 * then emits StageCompleted, or StageFailed, or (retryable, attempts left) StageAttemptFailed plus a
 * StageRetryScheduled message on the next retry topic, so a waiting retry never blocks its partition.
 * It resolves only after every output was acknowledged, so offsets are committed after the outputs.
 */
export class StageWorker implements EventBatchHandler, IntakeHandler {
  private readonly stopping = new AbortController();
  private readonly slots: PrioritySlots;
  /** Per job with attempts running here: when its next progress event may go (pages share it). */
  private readonly progressGates = new Map<string, { gate: JobProgressGate; attempts: number }>();

  constructor(
    private readonly definition: StageDefinition,
    private readonly executor: StageExecutor,
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
    private readonly metrics?: PlatformMetrics,
    private readonly cancellations: CancellationRegistry = new CancellationRegistry(),
  ) {
    this.slots = definition.slots ?? new PrioritySlots(definition.concurrency);
  }

  /** Retry topics' messages become due at `notBefore`; the consumer waits for them. */
  static dueAt(event: JobEvent): number | null {
    return event.type === EventTypes.StageRetryScheduled ? Date.parse(event.data.notBefore) : null;
  }

  stop(): void {
    this.stopping.abort();
  }

  /** Batch mode (an `EventConsumer`): the batch's jobs run concurrently; resolves once all finished. */
  async handleBatch(events: ConsumedEvent[], context: BatchContext): Promise<void> {
    const { concurrency: limit } = this.definition;
    const admit = this.admission(context);
    // Events that are not this stage's work (other job types' requests) must not queue for a slot.
    const ours = events.filter((consumed) => this.wants(consumed));
    await forEachJobConcurrently(ours, { limit, admit }, async (consumed) => {
      await this.process(consumed);
      await context.heartbeat();
    });
  }

  /** Whether the event is work of this stage (continuous intake: events that are not are done at once). */
  wants(consumed: ConsumedEvent): boolean {
    return this.workFor(consumed.event).length > 0;
  }

  /**
   * Another job type's request, told by its headers (continuous intake): never this stage's work,
   * since a stage starts only from requests of its own type. Requests published before the job-type
   * header existed carry none and are decoded.
   */
  passesOver(header: (name: string) => string | undefined): boolean {
    if (header(HeaderNames.EventType) !== EventTypes.JobRequested) return false;
    const jobType = header(HeaderNames.JobType);
    return jobType !== undefined && jobType !== this.definition.jobType;
  }

  /** Slots shared by every consumer of the stage, high priority first; waiters keep the batch alive. */
  admission(batch: BatchContext): Admission {
    return admitByPriority(this.slots, batch);
  }

  /**
   * Runs one event's work (continuous intake): resolves once every output was acknowledged, rejects
   * if one was not or the service is stopping (then its offset must not be committed).
   */
  async process(consumed: ConsumedEvent): Promise<void> {
    // Stopping: start nothing (not even a StageStarted); the event is delivered again after a restart.
    if (this.stopping.signal.aborted) throw new Error('service stopping');
    const items = this.workFor(consumed.event).map((work) => ({ ...work, source: consumed }));
    // Items of one event (the pages of a split document) run side by side.
    await Promise.all(
      items.map((work) =>
        // The processing span continues the trace of the message (request or retry): one trace per job.
        inSpan(
          `${this.definition.stage} process`,
          {
            kind: SpanKind.CONSUMER,
            parent: consumed.traceContext,
            attributes: {
              ...jobAttributes(work.cause),
              'stage.name': this.definition.stage,
              'stage.attempt': work.attempt,
              ...(work.page === undefined ? {} : { 'stage.page': work.page }),
            },
          },
          () => this.run(work),
        ),
      ),
    );
  }

  /** What this stage should do for an event: its own retries, else what the stage selects. */
  private workFor(event: JobEvent): WorkItem[] {
    if (event.type === EventTypes.StageRetryScheduled) {
      if (event.data.stage !== this.definition.stage) return [];
      return [
        { cause: event, request: event.data.request, attempt: event.data.attempt, page: event.data.page },
      ];
    }
    if (this.definition.select) return this.definition.select(event);
    if (event.type === EventTypes.JobRequested && event.data.jobType === this.definition.jobType) {
      return [{ cause: event, request: event.data, attempt: 1 }];
    }
    return [];
  }

  private async run(work: WorkItem): Promise<void> {
    const { cause, attempt, page } = work;
    const { stage, stageVersion, eventsTopic } = this.definition;
    const log = jobLogger(this.logger, { jobId: cause.jobId, correlationId: cause.correlationId });
    if (this.cancellations.isCancelled(cause.jobId, runOf(cause))) {
      log.info({ stage, attempt }, 'job was cancelled; skipped');
      return;
    }
    const started = new DeferredStart(
      {
        topic: eventsTopic,
        event: causedEvent(
          cause,
          EventTypes.StageStarted,
          { stage, stageVersion, attempt, page },
          outputId(stage, stageVersion, page),
        ),
      },
      this.publisher,
      this.definition.startedDelayMs ?? 0,
    );
    const startedAt = Date.now();
    const reporter = this.reporter(work, started, log, startedAt);
    const deadLetters: RawMessage[] = [];
    const outputs = await this.attempt(work, log, deadLetters, reporter)
      .catch(async (thrown: unknown) => {
        // Stopping: a StageStarted already on its way still settles, but none is sent any more.
        await reporter.close();
        await started.abandon();
        throw thrown;
      })
      .finally(() => this.releaseGate(cause.jobId));
    // Reports end before the outcome is published (a late call is a no-op), so they precede it.
    const reportsSettled = reporter.close();
    await Promise.all([started.publishWith(outputs, deadLetters), reportsSettled]);
    if (outputs.length === 0) return;
    if (deadLetters.length > 0)
      this.metrics?.deadLetters.inc({ group: work.source?.group ?? stage, reason: 'retriesExhausted' });
    const outcome = outcomeOf(outputs[0]?.event.type);
    this.metrics?.stageDuration.observe({ stage, outcome }, (Date.now() - startedAt) / 1000);
    if (outcome === 'retry') this.metrics?.retries.inc({ stage });
    else this.metrics?.jobsFinished.inc({ type: this.definition.jobType, outcome });
    log.info({ stage, attempt, outcome, ms: Date.now() - startedAt }, 'attempt finished');
  }

  /** The attempt's progress and log reporting; its job's attempts here share one progress gate. */
  private reporter(work: WorkItem, started: DeferredStart, log: Logger, startedAt: number): AttemptReporter {
    const { stage, stageVersion, eventsTopic } = this.definition;
    const jobId = work.cause.jobId;
    let entry = this.progressGates.get(jobId);
    if (!entry) {
      entry = { gate: { nextAt: 0 }, attempts: 0 };
      this.progressGates.set(jobId, entry);
    }
    entry.attempts += 1;
    return new AttemptReporter(
      {
        cause: work.cause,
        stage,
        stageVersion,
        attempt: work.attempt,
        page: work.page,
        topic: eventsTopic,
        discriminator: outputId(stage, stageVersion, work.page).discriminator,
      },
      this.publisher,
      log,
      this.definition.reporting ?? DEFAULT_STAGE_REPORTING,
      () => started.announce(),
      entry.gate,
      startedAt,
    );
  }

  private releaseGate(jobId: string): void {
    const entry = this.progressGates.get(jobId);
    if (entry && --entry.attempts === 0) this.progressGates.delete(jobId);
  }

  private async attempt(
    work: WorkItem,
    log: Logger,
    deadLetters: RawMessage[],
    reporter: AttemptReporter,
  ): Promise<OutgoingEvent[]> {
    const { cause, request, attempt, page } = work;
    const { stage, stageVersion, eventsTopic, retry, timeLimitMs } = this.definition;
    const id = outputId(stage, stageVersion, page);
    const limit = AbortSignal.timeout(timeLimitMs);
    const cancellation = this.cancellations.track(cause.jobId, runOf(cause));
    const signal = AbortSignal.any([limit, this.stopping.signal, cancellation.signal]);
    try {
      const result = await abortable(
        this.executor.execute(request, {
          jobId: cause.jobId,
          tenantId: cause.tenantId,
          attempt,
          page,
          signal,
          logger: log,
          progress: reporter.progress,
          log: reporter.log,
        }),
        signal,
        () =>
          limit.aborted
            ? new StageFailure('TIMEOUT', `stage ${stage} exceeded its time limit of ${timeLimitMs} ms`, true)
            : cancellation.signal.aborted
              ? new Error('job cancelled')
              : new Error('service stopping'),
      );
      const completed = causedEvent(
        cause,
        EventTypes.StageCompleted,
        { stage, stageVersion, attempt, page, result },
        id,
      );
      // A result that fails its schema would make the publish throw and the batch be redelivered, run
      // again (deterministic work: same bad result) and block the partition forever. Fail the job instead.
      // Encoded here, the one schema check: the publisher sends these bytes as they are.
      let encoded: EncodedEvent;
      try {
        encoded = encodeEvent(completed);
      } catch (invalid) {
        if (!(invalid instanceof InvalidEventError)) throw invalid;
        const problems = invalid.errors.map((e) => `${e.path} ${e.message}`).join('; ');
        throw new StageFailure(
          'INVALID_RESULT',
          `stage ${stage} produced an invalid result: ${problems}`,
          false,
        );
      }
      return [{ topic: eventsTopic, event: completed, encoded }];
    } catch (thrown) {
      if (this.stopping.signal.aborted) throw thrown; // leave the offset uncommitted: redelivered after restart
      if (cancellation.signal.aborted) {
        // The cancel event already ends the job CANCELLED; no failure, no retry.
        log.info({ stage, attempt }, 'job cancelled while running; aborted');
        return [];
      }
      const error = toJobError(thrown);
      if (!error.retryable || attempt >= retry.maxAttempts) {
        log.warn({ stage, attempt, code: error.code }, 'job failed');
        // Only a retryable failure gets here on its last attempt: its message is kept for a redrive.
        if (error.retryable) deadLetters.push(...this.retriesExhausted(work, error));
        return [
          {
            topic: eventsTopic,
            event: causedEvent(
              cause,
              EventTypes.StageFailed,
              { stage, stageVersion, attempt, page, error },
              id,
            ),
          },
        ];
      }
      const retryAt = new Date(Date.now() + retryDelayMs(retry, attempt)).toISOString();
      log.info({ stage, attempt, code: error.code, retryAt }, 'attempt failed, retry scheduled');
      return [
        {
          topic: eventsTopic,
          event: causedEvent(
            cause,
            EventTypes.StageAttemptFailed,
            { stage, stageVersion, attempt, page, error, retryAt },
            id,
          ),
        },
        {
          topic: retryTopic(stage, attempt),
          event: causedEvent(
            cause,
            EventTypes.StageRetryScheduled,
            { stage, stageVersion, attempt: attempt + 1, page, notBefore: retryAt, request },
            id,
          ),
        },
      ];
    } finally {
      cancellation.release();
    }
  }

  /** The dead-letter message for work whose retries ran out: its input message as it was consumed. */
  private retriesExhausted(work: WorkItem, error: JobError): RawMessage[] {
    const { source, attempt, page } = work;
    if (!source) return []; // work not taken from a topic has nothing to send back
    const message = {
      topic: source.topic,
      partition: source.partition,
      offset: source.offset,
      key: source.key !== undefined ? source.key : Buffer.from(source.event.jobId, 'utf8'),
      value: source.value !== undefined ? source.value : encodeEvent(source.event),
      headers: source.headers,
    };
    return [
      deadLetterMessage(
        message,
        source.group ?? this.definition.stage,
        'retriesExhausted',
        `${error.code}: ${error.message}`,
        [],
        { attempts: attempt, discriminator: page === undefined ? undefined : `page ${page}` },
      ),
    ];
  }
}

/**
 * Output ids derive from the input's id, the output type, the stage, its version and the page: two
 * stages that follow the same event (classify and scale both follow a page's OCR) must not mint the
 * same id, and a stage version reprocessing the input (a replay after a deploy) records new events,
 * while a redelivery to the same version dedupes.
 */
function outputId(stage: string, stageVersion: string, page: number | undefined): { discriminator: string } {
  const base = `${stage}@${stageVersion}`;
  return { discriminator: page === undefined ? base : `${base}|${page}` };
}

function outcomeOf(type: string | undefined): 'succeeded' | 'failed' | 'retry' {
  if (type === EventTypes.StageCompleted) return 'succeeded';
  if (type === EventTypes.StageAttemptFailed) return 'retry';
  return 'failed';
}

/** Settles with the work, or rejects as soon as the signal fires (the executor should stop too). */
function abortable<T>(work: Promise<T>, signal: AbortSignal, reason: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
