import type { DataSource } from 'typeorm';

type Query = Pick<DataSource, 'query'>;

/** A tenant's request rate: `perSecond` tokens a second, at most `burst` saved up. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface Lease {
  /** Tokens taken from the bucket (0 when it is empty). */
  granted: number;
  /** Tokens left in the bucket after this lease. */
  left: number;
}

/**
 * The `tenant_rate_buckets` table: one token bucket per tenant that every gateway replica draws from,
 * a few tokens at a time (a lease), so the limit holds across replicas at one statement per lease.
 */
export class TenantRateBuckets {
  constructor(private readonly dataSource: Query) {}

  /**
   * Refills the tenant's bucket for the time since its last refill (up to `burst`; a new bucket starts
   * full), then takes up to `want` whole tokens, atomically.
   */
  async lease(tenant: string, want: number, limit: RateLimit): Promise<Lease> {
    // In SET every column reference is the row before the update: `refill` is computed from it twice.
    const refill = `least($3::float8, b.tokens + $4::float8 * extract(epoch FROM clock_timestamp() - b.refilled_at))`;
    const rows: { granted: number; left: number }[] = await this.dataSource.query(
      `INSERT INTO tenant_rate_buckets AS b (tenant_id, tokens, refilled_at, last_grant)
       VALUES ($1, $3::float8 - least($2::int, floor($3::float8)::int), clock_timestamp(), least($2::int, floor($3::float8)::int))
       ON CONFLICT (tenant_id) DO UPDATE SET
         last_grant = least($2::int, floor(${refill})::int),
         tokens = ${refill} - least($2::int, floor(${refill})::int),
         refilled_at = clock_timestamp()
       RETURNING last_grant AS granted, tokens AS left`,
      [tenant, want, limit.burst, limit.perSecond],
    );
    return { granted: rows[0].granted, left: rows[0].left };
  }
}
