import { Client } from 'pg';
import type { Logger } from '@app/platform';
import { JOB_CHANGES_CHANNEL, parseJobChangePayload } from './job-change-channel';

/** What ProjectionNotifications tells its listener. */
export interface JobChangeListener {
  /** These jobs' read models changed (a projector transaction committed). */
  jobsChanged(jobIds: string[]): void;
  /**
   * The LISTEN connection was re-established after a loss: notifications in between are lost, so
   * whatever watches jobs must read again from where it was.
   */
  resubscribed(): void;
}

export interface ProjectionNotificationsOptions {
  /** First reconnect delay; doubled per failed attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * One dedicated PostgreSQL connection that LISTENs for the projector's job-change notifications
 * (JOB_CHANGES_CHANNEL), reconnecting with backoff when it is lost. One per process.
 */
export class ProjectionNotifications {
  private client: Client | null = null;
  private listener: JobChangeListener | null = null;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private everConnected = false;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly url: string,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    options: ProjectionNotificationsOptions = {},
  ) {
    this.minBackoffMs = options.minBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
  }

  /** True while the LISTEN connection is up. */
  get listening(): boolean {
    return this.client !== null;
  }

  /** Connects and LISTENs; on failure keeps retrying in the background (resolves either way). */
  async start(listener: JobChangeListener): Promise<void> {
    this.listener = listener;
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.url, application_name: 'projection-notifications' });
    client.on('notification', (message) => {
      if (message.channel !== JOB_CHANGES_CHANNEL) return;
      const ids = parseJobChangePayload(message.payload);
      if (ids.length > 0) this.listener?.jobsChanged(ids);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${JOB_CHANGES_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    const afterLoss = this.everConnected || this.attempt > 0;
    this.attempt = 0;
    if (afterLoss) {
      this.logger.info({ channel: JOB_CHANGES_CHANNEL }, 'projection notifications: listening again');
      this.listener?.resubscribed();
    }
    this.everConnected = true;
  }

  private lost(client: Client, error: unknown): void {
    if (this.closed || (this.client !== null && this.client !== client)) return;
    if (this.reconnectTimer) return;
    this.client = null;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    const delay = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** this.attempt);
    this.attempt += 1;
    this.logger.warn(
      { err: error, retryInMs: delay },
      'projection notifications: LISTEN connection lost, reconnecting',
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }
}
