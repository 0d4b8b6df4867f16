import { formatSseComment, formatSseEvent, formatSseRetry, SSE_HEARTBEAT } from './sse-format';
import { formatEventId, parseEventId } from './stream-cursor';

describe('SSE formatting', () => {
  it('writes event, id and JSON data lines, then a blank line', () => {
    expect(formatSseEvent({ event: 'StageStarted', id: '17-3', data: { a: 1, b: 'x' } })).toBe(
      'event: StageStarted\nid: 17-3\ndata: {"a":1,"b":"x"}\n\n',
    );
  });

  it('leaves the id out when there is none', () => {
    expect(formatSseEvent({ event: 'job', data: null })).toBe('event: job\ndata: null\n\n');
  });

  it('never lets a line break in a field start a new field', () => {
    const frame = formatSseEvent({ event: 'a\nb', id: '1\r2', data: { text: 'line\nbreak\u2028' } });
    expect(frame.split('\n').filter((line) => line !== '')).toEqual([
      'event: a b',
      'id: 1 2',
      'data: {"text":"line\\nbreak\u2028"}',
    ]);
  });

  it('writes comments, heartbeats and the retry field', () => {
    expect(formatSseComment('hello')).toBe(': hello\n\n');
    expect(SSE_HEARTBEAT).toBe(': hb\n\n');
    expect(formatSseRetry(2500.7)).toBe('retry: 2500\n\n');
  });
});

describe('stream event ids', () => {
  it('round-trips <epoch>-<seq> and accepts a bare seq', () => {
    expect(parseEventId(formatEventId('16439', 42))).toEqual({ epoch: '16439', seq: 42 });
    expect(parseEventId('7')).toEqual({ epoch: null, seq: 7 });
  });

  it.each(['', 'x', '-1', '1-', '1-2-3', '1.5', '9'.repeat(16)])('refuses %p', (value) => {
    expect(parseEventId(value)).toBeNull();
  });
});
