import type { Logger } from '@app/platform';
import type { JobSubmissions } from '@app/read-models';

/**
 * Deletes the gateway's records of accepted requests once they are older than `retentionMs`: by then
 * the projection shows the job (a projector down for longer makes an unprojected job 404 until it
 * catches up, as before these records existed). Every replica prunes; the deletes are idempotent.
 */
export class JobSubmissionPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly submissions: Pick<JobSubmissions, 'pruneBefore'>,
    private readonly retentionMs: number,
    private readonly logger: Logger,
    private readonly intervalMs = 60_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.prune().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async prune(): Promise<void> {
    try {
      const deleted = await this.submissions.pruneBefore(new Date(Date.now() - this.retentionMs));
      if (deleted > 0) this.logger.debug({ deleted }, 'pruned accepted-request records');
    } catch (error: unknown) {
      this.logger.warn({ err: error }, 'could not prune accepted-request records; retrying later');
    }
  }
}
