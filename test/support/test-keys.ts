/**
 * The admin key every system the tests start knows (EVENT_JOBS_ADMIN_KEY of its gateways, see
 * system-under-test.ts): at least 32 characters, like any configured key.
 */
export const TEST_ADMIN_KEY = 'ejk_test-harness-admin-key-0123456789abcdef';

/** `Authorization: Bearer <key>` as a header record. */
export function bearer(key: string = TEST_ADMIN_KEY): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
