import type { EventPublisher, OutgoingEvent, RawMessage } from '../kafka/event-publisher';

/**
 * An attempt's StageStarted, held back for `delayMs` so that an attempt ending sooner sends it in the
 * same produce request as its outcome (one request per fast job instead of two). An attempt still
 * running when the delay passes announces its start then, as if it had been sent at once. Either way
 * StageStarted precedes the outcome on the job's partition: the publisher sends in call order, and in
 * one request the events keep their order.
 */
export class DeferredStart {
  private sent: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly started: OutgoingEvent,
    private readonly publisher: EventPublisher,
    delayMs: number,
  ) {
    if (delayMs <= 0) this.sendNow();
    else this.timer = setTimeout(() => this.sendNow(), delayMs);
  }

  /**
   * Publishes the outcome (with StageStarted in front if it has not gone yet); resolves once both
   * were acknowledged. With no outcome (a cancelled attempt) StageStarted still goes out.
   */
  async publishWith(outputs: OutgoingEvent[], deadLetters: RawMessage[]): Promise<void> {
    clearTimeout(this.timer);
    if (this.sent) {
      await Promise.all([this.sent, this.publisher.publish(outputs, deadLetters)]);
      return;
    }
    this.sent = this.publisher.publish([this.started, ...outputs], deadLetters);
    await this.sent;
  }

  /** The attempt ended without an outcome to publish (the service is stopping): send nothing more. */
  async abandon(): Promise<void> {
    clearTimeout(this.timer);
    await this.sent?.catch(() => undefined);
  }

  /**
   * Sends StageStarted now if it has not gone yet (before a progress or log event of the attempt, which
   * must follow it on the partition: the publisher sends in call order).
   */
  announce(): void {
    clearTimeout(this.timer);
    this.sendNow();
  }

  private sendNow(): void {
    if (this.sent) return;
    this.sent = this.publisher.publish([this.started]);
    // Observed by publishWith or abandon; don't leave a rejection unhandled meanwhile.
    this.sent.catch(() => undefined);
  }
}
