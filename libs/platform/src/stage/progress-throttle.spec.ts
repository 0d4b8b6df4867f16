import { ProgressThrottle, type JobProgressGate } from './progress-throttle';

describe('ProgressThrottle (fake clock)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const options = { afterMs: 1000, intervalMs: 500 };

  function make(gate?: JobProgressGate): { sent: number[]; throttle: ProgressThrottle<number> } {
    const sent: number[] = [];
    const throttle = new ProgressThrottle<number>((value) => sent.push(value), Date.now(), options, gate);
    return { sent, throttle };
  }

  it('sends nothing for an attempt that ends before afterMs, however often it reports', () => {
    const { sent, throttle } = make();
    for (let i = 0; i < 1000; i++) throttle.offer(i);
    jest.advanceTimersByTime(999);
    throttle.close();
    jest.advanceTimersByTime(10_000);
    expect(sent).toEqual([]);
  });

  it('sends the latest value once afterMs passed, then at most one per interval (trailing)', () => {
    const { sent, throttle } = make();
    throttle.offer(1);
    throttle.offer(2);
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([2]);
    throttle.offer(3);
    throttle.offer(4);
    jest.advanceTimersByTime(499);
    expect(sent).toEqual([2]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([2, 4]);
    // Quiet for longer than the interval: the next value goes at once.
    jest.advanceTimersByTime(2000);
    throttle.offer(5);
    expect(sent).toEqual([2, 4, 5]);
  });

  it('sends nothing once closed: a pending value is dropped (the outcome supersedes it)', () => {
    const { sent, throttle } = make();
    jest.advanceTimersByTime(1000);
    throttle.offer(1);
    throttle.offer(2);
    throttle.close();
    jest.advanceTimersByTime(5000);
    throttle.offer(3);
    expect(sent).toEqual([1]);
  });

  it("shares one interval between a job's attempts running side by side", () => {
    const gate: JobProgressGate = { nextAt: 0 };
    const a = make(gate);
    const b = make(gate);
    jest.advanceTimersByTime(1000);
    a.throttle.offer(1);
    b.throttle.offer(10);
    expect([...a.sent, ...b.sent]).toEqual([1]);
    jest.advanceTimersByTime(500);
    expect(b.sent).toEqual([10]);
    a.throttle.offer(2);
    jest.advanceTimersByTime(499);
    expect(a.sent).toEqual([1]);
    jest.advanceTimersByTime(1);
    expect(a.sent).toEqual([1, 2]);
  });

  it('with afterMs 0 the first value goes at once', () => {
    const sent: number[] = [];
    const throttle = new ProgressThrottle<number>((v) => sent.push(v), Date.now(), {
      afterMs: 0,
      intervalMs: 500,
    });
    throttle.offer(7);
    expect(sent).toEqual([7]);
    throttle.close();
  });
});
