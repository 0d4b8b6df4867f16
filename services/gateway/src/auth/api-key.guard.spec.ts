import { presentedKey } from './presented-key';
import { isPublicPath } from './authentication.middleware';
import { roleAllows } from './route-access';
import { tenantScope } from './caller';

const headers = (h: Record<string, string>) => ({ headers: h });

describe('presentedKey', () => {
  it('takes the Bearer token of Authorization, any case of the scheme', () => {
    expect(presentedKey(headers({ authorization: 'Bearer abc' }))).toBe('abc');
    expect(presentedKey(headers({ authorization: 'bearer  abc ' }))).toBe('abc');
  });

  it('takes X-API-Key when there is no Bearer token', () => {
    expect(presentedKey(headers({ 'x-api-key': ' abc ' }))).toBe('abc');
    expect(presentedKey(headers({ authorization: 'Basic dXNlcjpwdw==', 'x-api-key': 'abc' }))).toBe('abc');
  });

  it('prefers Authorization over X-API-Key', () => {
    expect(presentedKey(headers({ authorization: 'Bearer one', 'x-api-key': 'two' }))).toBe('one');
  });

  it('is null without a key, or with a malformed Authorization', () => {
    expect(presentedKey(headers({}))).toBeNull();
    expect(presentedKey(headers({ authorization: 'Bearer' }))).toBeNull();
    expect(presentedKey(headers({ authorization: 'Bearer a b' }))).toBeNull();
    expect(presentedKey(headers({ 'x-api-key': '  ' }))).toBeNull();
  });
});

describe('roles', () => {
  it('rank admin over member over reader', () => {
    expect(roleAllows('admin', 'member')).toBe(true);
    expect(roleAllows('member', 'member')).toBe(true);
    expect(roleAllows('member', 'reader')).toBe(true);
    expect(roleAllows('reader', 'member')).toBe(false);
    expect(roleAllows('member', 'admin')).toBe(false);
  });

  it('an admin reads every tenant, anyone else its own', () => {
    expect(tenantScope({ keyId: 'k', tenant: 'acme', role: 'admin' })).toBeNull();
    expect(tenantScope({ keyId: 'k', tenant: 'acme', role: 'member' })).toBe('acme');
    expect(tenantScope({ keyId: 'k', tenant: 'acme', role: 'reader' })).toBe('acme');
  });
});

describe('isPublicPath', () => {
  it('opens health, metrics and the docs only, spelled exactly', () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/docs', '/docs/openapi.json']) {
      expect(isPublicPath(path)).toBe(true);
    }
    for (const path of ['/jobs', '/HEALTH/live', '/metrics/', '/docsx', '/admin/keys', '/']) {
      expect(isPublicPath(path)).toBe(false);
    }
  });
});
