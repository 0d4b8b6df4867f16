import { formatSseComment, formatSseEvent, formatSseRetry, SSE_HEARTBEAT } from './sse-format';
import { parseEventId } from './stream-cursor';

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
  it('takes an event id, a UUID, in lower case', () => {
    expect(parseEventId('0B5E3C7A-3F1D-5C1E-8F7A-2A9D6C4B1E0F')).toBe('0b5e3c7a-3f1d-5c1e-8f7a-2a9d6c4b1e0f');
  });

  it.each([
    '',
    'x',
    '16439-4',
    '7',
    '0b5e3c7a-3f1d-5c1e-8f7a-2a9d6c4b1e0',
    '0b5e3c7a3f1d5c1e8f7a2a9d6c4b1e0f',
  ])('refuses %p', (value) => {
    expect(parseEventId(value)).toBeNull();
  });
});
