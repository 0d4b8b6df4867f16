import { LogLimiter } from './log-limiter';

describe('LogLimiter (fake clock)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 5_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  function make(afterMs = 1000, perSecond = 3): { sent: string[]; limiter: LogLimiter<string> } {
    const sent: string[] = [];
    const limiter = new LogLimiter<string>(
      (line) => sent.push(line),
      (dropped) => `${dropped} lines dropped`,
      Date.now(),
      { afterMs, perSecond },
    );
    return { sent, limiter };
  }

  it('sends nothing for an attempt that ends before afterMs', () => {
    const { sent, limiter } = make();
    limiter.offer('a');
    limiter.offer('b');
    jest.advanceTimersByTime(999);
    limiter.close();
    jest.advanceTimersByTime(5000);
    expect(sent).toEqual([]);
  });

  it('sends the lines that waited once afterMs passed, and counts the ones over the limit', () => {
    const { sent, limiter } = make();
    for (const line of ['a', 'b', 'c', 'd', 'e']) limiter.offer(line);
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual(['a', 'b', 'c', '2 lines dropped']);
  });

  it('sends at most perSecond lines a second, then one summary line when the next second starts', () => {
    const { sent, limiter } = make(0, 3);
    for (let i = 1; i <= 10; i++) limiter.offer(`line ${i}`);
    expect(sent).toEqual(['line 1', 'line 2', 'line 3']);
    expect(limiter.unreported).toBe(7);
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual(['line 1', 'line 2', 'line 3', '7 lines dropped']);
    limiter.offer('line 11');
    expect(sent[sent.length - 1]).toBe('line 11');
  });

  it('drops the count of a closed attempt (the outcome ends it)', () => {
    const { sent, limiter } = make(0, 1);
    limiter.offer('a');
    limiter.offer('b');
    limiter.close();
    jest.advanceTimersByTime(5000);
    limiter.offer('c');
    expect(sent).toEqual(['a']);
  });
});
