/**
 * The admin key of every system a bench starts (its gateways' EVENT_JOBS_ADMIN_KEY): benches call the
 * API like any client, with a key. At least 32 characters, like any configured key.
 */
export const BENCH_ADMIN_KEY = 'ejk_bench-admin-key-0123456789abcdefghijklm';

/** `authorization: Bearer <bench key>` as a header record. */
export function benchAuth(): Record<string, string> {
  return { authorization: `Bearer ${BENCH_ADMIN_KEY}` };
}
