import { MAX_LOCAL_BROKERS } from '@app/launcher/scale-option';

/**
 * BENCH_KAFKA_BROKERS: how many Kafka nodes a bench's stack runs. 1 (the default) is `npm start`'s
 * single broker; 3 is a KRaft cluster with every topic replicated 3x and min ISR 2, as production
 * runs it (`npm start -- --brokers 3`). Read once; a bad value stops the bench naming the variable.
 */
export function benchKafkaNodes(): number {
  const raw = process.env.BENCH_KAFKA_BROKERS?.trim();
  if (raw === undefined || raw === '') return 1;
  const nodes = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(nodes) || nodes < 1 || nodes > MAX_LOCAL_BROKERS) {
    throw new Error(
      `BENCH_KAFKA_BROKERS=${raw} is not a count of Kafka nodes from 1 to ${MAX_LOCAL_BROKERS}`,
    );
  }
  return nodes;
}
