import type { Lease, RateLimit } from '@app/read-models';
import { TenantRateLimiter } from './tenant-rate-limiter';

/** A bucket like TenantRateBuckets, in memory, on the test's clock. */
class FakeBuckets {
  leases = 0;
  down = false;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly clock: () => number) {}

  async lease(tenant: string, want: number, limit: RateLimit): Promise<Lease> {
    this.leases += 1;
    if (this.down)
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const now = this.clock();
    const bucket = this.buckets.get(tenant) ?? { tokens: limit.burst, at: now };
    const refill = Math.min(limit.burst, bucket.tokens + (limit.perSecond * (now - bucket.at)) / 1000);
    const granted = Math.min(want, Math.floor(refill));
    this.buckets.set(tenant, { tokens: refill - granted, at: now });
    return { granted, left: refill - granted };
  }
}

function setup(overrides: [string, RateLimit][] = []) {
  let now = 1_000_000;
  const clock = () => now;
  const buckets = new FakeBuckets(clock);
  const limiter = new TenantRateLimiter(
    buckets,
    { default: { perSecond: 10, burst: 20 }, overrides: new Map(overrides) },
    clock,
  );
  return { limiter, buckets, advance: (ms: number) => (now += ms) };
}

async function takeMany(limiter: TenantRateLimiter, tenant: string, count: number) {
  const decisions = [];
  for (let i = 0; i < count; i++) decisions.push(await limiter.take(tenant));
  return decisions;
}

describe('TenantRateLimiter', () => {
  it('admits a burst, then refuses with a Retry-After until tokens are due', async () => {
    const { limiter, advance } = setup();
    const decisions = await takeMany(limiter, 'acme', 25);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    const refused = decisions[24];
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    advance(1000);
    expect((await takeMany(limiter, 'acme', 12)).filter((d) => d.allowed)).toHaveLength(10);
  });

  it('keeps tenants apart: one at its limit does not slow another', async () => {
    const { limiter } = setup();
    await takeMany(limiter, 'acme', 30);
    expect((await takeMany(limiter, 'globex', 20)).every((d) => d.allowed)).toBe(true);
  });

  it('draws a tenth of a second at a time, and asks no more while the bucket is empty', async () => {
    const { limiter, buckets } = setup();
    await takeMany(limiter, 'acme', 20);
    expect(buckets.leases).toBe(20); // 1 token per lease at 10/s
    const before = buckets.leases;
    await takeMany(limiter, 'acme', 50);
    expect(buckets.leases - before).toBe(1);
  });

  it('shares one lease among concurrent requests', async () => {
    const { limiter, buckets } = setup([['big', { perSecond: 1000, burst: 1000 }]]);
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.take('big')));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(buckets.leases).toBe(1);
  });

  it('lets concurrent requests have the whole burst even when each lease holds one token', async () => {
    const { limiter } = setup([['small', { perSecond: 2, burst: 4 }]]);
    const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.take('small')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(4);
  });

  it('applies a tenant’s own limit over the default', async () => {
    const { limiter } = setup([['small', { perSecond: 1, burst: 2 }]]);
    expect(limiter.limitOf('small')).toEqual({ perSecond: 1, burst: 2 });
    expect((await takeMany(limiter, 'small', 5)).filter((d) => d.allowed)).toHaveLength(2);
  });

  it('grants each tenant its rate on this replica alone while PostgreSQL is unreachable', async () => {
    const { limiter, buckets, advance } = setup();
    buckets.down = true;
    // 10 a second: one token per tenth of a second, refused in between.
    expect((await takeMany(limiter, 'acme', 5)).map((d) => d.allowed)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    advance(100);
    expect((await limiter.take('acme')).allowed).toBe(true);
  });
});
