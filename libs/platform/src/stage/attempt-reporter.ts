import {
  causedEvent,
  encodeEvent,
  EventTypes,
  type EncodedEvent,
  type JobEvent,
  type StageLogged,
  type StageLoggedData,
  type StageLogLevel,
  type StageProgressed,
  type StageProgressedData,
} from '@app/contracts';
import type { EventPublisher } from '../kafka/event-publisher';
import type { Logger } from '../logging/logger';
import { LogLimiter } from './log-limiter';
import { ProgressThrottle, type JobProgressGate } from './progress-throttle';
import type { StageReportingConfig } from './stage-config';

/** What an executor reports while it works (`StageExecutionContext.progress`). */
export interface ProgressReport {
  done: number;
  /** null or absent when the total is not known (a download without Content-Length). */
  total?: number | null;
  /** What `done` counts: `bytes`, `pages`, `paths`... (1-32 characters). */
  unit: string;
  message?: string | null;
  /** The page this progress is about (default: the attempt's page, for per-page stages). */
  page?: number;
}

/** The attempt a reporter speaks for, and where its events go. */
export interface ReportingAttempt {
  cause: JobEvent;
  stage: string;
  stageVersion: string;
  attempt: number;
  page?: number;
  topic: string;
  /** Prefix of the events' id discriminator (the stage's output discriminator). */
  discriminator: string;
}

const MAX_MESSAGE = 2000;

type LogLine = Pick<StageLoggedData, 'level' | 'message' | 'fields'>;
type StageFields = Pick<StageProgressedData, 'stage' | 'stageVersion' | 'attempt' | 'page'>;

/**
 * Turns an attempt's `progress` / `log` calls into `StageProgressed` / `StageLogged` events on the
 * stage's events topic (key = job id), rate-limited (ProgressThrottle, LogLimiter). Ids derive from the
 * attempt's cause, the type and a per-attempt sequence number. Each event follows the attempt's
 * StageStarted (`announce` runs first) and precedes its outcome (the worker closes the reporter before
 * publishing it). A report that fails its schema, or whose publish fails, is dropped with a warning:
 * it never fails the job.
 */
export class AttemptReporter {
  private seq = 0;
  private readonly progressThrottle: ProgressThrottle<ProgressReport>;
  private readonly logLimiter: LogLimiter<LogLine>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly attempt: ReportingAttempt,
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
    config: StageReportingConfig,
    /** Sends the attempt's StageStarted if it has not gone yet. */
    private readonly announce: () => void,
    gate?: JobProgressGate,
    startedAt: number = Date.now(),
  ) {
    this.progressThrottle = new ProgressThrottle(
      (report) => this.sendProgress(report),
      startedAt,
      { afterMs: config.afterMs, intervalMs: config.intervalMs },
      gate,
    );
    this.logLimiter = new LogLimiter(
      (line) => this.sendLine(line),
      (dropped) => ({ level: 'warn', message: `${dropped} lines dropped`, fields: { dropped } }),
      startedAt,
      { afterMs: config.afterMs, perSecond: config.logLinesPerSecond },
    );
  }

  readonly progress = (report: ProgressReport): void => this.progressThrottle.offer(report);

  readonly log = (level: StageLogLevel, message: string, fields: Record<string, unknown> = {}): void =>
    this.logLimiter.offer({ level, message: truncate(message), fields });

  /** The attempt ended: later calls do nothing; resolves once the reports on their way settled. */
  async close(): Promise<void> {
    this.progressThrottle.close();
    this.logLimiter.close();
    if (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private stageFields(page = this.attempt.page): StageFields {
    const { stage, stageVersion, attempt } = this.attempt;
    return page === undefined ? { stage, stageVersion, attempt } : { stage, stageVersion, attempt, page };
  }

  private sendProgress(report: ProgressReport): void {
    const message = report.message === undefined || report.message === null ? null : truncate(report.message);
    const data = {
      ...this.stageFields(report.page ?? this.attempt.page),
      done: report.done,
      total: report.total ?? null,
      unit: report.unit,
      message,
    };
    this.publish(causedEvent(this.attempt.cause, EventTypes.StageProgressed, data, this.nextId()));
  }

  private sendLine(line: LogLine): void {
    const data = { ...this.stageFields(), ...line };
    this.publish(causedEvent(this.attempt.cause, EventTypes.StageLogged, data, this.nextId()));
  }

  private nextId(): { discriminator: string } {
    this.seq += 1;
    return { discriminator: `${this.attempt.discriminator}|${this.seq}` };
  }

  private publish(event: StageProgressed | StageLogged): void {
    const context = { stage: this.attempt.stage, type: event.type };
    let encoded: EncodedEvent;
    try {
      encoded = encodeEvent(event);
    } catch (invalid) {
      this.logger.warn({ ...context, err: invalid }, 'invalid stage report dropped');
      return;
    }
    this.announce();
    const sent: Promise<void> = this.publisher
      .publish([{ topic: this.attempt.topic, event, encoded }])
      .catch((error: unknown) =>
        this.logger.warn({ ...context, err: error }, 'stage report not published; dropped'),
      )
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
  }
}

function truncate(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`;
}
