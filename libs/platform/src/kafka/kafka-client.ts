import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { KafkaConfig } from '../config/common-config';
import type { Logger } from '../logging/logger';
import { installKafkaIdleTimerFix } from './kafkajs-idle-timer-fix';

/** KafkaJS logs through our JSON logger instead of its own console format. */
function logCreatorFor(logger: Logger) {
  return () =>
    ({ level, log, namespace }: LogEntry): void => {
      const { message, ...extra } = log;
      // We bound producer retries on purpose (callers get a timely error; ids make re-sends dedupe).
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      const fields = { kafka: namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.debug(fields, message);
      else logger.trace(fields, message);
    };
}

/** The one place that constructs a KafkaJS client; services use the classes of this folder instead. */
export function createKafkaClient(config: KafkaConfig, logger: Logger): Kafka {
  installKafkaIdleTimerFix();
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    logLevel: logLevel.INFO,
    logCreator: logCreatorFor(logger.child({ component: 'kafkajs' })),
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 5 },
  });
}
