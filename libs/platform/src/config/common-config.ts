import type { S3BlobStoreConfig } from '../blob/s3-blob-store';
import type { EnvReader } from './env-reader';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  /** Partitions of topics the platform creates (enough for 12 consumers of a stage). */
  partitions: number;
  replicationFactor: number;
  /**
   * `min.insync.replicas` of topics the platform creates (omitted: the broker's default). With
   * acks=all a write succeeds once this many replicas have it.
   */
  minInsyncReplicas?: number;
  /** Upper bound on one produce call before it fails (so callers answer quickly when Kafka is down). */
  sendTimeoutMs: number;
  /** Prepended to every topic and consumer-group name: lets several systems (or test runs) share one cluster. */
  topicPrefix: string;
  /**
   * Consumer group session timeout: how long a consumer that died without leaving (SIGKILL, lost host)
   * keeps its partitions before the group hands them to the others. Default 30 s.
   */
  sessionTimeoutMs?: number;
}

export interface DatabaseConfig {
  url: string;
  poolSize: number;
}

export function readKafkaConfig(env: EnvReader, clientId: string): KafkaConfig {
  const replicationFactor = env.int('KAFKA_REPLICATION_FACTOR', { default: 1, min: 1, max: 10 });
  const minInsyncReplicas = env.int('KAFKA_MIN_INSYNC_REPLICAS', { default: 1, min: 1, max: 10 });
  if (minInsyncReplicas > replicationFactor) {
    // Every acks=all write would fail with NOT_ENOUGH_REPLICAS.
    env.problem(
      `KAFKA_MIN_INSYNC_REPLICAS=${minInsyncReplicas} is over KAFKA_REPLICATION_FACTOR=${replicationFactor}`,
    );
  }
  return {
    brokers: env.list('KAFKA_BROKERS', { default: ['127.0.0.1:9092'] }),
    clientId: env.string('KAFKA_CLIENT_ID', { default: clientId }),
    partitions: env.int('KAFKA_TOPIC_PARTITIONS', { default: 12, min: 1, max: 1000 }),
    replicationFactor,
    minInsyncReplicas,
    sendTimeoutMs: env.int('KAFKA_SEND_TIMEOUT_MS', { default: 5000, min: 100, max: 120000 }),
    topicPrefix: env.string('KAFKA_TOPIC_PREFIX', {
      default: '',
      pattern: /^[A-Za-z0-9._-]{0,100}$/,
      hint: 'letters, digits, dot, underscore, hyphen',
    }),
    // The broker's group.min.session.timeout.ms (6 s) and group.max.session.timeout.ms (30 min) bound it.
    sessionTimeoutMs: env.int('KAFKA_SESSION_TIMEOUT_MS', { default: 30000, min: 6000, max: 300000 }),
  };
}

export function readDatabaseConfig(env: EnvReader): DatabaseConfig {
  return {
    url: env.url('DATABASE_URL', {
      default: 'postgres://postgres@127.0.0.1:5433/eventjobs',
      protocols: ['postgres:', 'postgresql:'],
    }),
    poolSize: env.int('DATABASE_POOL_SIZE', { default: 10, min: 1, max: 200 }),
  };
}

export function readLogLevel(env: EnvReader): LogLevel {
  return env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
  });
}

export interface OpsHttpConfig {
  host: string;
  /** 0 lets the OS choose (several replicas on one host). */
  port: number;
}

/** The small HTTP server of a worker service: `/health/live`, `/health/ready`, `/metrics`. */
export function readOpsHttpConfig(env: EnvReader, defaultPort: number): OpsHttpConfig {
  return {
    host: env.string('OPS_HOST', { default: '127.0.0.1' }),
    port: env.int('OPS_PORT', { default: defaultPort, min: 0, max: 65535 }),
  };
}

export type BlobStoreConfig = { kind: 'filesystem'; dir: string } | ({ kind: 's3' } & S3BlobStoreConfig);

/**
 * Where blobs (uploaded documents, page images) live; shared by the gateway and the document stages.
 * `BLOB_STORE=filesystem` (default) uses `BLOB_DIR`; `BLOB_STORE=s3` an S3-compatible bucket.
 */
export function readBlobStoreConfig(env: EnvReader): BlobStoreConfig {
  const kind = env.oneOf('BLOB_STORE', ['filesystem', 's3'] as const, { default: 'filesystem' });
  if (kind === 'filesystem') return { kind, dir: env.string('BLOB_DIR', { default: '.data/blobs' }) };
  const endpoint = env.optionalString('S3_ENDPOINT');
  if (endpoint !== undefined) env.url('S3_ENDPOINT', { protocols: ['http:', 'https:'] });
  const accessKeyId = env.optionalString('S3_ACCESS_KEY_ID');
  const secretAccessKey = env.optionalString('S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    env.problem(
      accessKeyId === undefined
        ? 'S3_ACCESS_KEY_ID is required when S3_SECRET_ACCESS_KEY is set'
        : 'S3_SECRET_ACCESS_KEY is required when S3_ACCESS_KEY_ID is set',
    );
  }
  return {
    kind,
    endpoint,
    // Bucket naming rules of S3 (3-63 lowercase letters, digits, dots, hyphens).
    bucket: env.string('S3_BUCKET', {
      pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      hint: '3-63 lowercase letters, digits, dots and hyphens (required with BLOB_STORE=s3)',
    }),
    region: env.string('S3_REGION', { default: 'us-east-1', pattern: /^[a-z0-9-]{1,50}$/ }),
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey }
        : undefined,
    // S3-compatible servers (MinIO, s3rver) usually need path-style URLs; AWS prefers virtual hosts.
    forcePathStyle: env.bool('S3_FORCE_PATH_STYLE', { default: endpoint !== undefined }),
  };
}
