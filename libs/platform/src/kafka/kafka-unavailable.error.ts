/** Kafka did not acknowledge in time (broker down, partition leaderless): the caller may retry later. */
export class KafkaUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaUnavailableError';
  }
}
