import { Inject, Injectable } from '@nestjs/common';
import { STAGE_CATALOG, type EventActor } from '@app/contracts';
import { EventPublisher, LOGGER, type Logger } from '@app/platform';
import { DeadLetterClaims, type DeadLetterView } from '@app/read-models';
import { RerunJobUseCase } from '../../jobs/usecases/rerun-job/rerun-job.usecase';

export interface RedriveOutcome {
  entry: DeadLetterView;
  /** True when an earlier redrive sent it (this one sent nothing). */
  alreadyRedriven: boolean;
}

/**
 * `POST /admin/dlq/{id}/redrive`: claims the entry in PostgreSQL, then sends its message back, so a
 * second redrive (or a concurrent one) sends nothing. A failed send gives the claim back.
 *
 * An invalid message goes back byte for byte (it runs again once its consumer was fixed). A
 * `retriesExhausted` entry belongs to a FAILED job: re-sending its last attempt could not change the
 * outcome, so the job is re-run from the entry's stage as its next run (as `POST /admin/replay` with a
 * job id does), and the job can end SUCCEEDED.
 */
@Injectable()
export class DeadLetterRedriver {
  constructor(
    @Inject(DeadLetterClaims) private readonly claims: DeadLetterClaims,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(RerunJobUseCase) private readonly rerunJob: RerunJobUseCase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Null when the entry is unknown; rejects (KafkaUnavailableError) when the message was not sent. */
  async redrive(id: string, actor?: EventActor): Promise<RedriveOutcome | null> {
    const claim = await this.claims.claim(id);
    if (claim === null) return null;
    if (!claim.claimed) return { entry: claim.entry, alreadyRedriven: true };
    try {
      await this.resend(claim.entry, actor);
    } catch (error) {
      await this.claims.release(id).catch((releaseError: unknown) =>
        // The entry stays marked redriven although nothing was sent; clear redriven_at by hand to retry.
        this.logger.error({ err: releaseError, deadLetterId: id }, 'redrive claim could not be released'),
      );
      throw error;
    }
    this.logger.info(
      { deadLetterId: id, topic: claim.entry.source.topic, jobId: claim.entry.jobId, keyId: actor?.keyId },
      'dead letter redriven',
    );
    return { entry: claim.entry, alreadyRedriven: false };
  }

  /**
   * A retriesExhausted entry re-runs its job (the new run's events carry `actor`); any other entry's
   * original bytes go back as they were (the audit log line names who sent them).
   */
  protected async resend(entry: DeadLetterView, actor?: EventActor): Promise<void> {
    const stage = stageOfGroup(entry.source.group);
    if (entry.reason === 'retriesExhausted' && entry.jobId !== null && stage !== undefined) {
      await this.rerunJob.execute({
        // Redrive is an admin's: the entry's job, whatever its tenant.
        tenantId: null,
        jobId: entry.jobId,
        correlationId: `redrive-${entry.id}`,
        stage,
        ...(actor ? { actor } : {}),
      });
      return;
    }
    await this.sendOriginal(entry);
  }

  /** Sends the original message back to its source topic: same key, value bytes and headers. */
  private async sendOriginal(entry: DeadLetterView): Promise<void> {
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

/** The stage whose consumer group (or one of its `.<tier>` groups) dead-lettered the message. */
function stageOfGroup(group: string): string | undefined {
  return Object.values(STAGE_CATALOG).find((s) => group === s.groupId || group.startsWith(`${s.groupId}.`))
    ?.stage;
}
