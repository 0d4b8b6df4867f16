import type { EventPublisher, Logger } from '@app/platform';
import type { DeadLetterClaims, DeadLetterView } from '@app/read-models';

export interface RedriveOutcome {
  entry: DeadLetterView;
  /** True when an earlier redrive sent it (this one sent nothing). */
  alreadyRedriven: boolean;
}

/**
 * `POST /admin/dlq/{id}/redrive`: claims the entry in PostgreSQL, then sends its message back, so a
 * second redrive (or a concurrent one) sends nothing. A failed send gives the claim back.
 */
export class DeadLetterRedriver {
  constructor(
    private readonly claims: DeadLetterClaims,
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
  ) {}

  /** Null when the entry is unknown; rejects (KafkaUnavailableError) when the message was not sent. */
  async redrive(id: string): Promise<RedriveOutcome | null> {
    const claim = await this.claims.claim(id);
    if (claim === null) return null;
    if (!claim.claimed) return { entry: claim.entry, alreadyRedriven: true };
    try {
      await this.resend(claim.entry);
    } catch (error) {
      await this.claims.release(id).catch((releaseError: unknown) =>
        // The entry stays marked redriven although nothing was sent; clear redriven_at by hand to retry.
        this.logger.error({ err: releaseError, deadLetterId: id }, 'redrive claim could not be released'),
      );
      throw error;
    }
    this.logger.info(
      { deadLetterId: id, topic: claim.entry.source.topic, jobId: claim.entry.jobId },
      'dead letter redriven',
    );
    return { entry: claim.entry, alreadyRedriven: false };
  }

  /** Sends the original message back to its source topic: same key, value bytes and headers. */
  protected async resend(entry: DeadLetterView): Promise<void> {
    const { key, value, valueEncoding, headers } = entry.original;
    await this.publisher.publishRaw([
      {
        topic: entry.source.topic,
        key,
        value: value === null ? null : Buffer.from(value, valueEncoding),
        headers,
      },
    ]);
  }
}
