import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import { decodeEvent, PROJECTED_TOPICS } from '@app/contracts';
import {
  createKafkaClient,
  decodeHeaders,
  ensureTopics,
  LagReader,
  traceIdOf,
  type KafkaConfig,
  type Logger,
} from '@app/platform';
import { applyEvents, type ProjectableEvent } from '../job-projection';
import { createProjectionTables, PROJECTION_TABLES } from '../schema/read-model-ddl';
import { partitionByJob } from './job-partitions';
import { LogReader, logRange, messagesBetween } from './log-reader';
import { ProjectionLocks } from './rebuild-locks';
import {
  RebuildRecords,
  type ProjectionsStatus,
  type ProjectorLag,
  type RebuildRecord,
} from './rebuild-status';
import { ShadowApplier } from './shadow-applier';

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
  record: RebuildRecord;
  startedMs: number;
  batches: number;
  invalid: number;
  /** Where the time goes (logged at the end): decoding messages, writing batches. */
  decodeMs: number;
  writeMs: number;
  lastSavedMs: number;
  aborted: Error | null;
  reader: LogReader | null;
  done: Promise<RebuildRecord>;
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `20261125T120000123` -> usable in a schema name (lower case, digits). */
const stamp = (date: Date): string => date.toISOString().replace(/\D/g, '').slice(0, 17);

/**
 * Rebuilds every read model from offset 0 of the event topics into a shadow schema while the API keeps
 * serving schema `public`, then swaps the two atomically:
 *
 * 1. creates schema `rebuild_<ts>` with the projection tables (the migrations' DDL);
 * 2. replays every projected topic up to the end offsets taken at the start, decoding each message
 *    like the live consumer and folding it with the same `applyEvents`, in large batches;
 * 3. in one transaction: takes the swap lock exclusively (live projector batches hold it shared, so
 *    none is in flight), catches up with what arrived since (replaying the overlap is harmless: events
 *    are deduplicated by id), renames `public` -> `retired_<ts>` and the shadow -> `public`, moves
 *    whatever in the old `public` is not a projection (the migrations table, ...) to the new one, and
 *    commits. Readers switch at the commit.
 *
 * Any failure rolls back and drops the shadow schema: the old read models keep serving. One rebuild
 * runs at a time (a session advisory lock, across processes); progress is kept in memory and in
 * ops.projection_rebuilds.
 */
export class ProjectionRebuilder {
  private readonly kafka: Kafka;
  private readonly lag: LagReader;
  private readonly records: RebuildRecords;
  private readonly prefix: string;
  private readonly topics: readonly string[];
  private readonly batchSize: number;
  private readonly writers: number;
  private readonly swapTimeoutMs: number;
  private active: ActiveRun | null = null;
  private starting = false;
  private last: RebuildRecord | null = null;

  constructor(private readonly options: ProjectionRebuilderOptions) {
    this.kafka = createKafkaClient(options.kafka, options.logger);
    this.lag = new LagReader(this.kafka);
    this.records = new RebuildRecords(options.dataSource);
    this.prefix = options.kafka.topicPrefix;
    this.topics = options.topics ?? PROJECTED_TOPICS;
    this.batchSize = options.batchSize ?? 5000;
    this.writers = Math.max(1, options.writers ?? 2);
    this.swapTimeoutMs = options.swapTimeoutMs ?? 30_000;
  }

  private get logger(): Logger {
    return this.options.logger;
  }

  private get dataSource(): DataSource {
    return this.options.dataSource;
  }

  /** Starts a rebuild in the background; resolves once it holds the rebuild lock. */
  async start(): Promise<ProjectionsStatus> {
    const run = await this.begin();
    return this.statusOf(run.record, null);
  }

  /** Runs a rebuild to its end: the final record (state succeeded or failed). */
  async rebuild(): Promise<RebuildRecord> {
    const run = await this.begin();
    return run.done;
  }

  /** The running rebuild, else the latest recorded one, with the live projector's lag. */
  async status(): Promise<ProjectionsStatus> {
    const lag = this.readLag();
    let record = this.active?.record ?? null;
    if (!record) record = await this.records.latest().catch(() => this.last);
    return this.statusOf(record, await lag);
  }

  /** Stops a running rebuild (it fails and drops its shadow schema) and closes connections. */
  async close(): Promise<void> {
    const run = this.active;
    if (run) {
      run.aborted = new Error('interrupted: the process is shutting down');
      run.reader?.fail(run.aborted);
      await run.done.catch(() => undefined);
    }
    await this.lag.close().catch(() => undefined);
  }

  private async begin(): Promise<ActiveRun> {
    if (this.starting || this.active) throw new RebuildInProgressError();
    this.starting = true;
    let lock: QueryRunner | null = null;
    let locked = false;
    try {
      lock = this.dataSource.createQueryRunner();
      await lock.connect();
      const [row]: { locked: boolean }[] = await lock.manager.query(
        `SELECT pg_try_advisory_lock($1::bigint) AS locked`,
        [ProjectionLocks.Rebuild],
      );
      locked = row.locked;
      if (!locked)
        throw new RebuildInProgressError('a projection rebuild is already running in another process');
      const startedAt = new Date();
      const record: RebuildRecord = {
        id: randomUUID(),
        state: 'running',
        shadowSchema: `rebuild_${stamp(startedAt)}`,
        startedAt,
        finishedAt: null,
        eventsRead: 0,
        eventsApplied: 0,
        eventsTotal: 0,
        eventsPerSecond: null,
        error: null,
      };
      await this.records.save(record);
      const run: ActiveRun = {
        record,
        startedMs: performance.now(),
        batches: 0,
        invalid: 0,
        decodeMs: 0,
        writeMs: 0,
        lastSavedMs: 0,
        aborted: null,
        reader: null,
        done: Promise.resolve(record),
      };
      const held = lock;
      run.done = this.execute(run).finally(async () => {
        await held
          .query(`SELECT pg_advisory_unlock($1::bigint)`, [ProjectionLocks.Rebuild])
          .catch(() => undefined);
        await held.release().catch(() => undefined);
        this.last = run.record;
        this.active = null;
      });
      this.active = run;
      return run;
    } catch (error) {
      if (lock) {
        if (locked)
          await lock
            .query(`SELECT pg_advisory_unlock($1::bigint)`, [ProjectionLocks.Rebuild])
            .catch(() => undefined);
        await lock.release().catch(() => undefined);
      }
      throw error;
    } finally {
      this.starting = false;
    }
  }

  private async execute(run: ActiveRun): Promise<RebuildRecord> {
    const { record } = run;
    const hooks = this.options.hooks ?? {};
    const shadow = record.shadowSchema;
    const retired = `retired_${stamp(record.startedAt)}`;
    const topics = this.topics.map((topic) => this.prefix + topic);
    const log = this.logger.child({ rebuildId: record.id, shadow });
    let reader: LogReader | null = null;
    let applier: ShadowApplier | null = null;
    let swap: QueryRunner | null = null;
    const checkAborted = (): void => {
      if (run.aborted) throw run.aborted;
    };
    try {
      log.info({ topics: this.topics }, 'projection rebuild started');
      await this.dropLeftoverShadows();
      await this.createShadow(shadow);
      const deferredIndexes = await this.dropListingIndexes(shadow);
      await hooks.afterShadowCreated?.(shadow);
      checkAborted();

      await ensureTopics(this.kafka, this.options.kafka, this.topics);
      const start = await logRange(this.kafka, topics);
      record.eventsTotal = messagesBetween(start.low, start.high);
      await this.saveProgress(run, true);

      applier = new ShadowApplier(
        async (events) => {
          const began = performance.now();
          try {
            return await this.applyInShadow(shadow, events);
          } finally {
            run.writeMs += performance.now() - began;
          }
        },
        this.batchSize,
        async (_read, applied) => {
          record.eventsApplied += applied;
          run.batches += 1;
          await hooks.afterBatch?.({
            batches: run.batches,
            eventsRead: record.eventsRead,
            eventsApplied: record.eventsApplied,
          });
          await this.saveProgress(run, false);
        },
        (error) => reader?.fail(error),
      );
      const sinkTo = applier;
      reader = new LogReader(
        this.kafka,
        `${this.prefix}projection-rebuild.${record.id}`,
        topics,
        (topic, partition, messages) => sinkTo.add(this.decode(run, topic, partition, messages)),
      );
      run.reader = reader;
      checkAborted();
      await reader.start(start.low);
      await reader.waitUntil(start.high);
      await applier.drain();
      checkAborted();
      log.info(
        { eventsRead: record.eventsRead, eventsApplied: record.eventsApplied, seconds: this.elapsed(run) },
        'log replayed into the shadow schema; swapping',
      );
      for (const definition of deferredIndexes) await this.dataSource.query(definition);
      await this.dataSource.query(
        `ANALYZE ${PROJECTION_TABLES.map((table) => `${ident(shadow)}.${ident(table)}`).join(', ')}`,
      );

      record.state = 'swapping';
      await this.saveProgress(run, true);
      swap = this.dataSource.createQueryRunner();
      await swap.connect();
      await swap.startTransaction();
      const timeout = `${this.swapTimeoutMs}ms`;
      await swap.query(
        `SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $1, true)`,
        [timeout],
      );
      // From here until the commit no live projection batch runs; readers keep reading `public`.
      await swap.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [ProjectionLocks.Swap]);
      await swap.query(`SELECT set_config('search_path', $1, true)`, [ident(shadow)]);
      const manager = swap.manager;
      await applier.switchSink((events) => applyEvents(manager, events));
      const end = await logRange(this.kafka, topics);
      record.eventsTotal += messagesBetween(start.high, end.high);
      await reader.waitUntil(end.high, this.swapTimeoutMs);
      await reader.stop();
      await applier.drain();
      applier.close();
      checkAborted();
      await hooks.beforeSwap?.();
      await this.swapSchemas(swap, shadow, retired);
      await swap.commitTransaction();
      record.state = 'succeeded';
      record.finishedAt = new Date();
      record.eventsPerSecond = this.rate(run);
      log.info(
        {
          eventsRead: record.eventsRead,
          eventsApplied: record.eventsApplied,
          invalid: run.invalid,
          seconds: this.elapsed(run),
          eventsPerSecond: Math.round(record.eventsPerSecond),
          batches: run.batches,
          decodeSeconds: run.decodeMs / 1000,
          writeSeconds: run.writeMs / 1000,
          retired,
        },
        'projection rebuild swapped in',
      );
      await this.dropRetired(log);
    } catch (error) {
      record.state = 'failed';
      record.finishedAt = new Date();
      record.eventsPerSecond = this.rate(run);
      record.error = error instanceof Error ? error.message : String(error);
      log.error({ err: error }, 'projection rebuild failed; the current read models stay in place');
      applier?.close();
      reader?.fail(error);
      await reader?.stop();
      if (swap?.isTransactionActive) await swap.rollbackTransaction().catch(() => undefined);
      await this.dataSource
        .query(`DROP SCHEMA IF EXISTS ${ident(shadow)} CASCADE`)
        .catch((dropError: unknown) => log.warn({ err: dropError }, 'could not drop the shadow schema'));
    } finally {
      await swap?.release().catch(() => undefined);
      if (reader) {
        await reader.stop();
        await reader.deleteGroup();
      }
      await this.records
        .save(record)
        .catch((error: unknown) => log.warn({ err: error }, 'could not record the rebuild'));
    }
    return record;
  }

  private decode(
    run: ActiveRun,
    topic: string,
    partition: number,
    messages: KafkaMessage[],
  ): ProjectableEvent[] {
    const began = performance.now();
    const logical = topic.slice(this.prefix.length);
    const out: ProjectableEvent[] = [];
    for (const message of messages) {
      run.record.eventsRead += 1;
      const decoded = decodeEvent(message.value);
      // The live consumer dead-lettered it; a rebuild skips it the same way.
      if (!decoded.ok) {
        run.invalid += 1;
        continue;
      }
      out.push({
        event: decoded.event,
        topic: logical,
        partition,
        offset: message.offset,
        traceId: traceIdOf(decodeHeaders(message.headers)),
      });
    }
    run.decodeMs += performance.now() - began;
    return out;
  }

  private async applyInShadow(shadow: string, events: ProjectableEvent[]): Promise<number> {
    // allSettled: a failure is reported once every transaction of the batch has ended.
    const outcomes = await Promise.allSettled(
      partitionByJob(events, this.writers).map((part) =>
        this.dataSource.transaction(async (manager) => {
          // Durability of a shadow batch is not needed before the swap (a crash drops the shadow anyway).
          await manager.query(
            `SELECT set_config('search_path', $1, true), set_config('synchronous_commit', 'off', true)`,
            [ident(shadow)],
          );
          return applyEvents(manager, part);
        }),
      ),
    );
    let applied = 0;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') throw outcome.reason;
      applied += outcome.value;
    }
    return applied;
  }

  private async createShadow(shadow: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`CREATE SCHEMA ${ident(shadow)}`);
      await manager.query(`SELECT set_config('search_path', $1, true)`, [ident(shadow)]);
      await createProjectionTables(manager);
    });
  }

  /**
   * Drops the shadow's indexes on `jobs` that only the API's listings use (not its primary key, which
   * the fold's upserts need) and returns their definitions, to create them again once the log is
   * replayed: one sort per index instead of index entries for every one of a job's row versions (and
   * without them a job row's updates can be HOT).
   */
  private async dropListingIndexes(shadow: string): Promise<string[]> {
    const indexes: { name: string; definition: string }[] = await this.dataSource.query(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = $1::regclass AND NOT x.indisprimary AND NOT x.indisunique
       ORDER BY i.relname`,
      [`${ident(shadow)}.jobs`],
    );
    for (const { name } of indexes) await this.dataSource.query(`DROP INDEX ${ident(shadow)}.${ident(name)}`);
    return indexes.map((index) => index.definition);
  }

  /** Shadow schemas of rebuilds whose process died (we hold the rebuild lock: none is in use). */
  private async dropLeftoverShadows(): Promise<void> {
    const rows: { nspname: string }[] = await this.dataSource.query(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild\\_%'`,
    );
    for (const { nspname } of rows) await this.dataSource.query(`DROP SCHEMA ${ident(nspname)} CASCADE`);
  }

  /**
   * Inside the swap transaction: the shadow becomes `public`. Whatever else lived in the old `public`
   * (not a projection: the migrations table, tables added later, their sequences, views, functions,
   * types, relocatable extensions) moves to the new one, so only the projection tables retire.
   */
  private async swapSchemas(swap: QueryRunner, shadow: string, retired: string): Promise<void> {
    await swap.query(`ALTER SCHEMA public RENAME TO ${ident(retired)}`);
    await swap.query(`ALTER SCHEMA ${ident(shadow)} RENAME TO public`);
    await swap.query(`GRANT USAGE ON SCHEMA public TO PUBLIC`);
    await swap.query(`COMMENT ON SCHEMA public IS 'standard public schema'`);
    const extensions: { extname: string; extrelocatable: boolean }[] = await swap.manager.query(
      `SELECT extname, extrelocatable FROM pg_extension WHERE extnamespace = $1::regnamespace`,
      [retired],
    );
    for (const { extname, extrelocatable } of extensions) {
      if (!extrelocatable) throw new Error(`extension ${extname} lives in schema public and cannot be moved`);
      await swap.query(`ALTER EXTENSION ${ident(extname)} SET SCHEMA public`);
    }
    const notMember = (catalog: string, column: string): string =>
      `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${column} AND d.deptype IN ('a', 'i', 'e'))`;
    const relations: { relname: string; relkind: string }[] = await swap.manager.query(
      `SELECT c.relname, c.relkind FROM pg_class c
       WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
         AND NOT (c.relname = ANY($2::text[])) AND ${notMember('pg_class', 'c.oid')}`,
      [retired, PROJECTION_TABLES],
    );
    const kinds: Record<string, string> = {
      r: 'TABLE',
      p: 'TABLE',
      v: 'VIEW',
      m: 'MATERIALIZED VIEW',
      S: 'SEQUENCE',
      f: 'FOREIGN TABLE',
    };
    for (const { relname, relkind } of relations) {
      await swap.query(`ALTER ${kinds[relkind]} ${ident(retired)}.${ident(relname)} SET SCHEMA public`);
    }
    const routines: { signature: string; prokind: string }[] = await swap.manager.query(
      `SELECT p.oid::regprocedure::text AS signature, p.prokind FROM pg_proc p
       WHERE p.pronamespace = $1::regnamespace AND ${notMember('pg_proc', 'p.oid')}`,
      [retired],
    );
    for (const { signature, prokind } of routines) {
      await swap.query(`ALTER ${prokind === 'a' ? 'AGGREGATE' : 'ROUTINE'} ${signature} SET SCHEMA public`);
    }
    const types: { name: string; typtype: string }[] = await swap.manager.query(
      `SELECT t.oid::regtype::text AS name, t.typtype FROM pg_type t
       WHERE t.typnamespace = $1::regnamespace AND ${notMember('pg_type', 't.oid')}
         AND (t.typtype IN ('e', 'd', 'r')
              OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))`,
      [retired],
    );
    for (const { name, typtype } of types) {
      await swap.query(`ALTER ${typtype === 'd' ? 'DOMAIN' : 'TYPE'} ${name} SET SCHEMA public`);
    }
  }

  /**
   * Keeps the newest `keepRetired` retired schemas (for inspection or a manual rollback) and drops the
   * rest, without CASCADE: a schema something else still depends on stays, with a warning.
   */
  private async dropRetired(log: Logger): Promise<void> {
    const keep = this.options.keepRetired ?? 1;
    const rows: { nspname: string }[] = await this.dataSource.query(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'retired\\_%' ORDER BY nspname DESC`,
    );
    for (const { nspname } of rows.slice(keep)) {
      try {
        await this.dataSource.transaction(async (manager) => {
          const tables: { relname: string }[] = await manager.query(
            `SELECT relname FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind IN ('r', 'p')`,
            [nspname],
          );
          if (tables.length > 0)
            await manager.query(
              `DROP TABLE ${tables.map((t) => `${ident(nspname)}.${ident(t.relname)}`).join(', ')}`,
            );
          await manager.query(`DROP SCHEMA ${ident(nspname)}`);
        });
      } catch (error) {
        log.warn(
          { err: error, schema: nspname },
          'kept a retired read-model schema: something depends on it',
        );
      }
    }
  }

  private async saveProgress(run: ActiveRun, force: boolean): Promise<void> {
    const now = Date.now();
    if (!force && now - run.lastSavedMs < 1000) return;
    run.lastSavedMs = now;
    run.record.eventsPerSecond = this.rate(run);
    await this.records.save(run.record);
  }

  private elapsed(run: ActiveRun): number {
    return (performance.now() - run.startedMs) / 1000;
  }

  private rate(run: ActiveRun): number {
    const seconds = this.elapsed(run);
    return seconds > 0 ? run.record.eventsRead / seconds : 0;
  }

  private async readLag(): Promise<ProjectorLag | null> {
    const group = this.options.projectorGroupId;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), 2000);
    });
    const read = (async (): Promise<ProjectorLag> => {
      const partitions = await this.lag.read(
        this.prefix + group,
        this.topics.map((topic) => this.prefix + topic),
      );
      const perTopic: Record<string, number> = {};
      let total = 0;
      for (const p of partitions) {
        const topic = p.topic.slice(this.prefix.length);
        perTopic[topic] = (perTopic[topic] ?? 0) + p.lag;
        total += p.lag;
      }
      return { group, total, perTopic };
    })().catch(() => null);
    try {
      return await Promise.race([read, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private statusOf(record: RebuildRecord | null, lag: ProjectorLag | null): ProjectionsStatus {
    if (!record) {
      return {
        state: 'idle',
        rebuildId: null,
        startedAt: null,
        finishedAt: null,
        eventsRead: 0,
        eventsApplied: 0,
        eventsTotal: 0,
        progress: null,
        eventsPerSecond: null,
        error: null,
        lag,
      };
    }
    const active = this.active?.record === record ? this.active : null;
    return {
      state: record.state,
      rebuildId: record.id,
      startedAt: record.startedAt.toISOString(),
      finishedAt: record.finishedAt?.toISOString() ?? null,
      eventsRead: record.eventsRead,
      eventsApplied: record.eventsApplied,
      eventsTotal: record.eventsTotal,
      progress: record.eventsTotal > 0 ? Math.min(1, record.eventsApplied / record.eventsTotal) : null,
      eventsPerSecond: active ? this.rate(active) : record.eventsPerSecond,
      error: record.error,
      lag,
    };
  }
}
