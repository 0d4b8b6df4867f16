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
  const replicationFactor = env.int('KAFKA_REPLICATION_FACTOR', {
    default: 1,
    min: 1,
    max: 10,
    doc: 'replication factor of created topics; production: `3` (`npm start -- --brokers 3` sets it)',
  });
  const minInsyncReplicas = env.int('KAFKA_MIN_INSYNC_REPLICAS', {
    default: 1,
    min: 1,
    max: 10,
    doc: '`min.insync.replicas` of created topics (replicas holding a write before acks=all succeeds), at most the replication factor; production: `2` of 3 (`--brokers 3` sets it)',
  });
  if (minInsyncReplicas > replicationFactor) {
    // Every acks=all write would fail with NOT_ENOUGH_REPLICAS.
    env.problem(
      `KAFKA_MIN_INSYNC_REPLICAS=${minInsyncReplicas} is over KAFKA_REPLICATION_FACTOR=${replicationFactor}`,
    );
  }
  return {
    brokers: env.list('KAFKA_BROKERS', {
      default: ['127.0.0.1:9092'],
      doc: 'comma-separated bootstrap servers',
    }),
    clientId: env.string('KAFKA_CLIENT_ID', {
      default: clientId,
      defaultDoc: 'service name',
      doc: 'Kafka client id',
    }),
    partitions: env.int('KAFKA_TOPIC_PARTITIONS', {
      default: 12,
      min: 1,
      max: 1000,
      doc: 'partitions of topics created by the platform; production: the most consumers of one stage you will run ([capacity](capacity.md))',
    }),
    replicationFactor,
    minInsyncReplicas,
    sendTimeoutMs: env.int('KAFKA_SEND_TIMEOUT_MS', {
      default: 5000,
      min: 100,
      max: 120000,
      doc: "longest wait for Kafka's acknowledgement before failing (gateway: 503)",
    }),
    topicPrefix: env.string('KAFKA_TOPIC_PREFIX', {
      default: '',
      pattern: /^[A-Za-z0-9._-]{0,100}$/,
      hint: 'letters, digits, dot, underscore, hyphen',
      defaultDoc: '(empty)',
      doc: 'prefix of every topic and consumer group (several systems on one cluster)',
    }),
    // The broker's group.min.session.timeout.ms (6 s) and group.max.session.timeout.ms (30 min) bound it.
    sessionTimeoutMs: env.int('KAFKA_SESSION_TIMEOUT_MS', {
      default: 30000,
      min: 6000,
      max: 300000,
      doc: "a silent consumer's partitions move to the other members of its group after this",
    }),
  };
}

export function readDatabaseConfig(env: EnvReader): DatabaseConfig {
  return {
    url: env.url('DATABASE_URL', {
      default: 'postgres://postgres@127.0.0.1:5433/eventjobs',
      protocols: ['postgres:', 'postgresql:'],
      doc: 'PostgreSQL',
    }),
    poolSize: env.int('DATABASE_POOL_SIZE', {
      default: 10,
      min: 1,
      max: 200,
      doc: 'connections per process',
    }),
  };
}

export function readLogLevel(env: EnvReader): LogLevel {
  return env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
    doc: 'log lines at this level and above are written (JSON, pino)',
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
    host: env.string('OPS_HOST', {
      default: '127.0.0.1',
      doc: "listen address of a worker service's `/health/live`, `/health/ready`, `/metrics`",
    }),
    port: env.int('OPS_PORT', {
      default: defaultPort,
      min: 0,
      max: 65535,
      doc: 'listen port of those endpoints (0 = any free port)',
    }),
  };
}

export type BlobStoreConfig = { kind: 'filesystem'; dir: string } | ({ kind: 's3' } & S3BlobStoreConfig);

/**
 * Where blobs (uploaded documents, page images) live; shared by the gateway and the document stages.
 * `BLOB_STORE=filesystem` (default) uses `BLOB_DIR`; `BLOB_STORE=s3` an S3-compatible bucket.
 */
export function readBlobStoreConfig(env: EnvReader): BlobStoreConfig {
  const kind = env.oneOf('BLOB_STORE', ['filesystem', 's3'] as const, {
    default: 'filesystem',
    doc: '`filesystem` (a folder) or `s3` (an S3-compatible bucket)',
  });
  if (kind === 'filesystem')
    return {
      kind,
      dir: env.string('BLOB_DIR', {
        default: '.data/blobs',
        doc: 'filesystem store: where uploads and page images are stored by sha256',
      }),
    };
  const endpoint = env.optionalString('S3_ENDPOINT', {
    defaultDoc: '(AWS)',
    doc: 's3 store: an S3-compatible endpoint (MinIO, s3rver, …)',
  });
  if (endpoint !== undefined) env.url('S3_ENDPOINT', { protocols: ['http:', 'https:'] });
  const accessKeyId = env.optionalString('S3_ACCESS_KEY_ID', {
    defaultDoc: '(SDK default chain)',
    doc: 's3 store: access key id (with `S3_SECRET_ACCESS_KEY`)',
  });
  const secretAccessKey = env.optionalString('S3_SECRET_ACCESS_KEY', {
    defaultDoc: '(SDK default chain)',
    doc: 's3 store: secret key (with `S3_ACCESS_KEY_ID`)',
  });
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
      defaultDoc: '(required with `s3`)',
      doc: 's3 store: the bucket (objects are named by their sha256)',
    }),
    region: env.string('S3_REGION', {
      default: 'us-east-1',
      pattern: /^[a-z0-9-]{1,50}$/,
      doc: 's3 store: region',
    }),
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey }
        : undefined,
    // S3-compatible servers (MinIO, s3rver) usually need path-style URLs; AWS prefers virtual hosts.
    forcePathStyle: env.bool('S3_FORCE_PATH_STYLE', {
      default: endpoint !== undefined,
      defaultDoc: '`true` with an endpoint',
      doc: 's3 store: path-style URLs (needed by most S3-compatible servers)',
    }),
  };
}
