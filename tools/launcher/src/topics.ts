import { allTopics } from '@app/contracts';
import {
  awaitGroupCoordinator,
  createLogger,
  EnvReader,
  createKafkaClient,
  ensureTopics,
  readKafkaConfig,
} from '@app/platform';

/** Creates every topic (retention forever, 12 partitions) and waits for the group coordinator. */
export async function prepareKafka(env: NodeJS.ProcessEnv): Promise<string[]> {
  const reader = new EnvReader(env);
  const config = readKafkaConfig(reader, 'launcher');
  const maxAttempts = reader.int('RETRY_MAX_ATTEMPTS', { default: 4, min: 1, max: 20 });
  reader.done();
  // Errors while the cluster is still electing its group coordinator are expected here, so only fatal ones print.
  const kafka = createKafkaClient(config, createLogger('launcher', 'fatal'));
  const topics = allTopics(maxAttempts);
  await ensureTopics(kafka, config, topics);
  await awaitGroupCoordinator(kafka, 60_000);
  return topics;
}
