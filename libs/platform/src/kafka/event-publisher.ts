import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { encodeEvent, type EncodedEvent, type EventEnvelope } from '@app/contracts';
import type { KafkaConfig } from '../config/common-config';
import type { Logger } from '../logging/logger';
import { eventHeaders, type StringHeaders } from './message-headers';
import { KafkaUnavailableError } from './kafka-unavailable.error';
import { PartitionRouting } from './partition-routing';
import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { injectContext, jobAttributes, SpanKind, tracer } from '../telemetry/tracing';

export interface OutgoingEvent {
  topic: string;
  event: EventEnvelope;
  headers?: StringHeaders;
  /** `encodeEvent(event)`, when the caller already encoded (so validated) it; encoded here otherwise. */
  encoded?: EncodedEvent;
}

export interface RawMessage {
  topic: string;
  key: string | null;
  value: Buffer | string | null;
  headers?: StringHeaders;
}

/**
 * How many times one send goes out for partitions KafkaJS reported written but never sent (see
 * `PartitionRouting`); each round follows a leader move, so more than two is already unusual.
 */
const MAX_SEND_ROUNDS = 5;

interface PendingSend {
  messages: RawMessage[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Publishes events with an idempotent producer and acks=all: a returned promise resolves only after
 * every replica in the ISR has the event. Calls made while a send is in flight are grouped into the
 * next send (group commit), because the idempotent producer allows one request in flight and a
 * request per event would cap throughput at one round trip per event.
 */
export class EventPublisher {
  private producer: Producer;
  private queue: PendingSend[] = [];
  private sending = false;
  private connected = false;
  /**
   * Set when a send failed. Kafka may or may not have appended it (a response lost to a broker shutdown),
   * and KafkaJS then reuses the batch's sequence numbers: the broker answers every later send to that
   * partition with OUT_OF_ORDER_SEQUENCE_NUMBER, or, when a new batch happens to match the old one's
   * range, acknowledges it as a duplicate without writing it (silent loss). A new producer (new producer
   * id, sequences from 0) before the next send avoids both; what it re-sends carries the same event
   * ids, which consumers deduplicate.
   */
  private renewBeforeNextSend = false;
  /** Where each send's messages had to go, to catch those KafkaJS dropped (see `PartitionRouting`). */
  private readonly routing = new PartitionRouting();

  constructor(
    private readonly kafka: Kafka,
    private readonly config: KafkaConfig,
    private readonly logger: Logger,
    private readonly options: { transactionalId?: string } = {},
  ) {
    this.producer = this.createProducer();
  }

  private createProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      // murmur2, like the Java client: a job's key maps to the same partition whichever client wrote it
      // (KafkaJS's DefaultPartitioner, its answers recorded to check each send's acknowledgements).
      createPartitioner: this.routing.createPartitioner,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      transactionalId: this.options.transactionalId,
      retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 3 },
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }

  /**
   * Validates and publishes events (key = job id); resolves once Kafka acknowledged all of them, and
   * the prepared messages `alongside` (dead letters) too: they go out in the same send.
   */
  async publish(events: OutgoingEvent[], alongside: RawMessage[] = []): Promise<void> {
    // One producer span per job and call (an attempt's StageStarted and outcome share one), child of the
    // caller's span; its context rides in the headers, so the consumer's span continues the same trace
    // (the group-commit send runs outside the caller's context).
    const byJob = new Map<string, OutgoingEvent[]>();
    for (const outgoing of events) {
      const mine = byJob.get(outgoing.event.jobId);
      if (mine) mine.push(outgoing);
      else byJob.set(outgoing.event.jobId, [outgoing]);
    }
    const spans = new Map<string, Span>();
    for (const [jobId, mine] of byJob) {
      const topics = [...new Set(mine.map((outgoing) => outgoing.topic))].join(', ');
      spans.set(
        jobId,
        tracer.startSpan(`publish ${topics}`, {
          kind: SpanKind.PRODUCER,
          attributes: {
            ...jobAttributes(mine[0].event),
            'event.type': mine.map((outgoing) => outgoing.event.type).join(', '),
            'messaging.system': 'kafka',
            'messaging.destination.name': topics,
            'messaging.batch.message_count': mine.length,
          },
        }),
      );
    }
    const messages = events.map(({ topic, event, headers, encoded }) => {
      const all = eventHeaders(event, headers);
      injectContext(trace.setSpan(context.active(), spans.get(event.jobId)!), all);
      return { topic, key: event.jobId, value: encoded ?? encodeEvent(event), headers: all };
    });
    try {
      await this.publishRaw([...messages, ...alongside]);
    } catch (error) {
      for (const span of spans.values())
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'not acknowledged' });
      throw error;
    } finally {
      for (const span of spans.values()) span.end();
    }
  }

  /** Publishes prepared messages as they are (dead letters keep the original bytes). */
  publishRaw(messages: RawMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    if (!this.connected) return Promise.reject(new KafkaUnavailableError('Kafka producer is not connected'));
    const acknowledged = new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, resolve, reject });
    });
    this.flushSoon();
    return this.withTimeout(acknowledged);
  }

  private withTimeout(acknowledged: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KafkaUnavailableError(`Kafka did not acknowledge within ${this.config.sendTimeoutMs} ms`),
          ),
        this.config.sendTimeoutMs,
      );
    });
    return Promise.race([acknowledged, timeout]).finally(() => clearTimeout(timer));
  }

  private flushSoon(): void {
    if (this.sending) return;
    this.sending = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        if (this.renewBeforeNextSend) await this.renewProducer();
        await this.send(groupByTopic(batch, this.config.topicPrefix));
        for (const pending of batch) pending.resolve();
      } catch (error) {
        this.renewBeforeNextSend = true;
        this.logger.warn({ err: error }, 'publish failed');
        const failure = new KafkaUnavailableError('Kafka did not acknowledge the events', { cause: error });
        for (const pending of batch) pending.reject(failure);
      }
    }
    this.sending = false;
  }

  /**
   * One send, acknowledged for every partition its messages went to. Partitions KafkaJS left out after
   * a leader move (its answer acknowledges the send, but not them) are sent again by the same producer:
   * their sequence numbers were given back when their leader refused them, and the same messages in
   * the same order are what a duplicate check would compare, so nothing is written twice.
   */
  private async send(topicMessages: TopicMessages[]): Promise<void> {
    let pending = topicMessages;
    for (let round = 1; ; round += 1) {
      const unwritten = await this.routing.send(pending, (messages) =>
        this.producer.sendBatch({ acks: -1, topicMessages: messages }),
      );
      if (unwritten.messages.length === 0) return;
      if (round >= MAX_SEND_ROUNDS) {
        throw new Error(
          `Kafka acknowledged no write to ${unwritten.partitions.join(', ')} after ${round} sends`,
        );
      }
      this.logger.warn(
        { partitions: unwritten.partitions, round },
        'a send was acknowledged without some partitions (their leader moved); sending their messages again',
      );
      pending = unwritten.messages;
    }
  }

  private async renewProducer(): Promise<void> {
    const previous = this.producer;
    this.producer = this.createProducer();
    await previous.disconnect().catch(() => undefined);
    await this.producer.connect();
    this.renewBeforeNextSend = false;
    this.logger.info('producer renewed after a failed send (new producer id)');
  }
}

function groupByTopic(batch: PendingSend[], prefix: string): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const pending of batch) {
    for (const message of pending.messages) {
      const topic = prefix + message.topic;
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push({ key: message.key, value: message.value, headers: message.headers });
    }
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
