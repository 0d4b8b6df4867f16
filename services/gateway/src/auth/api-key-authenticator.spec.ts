import type { ApiKeyPrincipal, ApiKeyStore } from '@app/read-models';
import { DependencyUnavailableError } from '../http/api-errors';
import { ApiKeyAuthenticator } from './api-key-authenticator';

class FakeStore {
  lookups = 0;
  down = false;
  readonly keys = new Map<string, ApiKeyPrincipal>();
  async resolve(secret: string): Promise<ApiKeyPrincipal | null> {
    this.lookups += 1;
    if (this.down)
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    return this.keys.get(secret) ?? null;
  }
}

function setup(cacheMs = 500) {
  const store = new FakeStore();
  let now = 1_000_000;
  const authenticator = new ApiKeyAuthenticator(store as unknown as ApiKeyStore, cacheMs, () => now);
  return { store, authenticator, advance: (ms: number) => (now += ms), at: () => now };
}

const MEMBER: ApiKeyPrincipal = { keyId: 'key_1', tenant: 'acme', role: 'member', expiresAt: null };

describe('ApiKeyAuthenticator', () => {
  it('answers the caller of a known key, without its secret', async () => {
    const { store, authenticator } = setup();
    store.keys.set('secret-1', MEMBER);
    expect(await authenticator.authenticate('secret-1')).toEqual({
      keyId: 'key_1',
      tenant: 'acme',
      role: 'member',
    });
  });

  it('reuses a lookup within the cache period, then asks again (a revocation lands within it)', async () => {
    const { store, authenticator, advance } = setup(500);
    store.keys.set('secret-1', MEMBER);
    await authenticator.authenticate('secret-1');
    advance(499);
    await authenticator.authenticate('secret-1');
    expect(store.lookups).toBe(1);

    store.keys.delete('secret-1'); // revoked
    advance(1);
    expect(await authenticator.authenticate('secret-1')).toBeNull();
    expect(store.lookups).toBe(2);
  });

  it('remembers unknown keys too, so guessing costs one lookup per key and period', async () => {
    const { store, authenticator } = setup();
    expect(await authenticator.authenticate('made-up')).toBeNull();
    expect(await authenticator.authenticate('made-up')).toBeNull();
    expect(store.lookups).toBe(1);
  });

  it('refuses a cached key from the moment it expires', async () => {
    const { store, authenticator, advance, at } = setup(1000);
    store.keys.set('secret-1', { ...MEMBER, expiresAt: new Date(at() + 100) });
    expect(await authenticator.authenticate('secret-1')).not.toBeNull();
    advance(100);
    expect(await authenticator.authenticate('secret-1')).toBeNull();
    expect(store.lookups).toBe(1);
  });

  it('with a cache period of 0 asks every time', async () => {
    const { store, authenticator } = setup(0);
    store.keys.set('secret-1', MEMBER);
    await authenticator.authenticate('secret-1');
    await authenticator.authenticate('secret-1');
    expect(store.lookups).toBe(2);
  });

  it('keeps a known key valid while PostgreSQL is unreachable; an unseen key gets 503', async () => {
    const { store, authenticator, advance } = setup(500);
    store.keys.set('secret-1', MEMBER);
    await authenticator.authenticate('secret-1');
    store.down = true;
    advance(10_000);
    expect(await authenticator.authenticate('secret-1')).toMatchObject({ keyId: 'key_1' });
    await expect(authenticator.authenticate('never-seen')).rejects.toBeInstanceOf(DependencyUnavailableError);
    store.down = false;
    store.keys.delete('secret-1'); // revoked during the outage: lands once PostgreSQL answers
    advance(500);
    expect(await authenticator.authenticate('secret-1')).toBeNull();
  });
});
