import { isDatabaseUnavailable, type RateLimit, type TenantRateBuckets } from '@app/read-models';

/**
 * The rate of every tenant: the default, and per-tenant overrides (TENANT_RATE_LIMITS); and the keys
 * limited on their own as well, by key id (KEY_RATE_LIMITS).
 */
export interface TenantRateLimits {
  default: RateLimit;
  overrides: ReadonlyMap<string, RateLimit>;
  keyOverrides?: ReadonlyMap<string, RateLimit>;
}

/** Which bucket a decision is of: the tenant's, or the key's own (RateLimit-Policy names it). */
export type RatePolicy = 'tenant' | 'key';

export interface RateDecision {
  policy: RatePolicy;
  allowed: boolean;
  limit: RateLimit;
  /** Requests left now, about (this replica's lease plus what the shared bucket held at the lease). */
  remaining: number;
  /** When a refused request may try again. */
  retryAfterSeconds: number;
}

interface Allowance {
  tokens: number;
  leasedAt: number;
  bucketLeft: number;
  /** Until when the shared bucket was found empty: refuse without asking it again. */
  emptyUntil: number;
  leasing?: Promise<void>;
}

/** Tokens leased from the shared bucket stay usable this long here (a replica's unused share lapses). */
const LEASE_MS = 1000;

/**
 * Each tenant's request rate, the same on every gateway replica: a token bucket per tenant in
 * PostgreSQL (TenantRateBuckets), drawn from a tenth of a second's worth of tokens at a time and spent
 * locally, so a request costs a map lookup and a statement per lease. Concurrent requests share one
 * lease in flight; after the bucket was found empty, requests are refused locally until a token is
 * due. Across R replicas a tenant can exceed its bucket by at most R leases. A key named in
 * KEY_RATE_LIMITS has a bucket of its own as well (row `key:<id>`), drawn from the same way.
 */
export class TenantRateLimiter {
  private readonly allowances = new Map<string, Allowance>();

  constructor(
    private readonly buckets: Pick<TenantRateBuckets, 'lease'>,
    private readonly limits: TenantRateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  limitOf(tenant: string): RateLimit {
    return this.limits.overrides.get(tenant) ?? this.limits.default;
  }

  /**
   * A request of `caller`: one decision per bucket asked, the key's own first when KEY_RATE_LIMITS names
   * the key, then the tenant's. Allowed when every decision is. A key over its own rate is refused
   * without touching its tenant's bucket; a key within it whose tenant is over has spent its token.
   */
  async takeFor(caller: { tenant: string; keyId: string }): Promise<RateDecision[]> {
    const keyLimit = this.limits.keyOverrides?.get(caller.keyId);
    if (keyLimit === undefined) return [await this.take(caller.tenant)];
    // `:` is not in a tenant name, so a key's bucket never shares a name with a tenant's.
    const own = await this.takeFrom(`key:${caller.keyId}`, keyLimit, 'key');
    return own.allowed ? [own, await this.take(caller.tenant)] : [own];
  }

  /** A request of the tenant, from its bucket. */
  take(tenant: string): Promise<RateDecision> {
    return this.takeFrom(tenant, this.limitOf(tenant), 'tenant');
  }

  private async takeFrom(bucket: string, limit: RateLimit, policy: RatePolicy): Promise<RateDecision> {
    const allowance = this.allowanceOf(bucket);
    // A shared lease may be spent by the requests that waited with this one: lease again while the
    // bucket still gives (a few rounds at most; then the request is refused like on an empty bucket).
    for (let round = 0; round < 4 && allowance.tokens < 1 && this.now() >= allowance.emptyUntil; round++) {
      allowance.leasing ??= this.lease(bucket, allowance, limit).finally(
        () => (allowance.leasing = undefined),
      );
      await allowance.leasing;
    }
    if (allowance.tokens < 1) {
      const waitMs = Math.max(allowance.emptyUntil - this.now(), 1000 / limit.perSecond);
      return {
        policy,
        allowed: false,
        limit,
        remaining: 0,
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      };
    }
    allowance.tokens -= 1;
    return {
      policy,
      allowed: true,
      limit,
      remaining: Math.floor(allowance.tokens + allowance.bucketLeft),
      retryAfterSeconds: 0,
    };
  }

  private allowanceOf(bucket: string): Allowance {
    let allowance = this.allowances.get(bucket);
    if (allowance === undefined) {
      allowance = { tokens: 0, leasedAt: 0, bucketLeft: 0, emptyUntil: 0 };
      this.allowances.set(bucket, allowance);
    } else if (allowance.leasing === undefined && this.now() - allowance.leasedAt > LEASE_MS) {
      allowance.tokens = 0;
    }
    return allowance;
  }

  private async lease(bucket: string, allowance: Allowance, limit: RateLimit): Promise<void> {
    const want = Math.max(1, Math.ceil(limit.perSecond / 10));
    let local = false;
    const { granted, left } = await this.buckets.lease(bucket, want, limit).catch((error: unknown) => {
      if (!isDatabaseUnavailable(error)) throw error;
      // PostgreSQL unreachable: the replica grants the tenant its rate on its own (a tenth of a second
      // at a time, as leased), so an outage of the read models does not stop submissions.
      local = true;
      return { granted: want, left: 0 };
    });
    const at = this.now();
    allowance.tokens += granted;
    allowance.leasedAt = at;
    allowance.bucketLeft = left;
    // Empty: the next whole token is due after (1 - left) / rate seconds.
    allowance.emptyUntil = local
      ? at + 100
      : granted === 0
        ? at + Math.ceil(((1 - left) * 1000) / limit.perSecond)
        : 0;
  }
}
