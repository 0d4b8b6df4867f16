import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createMigratedDatabase, dropMigratedDatabase } from '@app/test-support/harness-env';
import { ApiKeyStore } from './api-key-store';
import { TenantRateBuckets } from './tenant-rate-buckets';

/** api_keys and tenant_rate_buckets against the harness's real PostgreSQL, in a database of their own. */

const database = `api_keys_${randomBytes(4).toString('hex')}`;
let dataSource: DataSource;

beforeAll(async () => {
  dataSource = await createMigratedDatabase(database, 'api-keys-int-spec');
});

afterAll(async () => {
  await dropMigratedDatabase(dataSource, database);
});

describe('ApiKeyStore', () => {
  it('stores a hash only, resolves the secret, lists without it, and revokes', async () => {
    const keys = new ApiKeyStore(dataSource);
    const created = await keys.create({ tenant: 'acme', role: 'member', expiresAt: null });
    expect(created.key).toMatch(/^ejk_[A-Za-z0-9_-]{43}$/);
    const stored: { secret_sha256: Buffer }[] = await dataSource.query(
      `SELECT secret_sha256 FROM api_keys WHERE id = $1`,
      [created.id],
    );
    expect(stored[0].secret_sha256.toString('utf8')).not.toContain(created.key);
    expect(JSON.stringify(await dataSource.query(`SELECT * FROM api_keys`))).not.toContain(created.key);

    expect(await keys.resolve(created.key)).toEqual({
      keyId: created.id,
      tenant: 'acme',
      role: 'member',
      expiresAt: null,
    });
    expect(await keys.list('acme')).toEqual([expect.objectContaining({ id: created.id, revokedAt: null })]);
    expect(JSON.stringify(await keys.list())).not.toContain(created.key);

    const revoked = await keys.revoke(created.id);
    expect(revoked?.revokedAt).toEqual(expect.any(String));
    expect(await keys.revoke(created.id)).toEqual(revoked);
    expect(await keys.resolve(created.key)).toBeNull();
    expect(await keys.revoke('key_0000000000000000')).toBeNull();
  });

  it('does not resolve an expired key', async () => {
    const keys = new ApiKeyStore(dataSource);
    const expired = await keys.create({
      tenant: 'acme',
      role: 'reader',
      expiresAt: new Date(Date.now() - 1000),
    });
    expect(await keys.resolve(expired.key)).toBeNull();
  });

  it('ensures a configured admin key once, even when replicas race', async () => {
    const keys = new ApiKeyStore(dataSource);
    const secret = 'x'.repeat(40);
    const results = await Promise.all([1, 2, 3].map(() => keys.ensureAdminKey(secret, 'default')));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await keys.resolve(secret)).toMatchObject({ role: 'admin', tenant: 'default' });
  });
});

describe('TenantRateBuckets', () => {
  it('grants a full bucket, then nothing, then what the rate refilled', async () => {
    const buckets = new TenantRateBuckets(dataSource);
    const limit = { perSecond: 5, burst: 10 };
    expect(await buckets.lease('refill', 8, limit)).toEqual({ granted: 8, left: 2 });
    expect((await buckets.lease('refill', 8, limit)).granted).toBe(2);
    expect((await buckets.lease('refill', 8, limit)).granted).toBe(0);
    // Half a second later (backdated rather than waited for): 2.5 tokens more.
    await dataSource.query(
      `UPDATE tenant_rate_buckets SET refilled_at = refilled_at - interval '500 milliseconds' WHERE tenant_id = 'refill'`,
    );
    const later = await buckets.lease('refill', 8, limit);
    expect(later.granted).toBe(2);
    expect(later.left).toBeGreaterThanOrEqual(0.5);
    expect(later.left).toBeLessThan(0.6);
  });

  it('never grants more than the bucket holds to concurrent replicas', async () => {
    const replicas = [new TenantRateBuckets(dataSource), new TenantRateBuckets(dataSource)];
    const limit = { perSecond: 1, burst: 50 };
    const leases = await Promise.all(
      Array.from({ length: 40 }, (_, i) => replicas[i % 2].lease('shared', 3, limit)),
    );
    const granted = leases.reduce((sum, lease) => sum + lease.granted, 0);
    // 50 in the bucket, plus at most a token refilled while the leases ran.
    expect(granted).toBeGreaterThanOrEqual(50);
    expect(granted).toBeLessThanOrEqual(51);
  });
});
