import { ApiKeyStore, isDatabaseUnavailable, type ApiKeyPrincipal } from '@app/read-models';
import { DependencyUnavailableError } from '../http/api-errors';
import type { Caller } from './caller';

interface CachedLookup {
  principal: ApiKeyPrincipal | null;
  until: number;
}

/** Most presented secrets remembered; past it the cache starts over (a flood of made-up keys). */
const MAX_CACHED = 10_000;

/**
 * Resolves a presented secret to its caller, remembering each answer for `cacheMs` (under a second),
 * so a busy client costs one PostgreSQL lookup per period, and a revocation reaches every gateway
 * replica within `cacheMs`. Unknown secrets are remembered too, so guessing costs PostgreSQL no more.
 *
 * While PostgreSQL is unreachable, a key whose last answer was "valid" stays valid (its expiry still
 * counts): the gateway keeps accepting jobs into Kafka through a PostgreSQL outage, as it did before
 * keys. A revocation made meanwhile lands when PostgreSQL is back. A key never seen before cannot be
 * checked and gets 503.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, CachedLookup>();

  constructor(
    private readonly store: ApiKeyStore,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The caller, or null for a key that is unknown, revoked or expired. */
  async authenticate(secret: string): Promise<Caller | null> {
    const at = this.now();
    let entry = this.cache.get(secret);
    if (entry === undefined || entry.until <= at) {
      entry = { principal: await this.lookUp(secret, entry), until: at + this.cacheMs };
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(secret, entry);
    }
    const principal = entry.principal;
    if (principal === null) return null;
    if (principal.expiresAt !== null && principal.expiresAt.getTime() <= at) return null;
    return { keyId: principal.keyId, tenant: principal.tenant, role: principal.role };
  }

  private async lookUp(secret: string, last: CachedLookup | undefined): Promise<ApiKeyPrincipal | null> {
    try {
      return await this.store.resolve(secret);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      if (last?.principal) return last.principal;
      throw new DependencyUnavailableError('The API keys (PostgreSQL)', error);
    }
  }
}
