import { STAGE_CATALOG } from '@app/contracts';
import { availableParallelism } from 'node:os';
import {
  EnvReader,
  readKafkaConfig,
  readLogLevel,
  readOpsHttpConfig,
  readStageConfig,
  type KafkaConfig,
  type LogLevel,
  type OpsHttpConfig,
  type StageRuntimeConfig,
} from '@app/platform';

export interface RiskConfig {
  logLevel: LogLevel;
  ops: OpsHttpConfig;
  kafka: KafkaConfig;
  stage: StageRuntimeConfig;
  groupId: string;
  /** Worker threads for the numerical work (the event loop keeps its own core for Kafka heartbeats). */
  threads: number;
}

export function loadRiskConfig(env: NodeJS.ProcessEnv = process.env): RiskConfig {
  const reader = new EnvReader(env);
  const threads = reader.int('RISK_THREADS', {
    default: Math.max(1, availableParallelism() - 1),
    min: 1,
    max: 64,
    defaultDoc: 'cores - 1',
    doc: 'worker threads for the numerical work',
  });
  const config: RiskConfig = {
    logLevel: readLogLevel(reader),
    ops: readOpsHttpConfig(reader, 3003),
    kafka: readKafkaConfig(reader, 'risk'),
    // More jobs in flight than threads only queues them in the pool; keep a small queue per thread.
    stage: readStageConfig(reader, {
      concurrency: threads * 2,
      timeLimitMs: 60_000,
      concurrencyDoc: '2 × `RISK_THREADS`',
    }),
    groupId: reader.string('RISK_GROUP_ID', {
      default: STAGE_CATALOG.risk.groupId,
      doc: "the risk stage's consumer group",
    }),
    threads,
  };
  reader.done();
  return config;
}
