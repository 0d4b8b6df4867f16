import { retryDelayMs, type RetryPolicy } from './retry-policy';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, jitter: 0.2 };
const noJitter: RetryPolicy = { ...policy, jitter: 0 };

describe('retryDelayMs', () => {
  it('doubles the delay with every failed attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(noJitter, attempt))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('is the plain exponential delay when the random draw is in the middle', () => {
    expect(retryDelayMs(policy, 3, () => 0.5)).toBe(4000);
  });

  it('spreads by at most -jitter (random 0) and +jitter (random ~1)', () => {
    expect(retryDelayMs(policy, 1, () => 0)).toBe(800);
    expect(retryDelayMs(policy, 1, () => 0.999999)).toBe(1200);
    expect(retryDelayMs(policy, 2, () => 0)).toBe(1600);
    expect(retryDelayMs(policy, 2, () => 0.999999)).toBe(2400);
  });

  it('stays within the jitter bounds for any draw', () => {
    for (let i = 0; i <= 100; i += 1) {
      const delay = retryDelayMs(policy, 2, () => i / 101);
      expect(delay).toBeGreaterThanOrEqual(1600);
      expect(delay).toBeLessThanOrEqual(2400);
    }
  });

  it('is never negative, even with full jitter', () => {
    expect(retryDelayMs({ ...policy, jitter: 1 }, 1, () => 0)).toBe(0);
  });

  it('is 0 with a zero base delay', () => {
    expect(retryDelayMs({ ...policy, baseDelayMs: 0 }, 4, () => 0.9)).toBe(0);
  });
});
