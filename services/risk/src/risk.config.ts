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
import { DEFAULT_STAGE_GROUP_IDS } from '@app/contracts';

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
  });
  const config: RiskConfig = {
    logLevel: readLogLevel(reader),
    ops: readOpsHttpConfig(reader, 3003),
    kafka: readKafkaConfig(reader, 'risk'),
    // More jobs in flight than threads only queues them in the pool; keep a small queue per thread.
    stage: readStageConfig(reader, { concurrency: threads * 2, timeLimitMs: 60_000 }),
    groupId: reader.string('RISK_GROUP_ID', { default: DEFAULT_STAGE_GROUP_IDS.risk }),
    threads,
  };
  reader.done();
  return config;
}
