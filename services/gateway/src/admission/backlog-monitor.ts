import { JOB_TYPES, type JobType } from '@app/contracts';
import { isStageWorkerGroup, type GroupProgress, type Logger, type PlatformMetrics } from '@app/platform';
import type { BacklogSources, StageGroup } from './backlog-sources';

/** What the monitor needs from Kafka (ConsumerGroupInspector in production). */
export interface GroupProgressReader {
  groupIds(): Promise<string[]>;
  progress(groups: StageGroup[]): Promise<GroupProgress[]>;
}

export interface BacklogSample {
  /** Messages the job type's stage groups have not committed yet. */
  backlog: number;
  /** Messages per second the groups consume (smoothed); null until two samples exist. */
  drainPerSecond: number | null;
  /** When the sample was taken (ms since epoch). */
  sampledAt: number;
}

/**
 * Samples each job type's backlog in the background, so admission decisions never wait on Kafka. A
 * type is sampled every `pollMs` while it has demand (a submission of that type since its last sample)
 * or a backlog, every `idlePollMs` otherwise: each stage group costs a few Kafka requests (its
 * coordinator, its offsets, its topics' end offsets), so sampling every type every second was about 55
 * requests a second at 200 scrape jobs/s, a tenth of the broker's, of which the idle risk and document
 * groups were most. A failed sample keeps the previous one, which then ages; the caller decides how old
 * is too old.
 */
export class BacklogMonitor {
  private readonly samples = new Map<JobType, BacklogSample & { consumed: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failing = false;
  private stopped = false;
  /** Types submitted since their last sample. */
  private readonly demanded = new Set<JobType>();
  private sampling = false;
  private lastSampleStartedAt = 0;
  private idleWait = false;

  constructor(
    private readonly reader: GroupProgressReader,
    private readonly sources: BacklogSources,
    private readonly pollMs: number,
    private readonly metrics: PlatformMetrics,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly idlePollMs: number = pollMs,
  ) {}

  /** A job of `type` was submitted: sample it at the `pollMs` pace again (at once if its last sample is that old). */
  noteDemand(type: JobType): void {
    this.demanded.add(type);
    if (!this.idleWait || this.sampling || this.stopped) return;
    clearTimeout(this.timer);
    this.schedule(Math.max(0, this.lastSampleStartedAt + this.pollMs - this.now()));
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  current(type: JobType): BacklogSample | undefined {
    const sample = this.samples.get(type);
    return (
      sample && {
        backlog: sample.backlog,
        drainPerSecond: sample.drainPerSecond,
        sampledAt: sample.sampledAt,
      }
    );
  }

  /** One sample of the backlog of `types` (default every job type). */
  async sample(types: readonly JobType[] = JOB_TYPES): Promise<void> {
    if (types.length === 0) return;
    const existing = await this.reader.groupIds();
    const groupsByType = new Map<JobType, StageGroup[]>();
    for (const type of types) {
      const base = this.sources[type];
      const extra = existing
        .filter((id) => base.some((group) => id !== group.groupId && isStageWorkerGroup(id, group.groupId)))
        .map((groupId) => ({ groupId, inputTopics: [] }));
      groupsByType.set(type, [...base, ...extra]);
    }
    const unique = new Map<string, StageGroup>();
    for (const group of [...groupsByType.values()].flat()) unique.set(group.groupId, group);
    const progress = new Map((await this.reader.progress([...unique.values()])).map((p) => [p.groupId, p]));
    const at = this.now();
    for (const [type, groups] of groupsByType) {
      const backlog = groups.reduce((sum, g) => sum + (progress.get(g.groupId)?.lag ?? 0), 0);
      const consumed = groups.reduce((sum, g) => sum + (progress.get(g.groupId)?.consumed ?? 0), 0);
      const previous = this.samples.get(type);
      this.samples.set(type, {
        backlog,
        consumed,
        sampledAt: at,
        drainPerSecond: drainRate(previous, consumed, at),
      });
      this.metrics.admissionBacklog.set({ type }, backlog);
    }
  }

  /** `pollMs` while jobs arrive or wait, `idlePollMs` on an idle system. */
  private nextDelay(): number {
    const backlog = [...this.samples.values()].some((sample) => sample.backlog > 0);
    return this.demanded.size > 0 || backlog ? this.pollMs : this.idlePollMs;
  }

  /** Types with demand or a backlog, never sampled, or last sampled an idle interval ago. */
  private dueTypes(at: number): JobType[] {
    return JOB_TYPES.filter((type) => {
      const sample = this.samples.get(type);
      return (
        !sample || this.demanded.has(type) || sample.backlog > 0 || at - sample.sampledAt >= this.idlePollMs
      );
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.idleWait = delayMs > this.pollMs;
    this.timer = setTimeout(() => {
      this.idleWait = false;
      this.sampling = true;
      this.lastSampleStartedAt = this.now();
      const due = this.dueTypes(this.lastSampleStartedAt);
      this.demanded.clear();
      this.running = this.sample(due)
        .then(() => {
          if (this.failing) this.logger.info('backlog sampling recovered');
          this.failing = false;
        })
        .catch((error: unknown) => {
          if (!this.failing) this.logger.warn({ err: error }, 'could not sample the stage backlog; retrying');
          this.failing = true;
        })
        .finally(() => {
          this.sampling = false;
          this.schedule(this.nextDelay());
        });
    }, delayMs);
    this.timer.unref();
  }
}

/** Consumption rate, smoothed over recent samples; a group reset or a new group can make it go back. */
function drainRate(
  previous: { consumed: number; sampledAt: number; drainPerSecond: number | null } | undefined,
  consumed: number,
  at: number,
): number | null {
  if (!previous || at <= previous.sampledAt) return previous?.drainPerSecond ?? null;
  const rate = ((consumed - previous.consumed) * 1000) / (at - previous.sampledAt);
  if (rate < 0) return previous.drainPerSecond;
  return previous.drainPerSecond === null ? rate : 0.7 * previous.drainPerSecond + 0.3 * rate;
}
