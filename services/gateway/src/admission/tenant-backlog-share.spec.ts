import pino from 'pino';
import type { JobType } from '@app/contracts';
import { PlatformMetrics } from '@app/platform';
import type { Caller } from '../auth/caller';
import { TenantBacklogShareError } from '../http/api-errors';
import type { BacklogSample } from './backlog-monitor';
import { TenantBacklogShare } from './tenant-backlog-share';

const member = (tenant: string): Caller => ({ keyId: 'key_0123456789abcdef', tenant, role: 'member' });

function setup(share = 0.5) {
  let clock = 1_000_000;
  const backlog: { sample?: BacklogSample } = {};
  const counts = new Map<string, number>();
  let reads = 0;
  const tenantShare = new TenantBacklogShare(
    { current: (_type: JobType) => backlog.sample },
    {
      unfinished: async () => {
        reads += 1;
        return new Map(counts);
      },
    },
    {
      maxLag: { scrape: 100, risk: 100, document: 0 },
      share,
      refreshMs: 1000,
      staleAfterMs: 10_000,
      fallbackRetryAfterSeconds: 5,
    },
    new PlatformMetrics('gateway'),
    pino({ level: 'silent' }),
    () => clock,
  );
  const setBacklog = (value: number) =>
    (backlog.sample = { backlog: value, drainPerSecond: null, sampledAt: clock });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    tenantShare,
    counts,
    setBacklog,
    settle,
    reads: () => reads,
    advance: (ms: number) => (clock += ms),
  };
}

describe('TenantBacklogShare', () => {
  it('reads nothing and admits everyone while the backlog is under a share', () => {
    const { tenantShare, setBacklog, reads } = setup();
    setBacklog(49);
    for (let i = 0; i < 100; i++) tenantShare.assertWithinShare('scrape', member('flood'));
    expect(reads()).toBe(0);
  });

  it('refuses a tenant at its share with 429 while others are admitted', async () => {
    const { tenantShare, setBacklog, counts, settle } = setup();
    setBacklog(80);
    counts.set('flood', 50);
    counts.set('calm', 3);
    tenantShare.assertWithinShare('scrape', member('flood')); // first call starts the read: admitted
    await settle();
    expect(() => tenantShare.assertWithinShare('scrape', member('flood'))).toThrow(TenantBacklogShareError);
    expect(() => tenantShare.assertWithinShare('scrape', member('calm'))).not.toThrow();
  });

  it('counts what it admitted since the read', async () => {
    const { tenantShare, setBacklog, counts, settle } = setup();
    setBacklog(60);
    counts.set('acme', 47);
    tenantShare.assertWithinShare('scrape', member('acme'));
    await settle();
    for (let i = 0; i < 3; i++) tenantShare.assertWithinShare('scrape', member('acme'));
    expect(() => tenantShare.assertWithinShare('scrape', member('acme'))).toThrow(/has 50 scrape jobs/);
  });

  it('reads again after refreshMs, not before', async () => {
    const { tenantShare, setBacklog, settle, reads, advance } = setup();
    setBacklog(60);
    tenantShare.assertWithinShare('scrape', member('acme'));
    await settle();
    tenantShare.assertWithinShare('scrape', member('acme'));
    expect(reads()).toBe(1);
    advance(1000);
    setBacklog(60);
    tenantShare.assertWithinShare('scrape', member('acme'));
    await settle();
    expect(reads()).toBe(2);
  });

  it('does not limit admin keys, a type without admission, or a share of 100%', async () => {
    const { tenantShare, setBacklog, counts, settle } = setup();
    setBacklog(99);
    counts.set('default', 99);
    tenantShare.assertWithinShare('scrape', member('default'));
    await settle();
    const admin: Caller = { keyId: 'key_0123456789abcdef', tenant: 'default', role: 'admin' };
    expect(() => tenantShare.assertWithinShare('scrape', admin)).not.toThrow();
    expect(() => tenantShare.assertWithinShare('document', member('default'))).not.toThrow();
    const off = setup(1);
    off.setBacklog(99);
    off.counts.set('default', 99);
    off.tenantShare.assertWithinShare('scrape', member('default'));
    await off.settle();
    expect(() => off.tenantShare.assertWithinShare('scrape', member('default'))).not.toThrow();
  });
});
