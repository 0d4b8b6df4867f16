import { ApiClient } from './api-client';
import { SystemUnderTest, type SystemOptions } from './system-under-test';
import type { TestSite } from './test-site';

export interface StartedSystem {
  readonly system: SystemUnderTest;
  readonly api: ApiClient;
}

/**
 * The set-up most e2e files share. Registers a beforeAll that starts `site` (when given), then the
 * system with the other options and an ApiClient on its gateway, and an afterAll that stops the
 * system, then the site. Call it inside a describe block, before hooks that need the system; read
 * `system` and `api` in tests and later hooks.
 */
export function useSystemUnderTest(options: SystemOptions & { site?: TestSite } = {}): StartedSystem {
  const { site, ...systemOptions } = options;
  let system: SystemUnderTest | undefined;
  let api: ApiClient | undefined;
  beforeAll(async () => {
    await site?.start();
    system = await SystemUnderTest.start(systemOptions);
    api = new ApiClient(system.baseUrl);
  });
  afterAll(async () => {
    await system?.stop();
    await site?.stop();
  });
  return {
    get system(): SystemUnderTest {
      if (!system) throw new Error('the system under test starts in beforeAll');
      return system;
    },
    get api(): ApiClient {
      if (!api) throw new Error('the system under test starts in beforeAll');
      return api;
    },
  };
}
