import type { DataSource } from 'typeorm';
import type { JobRequested } from '@app/contracts';
import { GroupCommit } from '@app/platform';
import { foldJobRequests, type RequestToFold } from '@app/read-models';

/**
 * Writes accepted requests' PENDING rows before the 202 (read-your-writes: a GET right after it finds
 * the job). Concurrent submissions share one multi-row statement, like the publisher's Kafka sends.
 */
export class PendingJobRows {
  private readonly commits: GroupCommit<RequestToFold>;

  constructor(dataSource: DataSource) {
    this.commits = new GroupCommit(
      (requests) => foldJobRequests(dataSource, requests),
      (request) => request.event.jobId,
    );
  }

  write(event: JobRequested, traceId: string | null): Promise<void> {
    return this.commits.submit({ event, traceId });
  }
}
