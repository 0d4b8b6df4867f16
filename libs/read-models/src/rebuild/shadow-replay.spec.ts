import type { KafkaMessage } from 'kafkajs';
import { encodeEvent } from '@app/contracts';
import { jobRequested } from '@app/contracts/testing';
import { decodeForReplay } from './shadow-replay';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

function message(offset: string, value: Buffer | null, traceparent?: string): KafkaMessage {
  return {
    key: null,
    value,
    offset,
    timestamp: '0',
    attributes: 0,
    headers: traceparent ? { traceparent: Buffer.from(traceparent) } : {},
  };
}

describe('decodeForReplay', () => {
  it('decodes events like the live consumer: logical topic, partition, offset and trace id', () => {
    const event = jobRequested();
    const { events, invalid } = decodeForReplay('jobs.requested', 2, [
      message('7', encodeEvent(event), `00-${TRACE}-b7ad6b7169203331-01`),
      message('8', encodeEvent(event)),
    ]);
    expect(invalid).toBe(0);
    expect(events).toEqual([
      { event, topic: 'jobs.requested', partition: 2, offset: '7', traceId: TRACE },
      { event, topic: 'jobs.requested', partition: 2, offset: '8', traceId: null },
    ]);
  });

  it('skips and counts what the live consumer dead-letters (empty, not JSON, invalid)', () => {
    const { events, invalid } = decodeForReplay('jobs.requested', 0, [
      message('0', null),
      message('1', Buffer.from('{not json')),
      message('2', Buffer.from(JSON.stringify({ ...jobRequested(), type: 'Nope' }))),
      message('3', encodeEvent(jobRequested())),
    ]);
    expect(invalid).toBe(3);
    expect(events.map((e) => e.offset)).toEqual(['3']);
  });
});
