import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../logging/logger';
import { createBatchConsumer, exitWhenCrashedForGood, runBatches } from './batch-consumer-support';
import { readMessage } from './consumed-message';
import { headerValue } from './message-headers';
import type { BatchContext, ConsumedEvent, EventSubscriptionOptions } from './event-consumer';
import type { PartitionOffset } from './group-offset-reset';
import { OffsetTracker, type OffsetTicket } from './offset-tracker';
import type { Admission } from './per-job-concurrency';

/** What a continuous intake runs: one event's work at a time, admitted through shared slots. */
export interface IntakeHandler {
  /** Whether the event needs work at all (those that need none are done as soon as they are read). */
  wants(event: ConsumedEvent): boolean;
  /**
   * True when a message's headers alone show it is not this handler's work (another job type's
   * request on a shared request topic): it is done without being decoded. Undefined or false: decode.
   */
  passesOver?(header: (name: string) => string | undefined): boolean;
  /** How events wait for a slot while the given fetched batch is read (see `admitByPriority`). */
  admission(batch: BatchContext): Admission;
  /** The event's work; must reject if any output was not acknowledged, or the service is stopping. */
  process(event: ConsumedEvent): Promise<void>;
}

export interface ContinuousIntakeOptions extends EventSubscriptionOptions {
  handler: IntakeHandler;
  /** Finished offsets are committed at most this often (default 100 ms). */
  commitIntervalMs?: number;
  /** On stop, how long to wait for work in flight (already told to stop) before leaving (default 10 s). */
  drainTimeoutMs?: number;
  /**
   * After a batch of fewer than GATHER_BELOW records, wait this long before the next fetch (default 0:
   * none). At a moderate rate each fetch returns at its first record, so a stage fetched once per job;
   * waiting lets the next fetch carry what arrived meanwhile. Work already taken is not delayed, and an
   * idle consumer is not either: its empty fetches wait in the broker and reach no handler.
   */
  gatherMs?: number;
}

/** A fetched batch smaller than this is followed by the `gatherMs` wait. */
const GATHER_BELOW = 8;

/**
 * A consumer whose work is not gated by its fetched batches (for stages): it takes each record as soon
 * as the handler admits it (a free slot), starts its work and reads on, so a slow job never holds back
 * the jobs fetched with it. Events of one job run one after another. Offsets are committed per
 * partition up to the lowest unfinished record (the contiguous done prefix, see `OffsetTracker`), in
 * commits batched every `commitIntervalMs`: never past a record whose outputs were not acknowledged.
 *
 * KafkaJS details this relies on (2.2.4, `autoCommit: false`): the next fetch of a partition starts at
 * its resolved offset, so each admitted record is resolved at once; resolved offsets are never
 * committed implicitly (not on rebalance, stop or disconnect: autoCommit is off and no interval or
 * threshold is set), only the explicit commits made here. A failed record seeks its partition back to
 * its offset (the records from there on are delivered again; outputs have deterministic ids). A
 * rebalance forgets every partition's progress: work still running for it completes but commits
 * nothing, and whoever holds the partition next reads it again from the last commit.
 */
export class ContinuousIntake {
  private readonly consumer: Consumer;
  private readonly tracker = new OffsetTracker();
  private running = false;
  /** Bumped on every (re)join: work taken in an older generation never commits. */
  private generation = 0;
  /** Between a rebalance starting and the next join, commits would be refused: make none. */
  private rebalancing = false;
  private assignment: Record<string, number[]> = {};
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  /** The tail of each job's work in flight: a job's next event starts after it. */
  private readonly jobTails = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private commitAgain = false;

  constructor(
    kafka: Kafka,
    private readonly options: ContinuousIntakeOptions,
    private readonly logger: Logger,
  ) {
    this.consumer = createBatchConsumer(kafka, options.groupId, {
      sessionTimeoutMs: options.sessionTimeoutMs,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs,
    });
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Records taken and not finished (for tests and metrics). */
  get unfinished(): number {
    return this.tracker.unfinished;
  }

  private get prefix(): string {
    return this.options.topicPrefix ?? '';
  }

  private get deadLetterGroup(): string {
    return this.options.deadLetterGroup ?? this.options.groupId;
  }

  async start(): Promise<void> {
    exitWhenCrashedForGood(this.consumer, this.options.groupId, this.logger, () => this.running);
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.rebalancing = true;
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assignment = payload.memberAssignment;
      this.generation += 1;
      this.rebalancing = false;
      this.tracker.revokeAll();
    });
    await runBatches(
      this.consumer,
      this.options,
      (payload) => this.intake(payload),
      () => (this.running = true),
    );
    this.logger.info(
      { group: this.options.groupId, topics: this.options.topics },
      'continuous intake started',
    );
  }

  /**
   * Stops taking records, waits (bounded) for the work in flight, commits what finished, and leaves
   * the group. Work that did not finish is not committed: it is delivered again.
   */
  async stop(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    if (wasRunning) {
      await settledWithin([...this.inFlight], this.options.drainTimeoutMs ?? 10_000);
      await this.commitFinished(true);
    }
    await this.consumer.disconnect();
  }

  /** Reads one fetched batch: admits and starts each record's work, without waiting for it. */
  private async intake(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const topic = batch.topic.slice(this.prefix.length);
    const generation = this.generation;
    const current = (): boolean =>
      this.running && payload.isRunning() && !payload.isStale() && generation === this.generation;
    const context: BatchContext = { heartbeat: () => payload.heartbeat(), isActive: current };
    const admit = this.options.handler.admission(context);
    let readAll = true;
    try {
      for (const message of batch.messages) {
        if (!current()) {
          readAll = false;
          break;
        }
        if (this.options.handler.passesOver?.((name) => headerValue(message.headers, name))) {
          this.tracker.take(batch.topic, batch.partition, message.offset).done();
          payload.resolveOffset(message.offset);
          continue;
        }
        const read = readMessage(message, topic, batch.partition, this.deadLetterGroup);
        if (!read.ok) {
          this.logger.warn(
            { topic, partition: batch.partition, offset: message.offset, reason: read.reason },
            'dead-lettering an invalid message',
          );
          // Rare: published before moving on, so the record counts as done once it is taken.
          await this.options.deadLetters.publishRaw([read.deadLetter]);
          this.options.metrics?.deadLetters.inc({ group: this.deadLetterGroup, reason: 'invalidMessage' });
          if (!current()) {
            readAll = false;
            break;
          }
          this.tracker.take(batch.topic, batch.partition, message.offset).done();
          payload.resolveOffset(message.offset);
          continue;
        }
        const { consumed } = read;
        const due = this.options.dueAt?.(consumed.event) ?? null;
        if (due !== null && due > Date.now()) {
          this.waitUntil(batch.topic, batch.partition, message.offset, due);
          readAll = false;
          break;
        }
        if (!this.options.handler.wants(consumed)) {
          this.tracker.take(batch.topic, batch.partition, message.offset).done();
          payload.resolveOffset(message.offset);
          continue;
        }
        let release: () => void;
        try {
          release = await admit(consumed);
        } catch (error) {
          // Gave up waiting because the batch went stale (stopping, sought back): read it again later.
          // Anything else (a rebalance seen by a heartbeat) goes to KafkaJS, which rejoins.
          if (current()) throw error;
          readAll = false;
          break;
        }
        if (!current()) {
          // Revoked, stopping or sought back while waiting: the record is delivered again.
          release();
          readAll = false;
          break;
        }
        const ticket = this.tracker.take(batch.topic, batch.partition, message.offset);
        payload.resolveOffset(message.offset);
        this.begin(consumed, ticket, release);
      }
      // Past the batch's last record (e.g. a transaction's control record), if it was read to its end.
      if (readAll && batch.messages.length > 0) {
        this.tracker.skipTo(batch.topic, batch.partition, (BigInt(batch.lastOffset()) + 1n).toString());
        payload.resolveOffset(batch.lastOffset());
      }
    } finally {
      this.commitSoon();
    }
    // KafkaJS fetches again once every batch of the last fetch was read: holding this one back gathers.
    const gatherMs = this.options.gatherMs ?? 0;
    if (gatherMs > 0 && readAll && batch.messages.length < GATHER_BELOW && current()) {
      await new Promise((resolve) => setTimeout(resolve, gatherMs));
    }
  }

  /** Starts one admitted record's work after its job's earlier work; settles its ticket. */
  private begin(consumed: ConsumedEvent, ticket: OffsetTicket, release: () => void): void {
    const { jobId } = consumed.event;
    const before = this.jobTails.get(jobId);
    const work = (async (): Promise<void> => {
      if (before) await before;
      // Its partition was sought back or revoked meanwhile: it is delivered again, do not run it now.
      if (!ticket.alive) return;
      await this.options.handler.process(consumed);
    })();
    const tail = work.then(
      () => {
        ticket.done();
        this.commitSoon();
      },
      (error: unknown) => this.failed(ticket, error),
    );
    const settled = tail.finally(() => {
      release();
      this.inFlight.delete(settled);
      if (this.jobTails.get(jobId) === settled) this.jobTails.delete(jobId);
    });
    this.jobTails.set(jobId, settled);
    this.inFlight.add(settled);
  }

  /**
   * A record's work failed (an output not acknowledged, the service stopping): nothing at or past it
   * may be committed, so its partition is read again from it.
   */
  private failed(ticket: OffsetTicket, error: unknown): void {
    if (!ticket.alive) return;
    const { topic, partition, offset } = ticket;
    this.tracker.rewind(topic, partition, offset);
    if (!this.running) return;
    this.logger.warn(
      { err: error, group: this.options.groupId, topic, partition, offset },
      'work failed; reading the partition again from its offset',
    );
    try {
      this.consumer.seek({ topic, partition, offset });
    } catch (seekError: unknown) {
      this.logger.debug({ err: seekError, topic, partition }, 'seek after a failure refused');
    }
  }

  private commitSoon(): void {
    if (this.commitTimer || !this.running) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.commitFinished(false);
    }, this.options.commitIntervalMs ?? 100);
  }

  /** Commits every partition's done prefix that moved; one commit at a time. */
  private async commitFinished(final: boolean): Promise<void> {
    if (this.committing) {
      this.commitAgain = true;
      await this.committing;
      if (!final) return;
    }
    const due = this.rebalancing ? [] : this.tracker.commitsDue();
    if (due.length === 0) return;
    const generation = this.generation;
    this.committing = this.consumer
      .commitOffsets(due)
      .then(() => {
        if (generation !== this.generation) return;
        for (const { topic, partition, offset } of due) this.tracker.committed(topic, partition, offset);
      })
      .catch((error: unknown) =>
        // A rebalance or a stop in between refuses it; the next commit (or the next owner) covers it.
        this.logger.debug({ err: error, group: this.options.groupId }, 'offset commit refused'),
      )
      .finally(() => {
        this.committing = undefined;
        if (this.commitAgain) {
          this.commitAgain = false;
          this.commitSoon();
        }
      });
    await this.committing;
  }

  /**
   * Moves this member's partitions of `topics` to the offsets `offsetsAt` gives and commits them
   * there (a stage replay). Work in flight on them finishes but commits nothing.
   */
  async rewind(topics: string[], offsetsAt: (topic: string) => Promise<PartitionOffset[]>): Promise<number> {
    let moved = 0;
    for (const topic of topics) {
      const assigned = this.assignment[this.prefix + topic] ?? [];
      if (assigned.length === 0) continue;
      const offsets = (await offsetsAt(topic)).filter((p) => assigned.includes(p.partition));
      const prefixed = offsets.map(({ partition, offset }) => ({
        topic: this.prefix + topic,
        partition,
        offset,
      }));
      for (const position of prefixed) {
        this.consumer.seek(position);
        this.tracker.rewind(position.topic, position.partition, position.offset);
      }
      await this.consumer.commitOffsets(prefixed);
      for (const { topic: t, partition, offset } of prefixed) this.tracker.committed(t, partition, offset);
      moved += offsets.length;
    }
    return moved;
  }

  /** Holds a partition until its head record is due, without blocking the other partitions. */
  private waitUntil(topic: string, partition: number, offset: string, due: number): void {
    this.consumer.pause([{ topic, partitions: [partition] }]);
    this.consumer.seek({ topic, partition, offset });
    const timer = setTimeout(
      () => {
        this.resumeTimers.delete(timer);
        if (this.running) this.consumer.resume([{ topic, partitions: [partition] }]);
      },
      Math.max(0, due - Date.now()),
    );
    this.resumeTimers.add(timer);
  }
}

/** Waits for the promises to settle, but no longer than `timeoutMs`. */
async function settledWithin(promises: Promise<unknown>[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
}
