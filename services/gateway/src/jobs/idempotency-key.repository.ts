import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface IdempotencyRecord {
  requestHash: string;
  jobId: string;
  state: 'pending' | 'published';
  createdAt: Date;
}

/**
 * The gateway's record of Idempotency-Keys (per tenant). A key is claimed before the request event is
 * published and marked published after Kafka acknowledged it, so two concurrent requests with the
 * same key cannot both publish (the job would run twice). A claim left `pending` by a crashed gateway
 * is taken over after `staleAfterMs`.
 *
 * The table lives in schema `gateway`, not `public`: it is the gateway's own state, not a projection of
 * the log, so a projection rebuild (which replaces schema `public`) must leave it alone.
 */
@Injectable()
export class IdempotencyKeyRepository {
  private readonly staleAfterMs = 30_000;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Returns null when this call now owns the key, else the existing record. */
  async claim(
    tenantId: string,
    key: string,
    requestHash: string,
    jobId: string,
  ): Promise<IdempotencyRecord | null> {
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO gateway.idempotency_keys (tenant_id, key, request_hash, job_id, state) VALUES ($1, $2, $3, $4, 'pending')
       ON CONFLICT (tenant_id, key) DO UPDATE SET created_at = now()
         WHERE idempotency_keys.state = 'pending'
           AND idempotency_keys.request_hash = EXCLUDED.request_hash
           AND idempotency_keys.created_at < now() - make_interval(secs => $5::double precision / 1000)
       RETURNING key`,
      [tenantId, key, requestHash, jobId, this.staleAfterMs],
    );
    if (claimed.length > 0) return null;
    const rows: { request_hash: string; job_id: string; state: 'pending' | 'published'; created_at: Date }[] =
      await this.dataSource.query(
        `SELECT request_hash, job_id, state, created_at FROM gateway.idempotency_keys WHERE tenant_id = $1 AND key = $2`,
        [tenantId, key],
      );
    const row = rows[0];
    if (!row) return this.claim(tenantId, key, requestHash, jobId); // released in between: try again
    return { requestHash: row.request_hash, jobId: row.job_id, state: row.state, createdAt: row.created_at };
  }

  async markPublished(tenantId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE gateway.idempotency_keys SET state = 'published' WHERE tenant_id = $1 AND key = $2`,
      [tenantId, key],
    );
  }

  /** Gives the key back after a failed publish, so the client's retry can succeed. */
  async release(tenantId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM gateway.idempotency_keys WHERE tenant_id = $1 AND key = $2 AND state = 'pending'`,
      [tenantId, key],
    );
  }
}
