import type { DeadLetterEntry, DeadLetterEntryHandler, Logger } from '@app/platform';
import type { DeadLetterWriter } from '@app/read-models';

/** Feeds the dead-letter topic into ops.dead_letters (what `GET /admin/dlq` lists). */
export class DeadLetterRecorder implements DeadLetterEntryHandler {
  constructor(
    private readonly writer: DeadLetterWriter,
    private readonly logger: Logger,
  ) {}

  async handleEntries(entries: DeadLetterEntry[]): Promise<void> {
    const recorded = await this.writer.record(entries);
    this.logger.debug({ received: entries.length, recorded }, 'dead-letter entries recorded');
  }
}
