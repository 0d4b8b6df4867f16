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

function setup(overrides: [string, RateLimit][] = [], keyOverrides: [string, RateLimit][] = []) {
  let now = 1_000_000;
  const clock = () => now;
  const buckets = new FakeBuckets(clock);
  const limiter = new TenantRateLimiter(
    buckets,
    {
      default: { perSecond: 10, burst: 20 },
      overrides: new Map(overrides),
      keyOverrides: new Map(keyOverrides),
    },
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

describe('TenantRateLimiter: keys with a rate of their own (KEY_RATE_LIMITS)', () => {
  const SLOW = 'key_00000000000000aa';
  const OTHER = 'key_00000000000000bb';
  const callsOf = async (limiter: TenantRateLimiter, keyId: string, count: number) => {
    const all = [];
    for (let i = 0; i < count; i++) all.push(await limiter.takeFor({ tenant: 'acme', keyId }));
    return all;
  };
  const allowed = (decisions: { allowed: boolean }[][]) =>
    decisions.filter((ds) => ds.every((d) => d.allowed)).length;

  it('limits such a key by its own bucket; another key of the tenant has the tenant’s rate', async () => {
    const { limiter, advance } = setup([], [[SLOW, { perSecond: 1, burst: 2 }]]);
    const slow = await callsOf(limiter, SLOW, 6);
    expect(allowed(slow)).toBe(2);
    expect(slow[0].map((d) => d.policy)).toEqual(['key', 'tenant']);
    expect(slow[5]).toEqual([
      {
        policy: 'key',
        allowed: false,
        limit: { perSecond: 1, burst: 2 },
        remaining: 0,
        retryAfterSeconds: 1,
      },
    ]);
    // The tenant's bucket (20) gave the slow key's 2 only: another key gets the other 18.
    const other = await callsOf(limiter, OTHER, 25);
    expect(allowed(other)).toBe(18);
    expect(other[0].map((d) => d.policy)).toEqual(['tenant']);
    advance(1000);
    expect(allowed(await callsOf(limiter, SLOW, 3))).toBe(1);
  });

  it('refuses a key within its own rate when its tenant is over the tenant’s', async () => {
    const { limiter } = setup(
      [['acme', { perSecond: 1, burst: 1 }]],
      [[SLOW, { perSecond: 100, burst: 100 }]],
    );
    const decisions = await callsOf(limiter, SLOW, 3);
    expect(allowed(decisions)).toBe(1);
    expect(decisions[2].map((d) => [d.policy, d.allowed])).toEqual([
      ['key', true],
      ['tenant', false],
    ]);
  });

  it('keeps a key’s bucket apart from a tenant named like the key', async () => {
    const { limiter, buckets } = setup([], [[SLOW, { perSecond: 1, burst: 1 }]]);
    await callsOf(limiter, SLOW, 2);
    // A tenant may be called `key_00000000000000aa`: its bucket is its own.
    expect((await takeMany(limiter, SLOW, 20)).every((d) => d.allowed)).toBe(true);
    expect(buckets.leases).toBeGreaterThan(0);
  });
});
