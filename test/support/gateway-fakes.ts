import pino from 'pino';
import { encodeEvent, type JobEvent, type JobStatus, type JobType } from '@app/contracts';
import type { EventPublisher, OutgoingEvent } from '@app/platform';
import type { JobQueries, JobView } from '@app/read-models';

/** Hand-written fakes for the gateway's use-case specs (services/gateway/src/**\/*.usecase.spec.ts). */

export const silentLogger = pino({ level: 'silent' });

/** Records what would be published; validates like the real publisher (encodeEvent throws on bad events). */
export class FakePublisher {
  readonly published: OutgoingEvent[] = [];
  failWith: Error | null = null;

  async publish(events: OutgoingEvent[]): Promise<void> {
    for (const { event } of events) encodeEvent(event);
    if (this.failWith) throw this.failWith;
    this.published.push(...events);
  }

  get events(): JobEvent[] {
    return this.published.map((o) => o.event as JobEvent);
  }

  as(): EventPublisher {
    return this as unknown as EventPublisher;
  }
}

/** The read-model writes a use case makes before it answers; `failWith` makes each one reject. */
export class FakeReadModelWrites<T> {
  readonly written: T[] = [];
  failWith: Error | null = null;
  /** What the write changes that the use case reads back (a job's new status). */
  afterWrite: (item: T) => void = () => undefined;

  async write(item: T): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.written.push(item);
    this.afterWrite(item);
  }
}

/** Jobs as the read models show them, by id. */
export class FakeJobQueries {
  readonly jobs = new Map<string, JobView>();

  async getJob(tenantId: string | null, jobId: string): Promise<JobView | null> {
    const job = this.jobs.get(jobId);
    return job !== undefined && (tenantId === null || job.tenantId === tenantId) ? job : null;
  }

  as(): JobQueries {
    return this as unknown as JobQueries;
  }
}

export function jobView(fields: {
  id: string;
  type?: JobType;
  status: JobStatus;
  run?: number;
  tenantId?: string;
}): JobView {
  return {
    id: fields.id,
    tenantId: fields.tenantId ?? 'default',
    type: fields.type ?? 'scrape',
    status: fields.status,
    priority: 'normal',
    input: { url: 'https://example.com/' },
    result: null,
    error: null,
    attempts: 0,
    run: fields.run ?? 0,
    correlationId: 'corr-1',
    traceId: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    stages: [],
    progress: null,
  };
}
