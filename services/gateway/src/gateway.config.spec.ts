import { loadGatewayConfig } from './gateway.config';

describe('loadGatewayConfig: input limits', () => {
  it('has defaults that fit every request the API defines', () => {
    expect(loadGatewayConfig({}).inputLimits).toEqual({
      maxDepth: 32,
      maxKeysPerObject: 1000,
      maxTotalKeys: 10_000,
      maxArrayItems: 10_000,
      maxStringLength: 16_384,
    });
  });

  it('reads each limit from its variable', () => {
    const config = loadGatewayConfig({ GATEWAY_MAX_JSON_DEPTH: '8', GATEWAY_MAX_JSON_STRING_LENGTH: '4096' });
    expect(config.inputLimits).toMatchObject({ maxDepth: 8, maxStringLength: 4096 });
  });

  it('stops on a bad value with a message naming the variable', () => {
    expect(() => loadGatewayConfig({ GATEWAY_MAX_JSON_DEPTH: '0' })).toThrow(
      /GATEWAY_MAX_JSON_DEPTH=0 must be >= 1/,
    );
    expect(() => loadGatewayConfig({ GATEWAY_MAX_JSON_ARRAY_ITEMS: 'many' })).toThrow(
      /GATEWAY_MAX_JSON_ARRAY_ITEMS="many" must be an integer/,
    );
  });
});

describe('loadGatewayConfig: keys', () => {
  it('has no configured keys and a half-second key cache by default', () => {
    expect(loadGatewayConfig({}).auth).toMatchObject({
      bootstrapAdminKey: undefined,
      metricsKey: undefined,
      cacheMs: 500,
    });
  });

  it('takes EVENT_JOBS_ADMIN_KEY and METRICS_KEY of at least 32 characters', () => {
    const admin = 'a'.repeat(32);
    const metrics = 'm'.repeat(40);
    expect(loadGatewayConfig({ EVENT_JOBS_ADMIN_KEY: admin, METRICS_KEY: metrics }).auth).toMatchObject({
      bootstrapAdminKey: admin,
      metricsKey: metrics,
    });
  });

  it('stops on a short or spaced key naming the variable, never echoing the value', () => {
    const short = 'short-secret-value';
    expect(() => loadGatewayConfig({ EVENT_JOBS_ADMIN_KEY: short })).toThrow(
      /EVENT_JOBS_ADMIN_KEY must be at least 32 characters/,
    );
    expect(() => loadGatewayConfig({ EVENT_JOBS_ADMIN_KEY: short })).not.toThrow(new RegExp(short));
    expect(() => loadGatewayConfig({ METRICS_KEY: `${'m'.repeat(20)} ${'m'.repeat(20)}` })).toThrow(
      /METRICS_KEY must be at least 32 characters, without whitespace/,
    );
    expect(() => loadGatewayConfig({ AUTH_CACHE_MS: '5000' })).toThrow(/AUTH_CACHE_MS=5000 must be <= 1000/);
  });
});

describe('loadGatewayConfig: tenant rates', () => {
  it('defaults to 100 a second with a burst of 200, and reads per-tenant overrides', () => {
    expect(loadGatewayConfig({}).auth.rateLimits.default).toEqual({ perSecond: 100, burst: 200 });
    const config = loadGatewayConfig({
      TENANT_RATE_PER_SECOND: '10',
      TENANT_RATE_LIMITS: 'acme=500/1000, globex=2/4',
    });
    expect(config.auth.rateLimits.default).toEqual({ perSecond: 10, burst: 20 });
    expect([...config.auth.rateLimits.overrides]).toEqual([
      ['acme', { perSecond: 500, burst: 1000 }],
      ['globex', { perSecond: 2, burst: 4 }],
    ]);
  });

  it('stops on a malformed override naming the variable', () => {
    for (const value of ['acme=5', 'Acme=5/10', 'acme=0/10', 'acme=5/x']) {
      expect(() => loadGatewayConfig({ TENANT_RATE_LIMITS: value })).toThrow(/TENANT_RATE_LIMITS: /);
    }
  });
});

describe('loadGatewayConfig: key rates', () => {
  it('has none by default, and reads per-key overrides by key id', () => {
    expect(loadGatewayConfig({}).auth.rateLimits.keyOverrides.size).toBe(0);
    const config = loadGatewayConfig({
      KEY_RATE_LIMITS: 'key_3f9a1c0b7d2e4a65=5/10, key_0000000000000001=1/1',
    });
    expect([...config.auth.rateLimits.keyOverrides]).toEqual([
      ['key_3f9a1c0b7d2e4a65', { perSecond: 5, burst: 10 }],
      ['key_0000000000000001', { perSecond: 1, burst: 1 }],
    ]);
  });

  it('stops on a malformed override naming the variable', () => {
    for (const value of ['key_3f9a1c0b7d2e4a65=5', 'acme=5/10', 'key_3F9A1C0B7D2E4A65=5/10', 'key_1=5/10']) {
      expect(() => loadGatewayConfig({ KEY_RATE_LIMITS: value })).toThrow(
        /KEY_RATE_LIMITS: .* is not key id=/,
      );
    }
  });
});

describe('loadGatewayConfig: Jaeger', () => {
  it('has no query API or UI unless given, and a short timeout', () => {
    expect(loadGatewayConfig({}).jaeger).toEqual({ queryUrl: undefined, uiUrl: undefined, timeoutMs: 2000 });
  });

  it('reads the URLs without a trailing slash', () => {
    const config = loadGatewayConfig({
      JAEGER_QUERY_URL: 'http://127.0.0.1:16686/',
      JAEGER_UI_URL: 'https://jaeger.example.com',
      JAEGER_QUERY_TIMEOUT_MS: '500',
    });
    expect(config.jaeger).toEqual({
      queryUrl: 'http://127.0.0.1:16686',
      uiUrl: 'https://jaeger.example.com',
      timeoutMs: 500,
    });
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => loadGatewayConfig({ JAEGER_QUERY_URL: 'jaeger:16686' })).toThrow(/JAEGER_QUERY_URL/);
    expect(() => loadGatewayConfig({ JAEGER_UI_URL: 'not a url' })).toThrow(/JAEGER_UI_URL/);
  });
});
