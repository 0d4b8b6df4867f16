import { allTopics } from '@app/contracts';
import {
  awaitGroupCoordinator,
  awaitPartitionLeaders,
  createLogger,
  EnvReader,
  createKafkaClient,
  ensureTopics,
  readKafkaConfig,
  RETRY_MAX_ATTEMPTS_DOC,
  type KafkaConfig,
} from '@app/platform';

/** The launcher's own typed settings: the Kafka client, and the retry budget that sets the retry topics. */
export function readLauncherKafkaSettings(env: NodeJS.ProcessEnv): {
  config: KafkaConfig;
  maxAttempts: number;
} {
  const reader = new EnvReader(env);
  const config = readKafkaConfig(reader, 'launcher');
  const maxAttempts = reader.int('RETRY_MAX_ATTEMPTS', {
    default: 4,
    min: 1,
    max: 20,
    doc: RETRY_MAX_ATTEMPTS_DOC,
  });
  reader.done();
  return { config, maxAttempts };
}

/**
 * Creates every topic (retention forever, 12 partitions), waits until each partition's leader serves
 * it, and waits for the group coordinator.
 */
export async function prepareKafka(env: NodeJS.ProcessEnv): Promise<string[]> {
  const { config, maxAttempts } = readLauncherKafkaSettings(env);
  // Errors while the cluster is still electing its group coordinator are expected here, so only fatal ones print.
  const kafka = createKafkaClient(config, createLogger('launcher', 'fatal'));
  const topics = allTopics(maxAttempts);
  await ensureTopics(kafka, config, topics);
  await awaitPartitionLeaders(
    kafka,
    topics.map((topic) => config.topicPrefix + topic),
    60_000,
  );
  await awaitGroupCoordinator(kafka, 60_000);
  return topics;
}
