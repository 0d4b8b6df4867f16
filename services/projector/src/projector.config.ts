import {
  EnvReader,
  readDatabaseConfig,
  readKafkaConfig,
  readLogLevel,
  readOpsHttpConfig,
  type OpsHttpConfig,
  type DatabaseConfig,
  type KafkaConfig,
  type LogLevel,
} from '@app/platform';

export interface ProjectorConfig {
  logLevel: LogLevel;
  ops: OpsHttpConfig;
  kafka: KafkaConfig;
  database: DatabaseConfig;
  groupId: string;
  /** Partitions' batches handled at once; those ready together fold in one Postgres transaction. */
  concurrency: number;
  /** How long a fetch may wait for 64 KiB of events to gather (fewer, fuller batches). */
  fetchWaitMs: number;
  rebuild: {
    /** Events per transaction while replaying into the shadow schema. */
    batchSize: number;
    /** Retired read-model schemas kept after a rebuild (for inspection or a manual rollback). */
    keepRetired: number;
  };
}

export function loadProjectorConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const reader = new EnvReader(env);
  const config: ProjectorConfig = {
    logLevel: readLogLevel(reader),
    ops: readOpsHttpConfig(reader, 3002),
    kafka: readKafkaConfig(reader, 'projector'),
    database: readDatabaseConfig(reader),
    groupId: reader.string('PROJECTOR_GROUP_ID', { default: 'projector', doc: 'consumer group' }),
    // Batches handled at once share one transaction (ProjectionTransactions): more of a fetch's
    // partitions per transaction.
    concurrency: reader.int('PROJECTOR_CONCURRENCY', {
      default: 16,
      min: 1,
      max: 64,
      doc: "partitions' batches handled at once; the batches ready together fold in one transaction",
    }),
    fetchWaitMs: reader.int('PROJECTOR_FETCH_WAIT_MS', {
      default: 100,
      min: 0,
      max: 1000,
      doc:
        'how long a fetch may wait for 64 KiB of events to gather: fewer, fuller batches at moderate ' +
        "rates (a job's state shows up to this much later; its `finishedAt` is unchanged)",
    }),
    rebuild: {
      batchSize: reader.int('PROJECTOR_REBUILD_BATCH_SIZE', {
        default: 5000,
        min: 100,
        max: 100_000,
        doc: 'events per transaction while a rebuild replays into the shadow schema',
      }),
      keepRetired: reader.int('PROJECTOR_REBUILD_KEEP_RETIRED', {
        default: 1,
        min: 0,
        max: 10,
        doc: 'retired read-model schemas kept after a rebuild (for inspection or a manual rollback)',
      }),
    },
  };
  reader.done();
  return config;
}
