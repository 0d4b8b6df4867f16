import {
  Partitioners,
  type ICustomPartitioner,
  type Message,
  type RecordMetadata,
  type TopicMessages,
} from 'kafkajs';

interface Route {
  topic: string;
  partition: number;
}

/**
 * Which partitions a producer's send had to reach, checked against the partitions Kafka acknowledged.
 *
 * Why: KafkaJS 2.2.4 (`producer/sendMessages.js`) keeps each broker's answer to a send across the
 * send's retries and, on a retry, sends only to brokers that have not answered yet. When one broker
 * refuses its part with NOT_LEADER_OR_FOLLOWER (the client's metadata was stale, e.g. a node that came
 * back after a failover no longer leads what it led before), the retry routes that part's partitions
 * to their new leaders, and a new leader that already answered the first attempt (for its own
 * partitions) is sent nothing: those messages are dropped and `sendBatch` resolves as if all were
 * written. The producer gave no error, so nothing was retried: a job accepted with 202 that no stage
 * ever saw, a StageStarted or StageCompleted the projector never got.
 *
 * KafkaJS asks the partitioner for every message on every attempt, so recording its answers tells the
 * partitions a send had to reach; one missing from the acknowledgements was never written, and
 * `send` returns its messages to be sent again.
 */
export class PartitionRouting {
  private routes: Map<Message, Route> | undefined;
  /** A keyless message keeps its first partition: sent again, it goes where it was routed before. */
  private readonly keyless = new WeakMap<Message, number>();

  /** For `kafka.producer({ createPartitioner })`: KafkaJS's default partitioner, its answers recorded. */
  readonly createPartitioner: ICustomPartitioner = () => {
    const partitionOf = Partitioners.DefaultPartitioner();
    return (args) => {
      const { topic, message, partitionMetadata } = args;
      const earlier = this.keyless.get(message);
      const partition =
        earlier !== undefined && earlier < partitionMetadata.length ? earlier : partitionOf(args);
      if (message.key == null && message.partition == null) this.keyless.set(message, partition);
      this.routes?.set(message, { topic, partition });
      return partition;
    };
  };

  /**
   * Runs one send (one at a time) and returns what it left unwritten: the messages (by topic, in their
   * order) of every partition it had to reach that its answer does not acknowledge, and those
   * partitions (`topic[partition]`). Both empty when everything was written.
   */
  async send(
    topicMessages: TopicMessages[],
    sendBatch: (topicMessages: TopicMessages[]) => Promise<RecordMetadata[] | undefined>,
  ): Promise<{ messages: TopicMessages[]; partitions: string[] }> {
    const routes = new Map<Message, Route>();
    this.routes = routes;
    let acknowledged: RecordMetadata[] | undefined;
    try {
      acknowledged = await sendBatch(topicMessages);
    } finally {
      this.routes = undefined;
    }
    const written = new Set(
      (acknowledged ?? [])
        .filter((answer) => answer.errorCode === 0)
        .map((answer) => keyOf(answer.topicName, answer.partition)),
    );
    const unwritten: TopicMessages[] = [];
    const partitions = new Set<string>();
    for (const { topic, messages } of topicMessages) {
      const missing = messages.filter((message) => {
        const route = routes.get(message);
        if (route === undefined || written.has(keyOf(route.topic, route.partition))) return false;
        partitions.add(`${route.topic}[${route.partition}]`);
        return true;
      });
      if (missing.length > 0) unwritten.push({ topic, messages: missing });
    }
    return { messages: unwritten, partitions: [...partitions] };
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
