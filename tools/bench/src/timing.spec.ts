import { cpuMicrosPerCall, median } from './timing';

describe('bench timing', () => {
  it('takes the median of an odd and an even count without reordering its input', () => {
    const samples = [5, 1, 3];
    expect(median(samples)).toBe(3);
    expect(samples).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('calls the measured function the number of times asked', () => {
    let calls = 0;
    const micros = cpuMicrosPerCall(() => (calls += 1), 1000);
    expect(calls).toBe(1000);
    expect(micros).toBeGreaterThanOrEqual(0);
  });
});
