import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { PROJECTED_TOPICS } from '@app/contracts';
import { createKafkaClient, ensureTopics, LagReader, type KafkaConfig, type Logger } from '@app/platform';
import { deferListingIndexes, restoreIndexes } from './index-deferral';
import { logRange, messagesBetween } from './log-reader';
import { readProjectorLag } from './projector-lag';
import { RebuildLock } from './rebuild-locks';
import { projectionsStatus, RebuildProgress } from './rebuild-progress';
import { RebuildRecords, type ProjectionsStatus, type RebuildRecord } from './rebuild-status';
import { rebuildSchemaNames } from './schema-names';
import { SchemaSwap } from './schema-swap';
import { ShadowReplay } from './shadow-replay';
import { ShadowSchemas } from './shadow-schema';

/** A rebuild was asked for while one is running (here or in another process). */
export class RebuildInProgressError extends Error {
  constructor(message = 'a projection rebuild is already running') {
    super(message);
    this.name = 'RebuildInProgressError';
  }
}

/** Points where tests (fault injection) and tools can observe or interrupt a rebuild. */
export interface RebuildHooks {
  /** The shadow schema and its empty tables exist; the replay has not started. */
  afterShadowCreated?(schema: string): Promise<void> | void;
  /** A batch was committed to the shadow schema. */
  afterBatch?(progress: { batches: number; eventsRead: number; eventsApplied: number }): Promise<void> | void;
  /** Inside the swap transaction (live projection held off, catch-up done), just before the renames. */
  beforeSwap?(): Promise<void> | void;
}

export interface ProjectionRebuilderOptions {
  dataSource: DataSource;
  kafka: KafkaConfig;
  logger: Logger;
  /** The live projector's consumer group (without the topic prefix): its lag is reported. */
  projectorGroupId: string;
  /** Logical topic names (default: every projected topic). */
  topics?: readonly string[];
  /** Events per shadow batch (default 5000). */
  batchSize?: number;
  /**
   * Concurrent transactions a shadow batch is folded in, each with its share of the batch's jobs
   * (default 2: PostgreSQL, not the reader, is the bottleneck of a rebuild).
   */
  writers?: number;
  /** Retired read-model schemas kept after a successful swap, newest first (default 1). */
  keepRetired?: number;
  /** Bound on waiting for the swap lock and on the final catch-up (default 30 s). */
  swapTimeoutMs?: number;
  hooks?: RebuildHooks;
}

interface ActiveRun {
  progress: RebuildProgress;
  replay: ShadowReplay | null;
  aborted: Error | null;
  done: Promise<RebuildRecord>;
}

/**
 * Rebuilds every read model from offset 0 of the event topics into a shadow schema while the API keeps
 * serving schema `public`, then swaps the two atomically (see docs/operations.md):
 *
 * 1. creates schema `rebuild_<ts>` with the projection tables, listing indexes deferred (ShadowSchemas,
 *    deferListingIndexes);
 * 2. replays every projected topic up to the end offsets taken at the start (ShadowReplay);
 * 3. in one transaction holding off the live projector (SchemaSwap): catches up with what arrived since
 *    (replaying the overlap is harmless: events are deduplicated by id), renames `public` ->
 *    `retired_<ts>` and the shadow -> `public`, and commits. Readers switch at the commit.
 *
 * Any failure rolls back and drops the shadow schema: the old read models keep serving. One rebuild
 * runs at a time (RebuildLock, across processes); progress is kept in memory and in
 * ops.projection_rebuilds (RebuildProgress).
 */
export class ProjectionRebuilder {
  private readonly kafka: Kafka;
  private readonly lag: LagReader;
  private readonly records: RebuildRecords;
  private readonly schemas: ShadowSchemas;
  private readonly topics: readonly string[];
  private active: ActiveRun | null = null;
  private starting = false;
  private last: RebuildRecord | null = null;

  constructor(private readonly options: ProjectionRebuilderOptions) {
    this.kafka = createKafkaClient(options.kafka, options.logger);
    this.lag = new LagReader(this.kafka);
    this.records = new RebuildRecords(options.dataSource);
    this.schemas = new ShadowSchemas(options.dataSource);
    this.topics = options.topics ?? PROJECTED_TOPICS;
  }

  /** Starts a rebuild in the background; resolves once it holds the rebuild lock. */
  async start(): Promise<ProjectionsStatus> {
    const { progress } = await this.begin();
    return projectionsStatus(progress.record, null, progress.rate());
  }

  /** Runs a rebuild to its end: the final record (state succeeded or failed). */
  async rebuild(): Promise<RebuildRecord> {
    return (await this.begin()).done;
  }

  /** The running rebuild, else the latest recorded one, with the live projector's lag. */
  async status(): Promise<ProjectionsStatus> {
    const { topicPrefix: prefix } = this.options.kafka;
    const lag = readProjectorLag(this.lag, {
      prefix,
      group: this.options.projectorGroupId,
      topics: this.topics,
    });
    const record = this.active?.progress.record ?? (await this.records.latest().catch(() => this.last));
    const [projectorLag, live] = [await lag, this.active?.progress];
    return projectionsStatus(record, projectorLag, live && live.record === record ? live.rate() : null);
  }

  /** Stops a running rebuild (it fails and drops its shadow schema) and closes connections. */
  async close(): Promise<void> {
    const run = this.active;
    if (run) {
      run.aborted = new Error('interrupted: the process is shutting down');
      run.replay?.interrupt(run.aborted);
      await run.done.catch(() => undefined);
    }
    await this.lag.close().catch(() => undefined);
  }

  private async begin(): Promise<ActiveRun> {
    if (this.starting || this.active) throw new RebuildInProgressError();
    this.starting = true;
    try {
      const lock = await RebuildLock.tryAcquire(this.options.dataSource);
      if (!lock)
        throw new RebuildInProgressError('a projection rebuild is already running in another process');
      try {
        const progress = new RebuildProgress(new Date(), (record) => this.records.save(record));
        await this.records.save(progress.record);
        const run: ActiveRun = {
          progress,
          replay: null,
          aborted: null,
          done: Promise.resolve(progress.record),
        };
        run.done = this.execute(run).finally(async () => {
          await lock.release();
          this.last = progress.record;
          this.active = null;
        });
        this.active = run;
        return run;
      } catch (error) {
        await lock.release();
        throw error;
      }
    } finally {
      this.starting = false;
    }
  }

  private async execute(run: ActiveRun): Promise<RebuildRecord> {
    const { progress } = run;
    const { record } = progress;
    const { dataSource, hooks = {}, kafka: config } = this.options;
    const { shadow, retired } = rebuildSchemaNames(record.startedAt);
    const topics = this.topics.map((topic) => config.topicPrefix + topic);
    const log = this.options.logger.child({ rebuildId: record.id, shadow });
    const checkAborted = (): void => {
      if (run.aborted) throw run.aborted;
    };
    let swap: SchemaSwap | null = null;
    try {
      log.info({ topics: this.topics }, 'projection rebuild started');
      await this.schemas.dropLeftovers();
      await this.schemas.create(shadow);
      const deferredIndexes = await deferListingIndexes(dataSource, shadow);
      await hooks.afterShadowCreated?.(shadow);
      checkAborted();

      await ensureTopics(this.kafka, config, this.topics);
      const start = await logRange(this.kafka, topics);
      record.eventsTotal = messagesBetween(start.low, start.high);
      await progress.checkpoint(true);
      const replay = (run.replay = this.shadowReplay(progress, shadow, topics));
      checkAborted();
      await replay.replay(start);
      checkAborted();
      const { eventsRead, eventsApplied } = record;
      log.info(
        { eventsRead, eventsApplied, seconds: progress.seconds },
        'log replayed into the shadow schema; swapping',
      );
      await restoreIndexes(dataSource, deferredIndexes);
      await this.schemas.analyze(shadow);

      record.state = 'swapping';
      await progress.checkpoint(true);
      const swapTimeoutMs = this.options.swapTimeoutMs ?? 30_000;
      swap = await SchemaSwap.begin(dataSource, shadow, swapTimeoutMs);
      await replay.catchUp(swap.manager, start, swapTimeoutMs);
      checkAborted();
      await hooks.beforeSwap?.();
      await swap.swapIn(shadow, retired);
      await swap.commit();
      progress.finish(null);
      log.info({ ...progress.summary(), retired }, 'projection rebuild swapped in');
      await this.schemas.pruneRetired(this.options.keepRetired ?? 1, log);
    } catch (error) {
      progress.finish({ error });
      log.error({ err: error }, 'projection rebuild failed; the current read models stay in place');
      await run.replay?.abort(error);
      await swap?.abort();
      await this.schemas
        .drop(shadow)
        .catch((dropError: unknown) => log.warn({ err: dropError }, 'could not drop the shadow schema'));
    } finally {
      await swap?.release();
      await run.replay?.dispose();
      await this.records
        .save(record)
        .catch((error: unknown) => log.warn({ err: error }, 'could not record the rebuild'));
    }
    return record;
  }

  private shadowReplay(progress: RebuildProgress, shadow: string, topics: string[]): ShadowReplay {
    const { dataSource, hooks, kafka: config } = this.options;
    return new ShadowReplay({
      kafka: this.kafka,
      dataSource,
      groupId: `${config.topicPrefix}projection-rebuild.${progress.record.id}`,
      topics,
      prefix: config.topicPrefix,
      shadow,
      batchSize: this.options.batchSize ?? 5000,
      writers: Math.max(1, this.options.writers ?? 2),
      progress,
      afterBatch: (batch) => hooks?.afterBatch?.(batch),
    });
  }
}
