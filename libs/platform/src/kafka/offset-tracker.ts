/**
 * Which offsets of a consumer's partitions may be committed while their messages finish out of order
 * (the contiguous done prefix, as Confluent's parallel consumer and Karafka's virtual partitions do).
 *
 * Every message taken for work gets a ticket, in offset order per partition. A partition's commit
 * point is its lowest unfinished ticket's offset, or, with none unfinished, one past the last offset
 * taken: never past a message whose work has not finished. Offsets need not be contiguous (control
 * records of transactions leave gaps): only the offsets taken count.
 *
 * A ticket dies when its partition is rewound to or below its offset (its message is delivered again)
 * or revoked: finishing it afterwards changes nothing.
 */
export class OffsetTracker {
  private readonly partitions = new Map<string, PartitionProgress>();

  /**
   * Takes `offset` of a partition for work. An offset at or below one taken before means the
   * partition was moved back (a seek): what was taken from there on is dropped (delivered again).
   */
  take(topic: string, partition: number, offset: string): OffsetTicket {
    const key = keyOf(topic, partition);
    let progress = this.partitions.get(key);
    if (!progress) {
      progress = new PartitionProgress(topic, partition);
      this.partitions.set(key, progress);
    }
    return progress.take(BigInt(offset));
  }

  /** Moves a partition's position past offsets it will never be given (control records). */
  skipTo(topic: string, partition: number, nextOffset: string): void {
    this.partitions.get(keyOf(topic, partition))?.skipTo(BigInt(nextOffset));
  }

  /**
   * The partition will be read again from `offset`: tickets at or above it die, and its commit point
   * is at most `offset` until newer messages finish.
   */
  rewind(topic: string, partition: number, offset: string): void {
    this.partitions.get(keyOf(topic, partition))?.rewind(BigInt(offset));
  }

  /** Forgets every partition (after a rebalance): their tickets die, nothing of them is committed. */
  revokeAll(): void {
    for (const progress of this.partitions.values()) progress.rewind(-1n);
    this.partitions.clear();
  }

  /** Commit points that moved since `committed` was last called for them. */
  commitsDue(): { topic: string; partition: number; offset: string }[] {
    const due: { topic: string; partition: number; offset: string }[] = [];
    for (const progress of this.partitions.values()) {
      const point = progress.commitPoint();
      if (point !== null && (progress.committed === null || point > progress.committed)) {
        due.push({ topic: progress.topic, partition: progress.partition, offset: point.toString() });
      }
    }
    return due;
  }

  /** Records that `offset` was committed for the partition (a later commit point is due again). */
  committed(topic: string, partition: number, offset: string): void {
    const progress = this.partitions.get(keyOf(topic, partition));
    if (progress) progress.committed = BigInt(offset);
  }

  /** Tickets taken and not finished, over all partitions. */
  get unfinished(): number {
    let count = 0;
    for (const progress of this.partitions.values()) count += progress.unfinished;
    return count;
  }
}

/** One message's work: finish it (`done`) or fail it; both are no-ops once the ticket died. */
export interface OffsetTicket {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** False once its partition was rewound to (or below) it or revoked. */
  readonly alive: boolean;
  done(): void;
}

class Ticket implements OffsetTicket {
  finished = false;
  dead = false;

  constructor(
    private readonly owner: PartitionProgress,
    readonly at: bigint,
  ) {}

  get topic(): string {
    return this.owner.topic;
  }

  get partition(): number {
    return this.owner.partition;
  }

  get offset(): string {
    return this.at.toString();
  }

  get alive(): boolean {
    return !this.dead;
  }

  done(): void {
    if (this.dead || this.finished) return;
    this.finished = true;
    this.owner.settle();
  }
}

class PartitionProgress {
  /** Tickets in offset order, from the lowest unfinished one on. */
  private tickets: Ticket[] = [];
  /** One past the highest offset taken (or skipped to); null before the first. */
  private next: bigint | null = null;
  committed: bigint | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  take(offset: bigint): Ticket {
    if (this.next !== null && offset < this.next) this.rewind(offset);
    const ticket = new Ticket(this, offset);
    this.tickets.push(ticket);
    this.next = offset + 1n;
    return ticket;
  }

  skipTo(nextOffset: bigint): void {
    if (this.next !== null && nextOffset > this.next) this.next = nextOffset;
  }

  rewind(offset: bigint): void {
    const kept: Ticket[] = [];
    for (const ticket of this.tickets) {
      if (ticket.at >= offset) ticket.dead = true;
      else kept.push(ticket);
    }
    this.tickets = kept;
    if (this.next === null || offset < this.next) this.next = offset < 0n ? null : offset;
    // A rewind below the last commit (a replay) makes that commit the one to move on from.
    if (this.committed !== null && offset >= 0n && offset < this.committed) this.committed = offset;
  }

  /** Drops the finished head, so the head is always the lowest unfinished ticket. */
  settle(): void {
    let finished = 0;
    while (finished < this.tickets.length && this.tickets[finished].finished) finished += 1;
    if (finished > 0) this.tickets = this.tickets.slice(finished);
  }

  commitPoint(): bigint | null {
    return this.tickets.length > 0 ? this.tickets[0].at : this.next;
  }

  get unfinished(): number {
    return this.tickets.filter((ticket) => !ticket.finished).length;
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
