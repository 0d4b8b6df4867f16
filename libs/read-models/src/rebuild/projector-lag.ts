import type { LagReader } from '@app/platform';
import type { ProjectorLag } from './rebuild-status';

/**
 * The live projector's lag, summed per logical topic; null when Kafka does not answer within the
 * timeout or fails (a status request must not hang on it).
 */
export async function readProjectorLag(
  lag: Pick<LagReader, 'read'>,
  options: { prefix: string; group: string; topics: readonly string[]; timeoutMs?: number },
): Promise<ProjectorLag | null> {
  const { prefix, group, topics, timeoutMs = 2000 } = options;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  const read = (async (): Promise<ProjectorLag> => {
    const partitions = await lag.read(
      prefix + group,
      topics.map((topic) => prefix + topic),
    );
    const perTopic: Record<string, number> = {};
    let total = 0;
    for (const p of partitions) {
      const topic = p.topic.slice(prefix.length);
      perTopic[topic] = (perTopic[topic] ?? 0) + p.lag;
      total += p.lag;
    }
    return { group, total, perTopic };
  })().catch(() => null);
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
