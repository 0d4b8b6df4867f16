import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// Relative import: Jest loads global setup without moduleNameMapper.
import { kafkaTopicDefaults, LocalStack, stackEnvironment } from '../../tools/stack/src';
import { setHarnessState } from './state';

/**
 * Starts real Kafka and PostgreSQL (and Jaeger with TEST_JAEGER=1) on free ports in a fresh temp
 * folder, and publishes their addresses as KAFKA_BROKERS / DATABASE_URL (+ OTEL_EXPORTER_OTLP_ENDPOINT,
 * JAEGER_QUERY_URL) for the test files and the processes they spawn. TEST_KAFKA_BROKERS=3 runs a
 * three-node Kafka cluster instead of one broker (and KAFKA_REPLICATION_FACTOR=3,
 * KAFKA_MIN_INSYNC_REPLICAS=2 unless set).
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'event-jobs-test-'));
  // mkdtemp makes it 0700; PostgreSQL runs as another user when we are root and must get through.
  await fs.promises.chmod(dataDir, 0o755);
  const stack = new LocalStack();
  const jaeger = process.env.TEST_JAEGER === '1';
  const kafkaBrokers = Number(process.env.TEST_KAFKA_BROKERS ?? 1);
  if (!Number.isInteger(kafkaBrokers) || kafkaBrokers < 1) {
    throw new Error(`TEST_KAFKA_BROKERS=${process.env.TEST_KAFKA_BROKERS} is not a count of Kafka nodes`);
  }
  try {
    const endpoints = await stack.start({
      kafkaBrokers,
      dataDir,
      freePorts: true,
      fast: true,
      jaeger,
      log: (line) => console.log(`[harness] ${line}`),
    });
    Object.assign(
      process.env,
      { ...kafkaTopicDefaults(kafkaBrokers), ...process.env },
      stackEnvironment(endpoints),
    );
    setHarnessState({ stack, dataDir });
    const parts = [`Kafka ${endpoints.kafkaBrokers}`, `PostgreSQL ${endpoints.databaseUrl}`];
    if (endpoints.jaegerQueryUrl) parts.push(`Jaeger ${endpoints.jaegerQueryUrl}`);
    console.log(`\n[harness] ${parts.join(', ')} started in ${Date.now() - started} ms (data in ${dataDir})`);
  } catch (error: unknown) {
    await fs.promises.rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
