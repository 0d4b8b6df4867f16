import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { DEFAULT_TENANT_ID } from '@app/contracts';
import { LOGGER, SERVICE_CONFIG, type Logger } from '@app/platform';
import { ApiKeyStore, TenantRateBuckets } from '@app/read-models';
import { ApiKeysAdminController } from '../admin/keys/api-keys-admin.controller';
import type { GatewayConfig } from '../gateway.config';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyGuard } from './api-key.guard';
import { TenantRateLimiter } from './tenant-rate-limiter';

/**
 * `EVENT_JOBS_ADMIN_KEY`, when set, is an admin key of the default tenant: created at start-up if its
 * hash is not stored yet (every replica may try; the insert is idempotent). Scripts and CI know it.
 */
@Injectable()
class ConfiguredAdminKey implements OnApplicationBootstrap {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(ApiKeyStore) private readonly keys: ApiKeyStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.auth.bootstrapAdminKey;
    if (secret === undefined) return;
    const { id, created } = await this.keys.ensureAdminKey(secret, DEFAULT_TENANT_ID);
    if (created) this.logger.info({ keyId: id }, 'admin key from EVENT_JOBS_ADMIN_KEY stored');
  }
}

/** API keys: who is calling (the guard on every route), tenant rates, and the keys' admin routes. */
@Module({
  controllers: [ApiKeysAdminController],
  providers: [
    { provide: ApiKeyStore, useFactory: (ds: DataSource) => new ApiKeyStore(ds), inject: [DataSource] },
    {
      provide: ApiKeyAuthenticator,
      useFactory: (store: ApiKeyStore, config: GatewayConfig) =>
        new ApiKeyAuthenticator(store, config.auth.cacheMs),
      inject: [ApiKeyStore, SERVICE_CONFIG],
    },
    {
      provide: TenantRateLimiter,
      useFactory: (ds: DataSource, config: GatewayConfig) =>
        new TenantRateLimiter(new TenantRateBuckets(ds), config.auth.rateLimits),
      inject: [DataSource, SERVICE_CONFIG],
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    ConfiguredAdminKey,
  ],
})
export class AuthModule {}
