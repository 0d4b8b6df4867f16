import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JobCancelRequested } from '@app/contracts';
import { foldCancellations, resetJobRuns } from '@app/read-models';

/**
 * Applies what the gateway just published to the read models before it answers (read-your-writes);
 * the projector applies the same events again, idempotently.
 */
@Injectable()
export class ReadYourWrites {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  cancellations(events: JobCancelRequested[]): Promise<void> {
    return foldCancellations(this.dataSource, events);
  }

  newRuns(runs: { jobId: string; run: number }[]): Promise<void> {
    return resetJobRuns(this.dataSource, runs);
  }
}
