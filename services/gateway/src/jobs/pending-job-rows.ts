import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JobRequested } from '@app/contracts';
import { GroupCommit } from '@app/platform';
import { foldJobRequests, JobSubmissions, type RequestToFold } from '@app/read-models';

/**
 * Records accepted requests before the 202 (read-your-writes: a GET right after it finds the job).
 * Concurrent submissions share one multi-row statement, like the publisher's Kafka sends.
 */
export class PendingJobRows {
  private readonly commits: GroupCommit<RequestToFold>;

  private constructor(write: (requests: RequestToFold[]) => Promise<void>) {
    this.commits = new GroupCommit(write, (request) => request.event.jobId);
  }

  /** Into `job_submissions`, the gateway's own table: never waits on the projector (POST /jobs). */
  static asSubmissions(dataSource: DataSource): PendingJobRows {
    const submissions = new JobSubmissions(dataSource);
    return new PendingJobRows((requests) => submissions.record(requests));
  }

  /**
   * As PENDING rows of `jobs` itself (uploads: `GET /documents/{id}` reads the job row with its
   * document). May wait on a projector transaction holding the row; uploads are few.
   */
  static asJobRows(dataSource: DataSource): PendingJobRows {
    return new PendingJobRows((requests) => foldJobRequests(dataSource, requests));
  }

  write(event: JobRequested, traceId: string | null): Promise<void> {
    return this.commits.submit({ event, traceId });
  }
}

/** PendingJobRows into `job_submissions` (SubmitJobUseCase). */
export const PENDING_SUBMISSIONS = 'PendingJobRows:submissions';
/** PendingJobRows into `jobs` (UploadDocumentUseCase). */
export const PENDING_JOB_ROWS = 'PendingJobRows:jobRows';

export const pendingJobRowsProviders: Provider[] = [
  {
    provide: PENDING_SUBMISSIONS,
    useFactory: (ds: DataSource) => PendingJobRows.asSubmissions(ds),
    inject: [DataSource],
  },
  {
    provide: PENDING_JOB_ROWS,
    useFactory: (ds: DataSource) => PendingJobRows.asJobRows(ds),
    inject: [DataSource],
  },
];
