import type { KafkaMessage } from 'kafkajs';
import { decodeEvent } from '@app/contracts';
import { deadLetterMessage } from './dead-letter';
import type { RawMessage } from './event-publisher';
import type { ConsumedEvent } from './event-consumer';
import { decodeHeaders } from './message-headers';
import { extractContext } from '../telemetry/tracing';

/** A consumed message: a valid event, or the dead-letter message for one that cannot be consumed. */
export type ReadMessage =
  { ok: true; consumed: ConsumedEvent } | { ok: false; deadLetter: RawMessage; reason: string };

/**
 * Decodes and validates one message of `topic` (logical name) at the consumer edge. `group` is the
 * consumer group named in dead-letter entries.
 */
export function readMessage(
  message: KafkaMessage,
  topic: string,
  partition: number,
  group: string,
): ReadMessage {
  const headers = decodeHeaders(message.headers);
  const decoded = decodeEvent(message.value);
  if (!decoded.ok) {
    return {
      ok: false,
      reason: decoded.reason,
      deadLetter: deadLetterMessage(
        { topic, partition, offset: message.offset, key: message.key, value: message.value, headers },
        group,
        'invalidMessage',
        decoded.reason,
        decoded.errors,
      ),
    };
  }
  return {
    ok: true,
    consumed: {
      event: decoded.event,
      topic,
      partition,
      offset: message.offset,
      headers,
      traceContext: extractContext(headers),
      key: message.key,
      value: message.value,
      group,
    },
  };
}
