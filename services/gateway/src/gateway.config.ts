import { STAGE_CATALOG, type JobType } from '@app/contracts';
import {
  EnvReader,
  readDatabaseConfig,
  readKafkaConfig,
  readBlobStoreConfig,
  readLogLevel,
  type DatabaseConfig,
  type BlobStoreConfig,
  type KafkaConfig,
  type LogLevel,
} from '@app/platform';
import { INPUT_LIMIT_VARIABLES, type InputLimits } from './http/input-limits';

export interface GatewayConfig {
  host: string;
  port: number;
  logLevel: LogLevel;
  kafka: KafkaConfig;
  database: DatabaseConfig;
  maxBodyBytes: number;
  /** Depth, keys, array items and string length of a JSON body, a query string or multipart fields. */
  inputLimits: InputLimits;
  /** Seconds a client is told to wait (Retry-After) when Kafka or Postgres is unavailable. */
  retryAfterSeconds: number;
  /** How long the gateway keeps its record of an accepted request (read-your-writes before projection). */
  submissionRetentionMs: number;
  blobs: BlobStoreConfig;
  maxUploadBytes: number;
  /** The projector's admin HTTP API: `/admin/projections` is forwarded there. */
  projectorAdminUrl: string;
  admission: AdmissionConfig;
  streams: StreamsConfig;
}

/** Live streams (`GET /jobs/{id}/stream`, `GET /jobs/stream`). */
export interface StreamsConfig {
  /** A `: hb` comment on every open stream this often, so proxies do not close an idle one. */
  heartbeatMs: number;
  /** Open streams per gateway process; one more gets 503 with Retry-After. */
  maxPerGateway: number;
}

function readStreamsConfig(reader: EnvReader): StreamsConfig {
  return {
    heartbeatMs: reader.int('STREAM_HEARTBEAT_MS', {
      default: 15_000,
      min: 100,
      max: 300_000,
      doc: 'a heartbeat comment (`: hb`) on every open live stream this often, so proxies keep it open',
    }),
    maxPerGateway: reader.int('STREAM_MAX_PER_GATEWAY', {
      default: 10_000,
      min: 1,
      max: 1_000_000,
      doc: 'open live streams per gateway process; one more gets 503 with `Retry-After`',
    }),
  };
}

export interface AdmissionConfig {
  /** Per job type, the highest backlog (messages behind) still accepted; 0 = no limit. */
  maxLag: Record<JobType, number>;
  /** How often the backlog is sampled in the background while jobs arrive or wait. */
  pollMs: number;
  /** How often it is sampled when no job arrived since the last sample and no backlog was seen. */
  idlePollMs: number;
  /** Samples older than this are ignored (admission fails open while the lag cannot be read). */
  staleAfterMs: number;
  /** The stage groups watched (the same variables the scraper and risk services read). */
  groupIds: { scrape: string; risk: string };
}

function readAdmissionConfig(reader: EnvReader): AdmissionConfig {
  const maxLag = (type: string, doc: string): number =>
    reader.int(`ADMISSION_MAX_LAG_${type}`, { default: 20_000, min: 0, max: 1_000_000_000, doc });
  const pollMs = reader.int('ADMISSION_POLL_MS', {
    default: 1000,
    min: 50,
    max: 60_000,
    doc: 'how often the backlog is sampled while jobs are submitted or a backlog is seen',
  });
  return {
    maxLag: {
      scrape: maxLag('SCRAPE', 'backlog (messages) over which scrape jobs get 503; `0` = no limit'),
      risk: maxLag('RISK', 'the same for risk jobs'),
      document: maxLag('DOCUMENT', 'the same for `POST /documents` (lag of all four document stages)'),
    },
    pollMs,
    idlePollMs: reader.int('ADMISSION_IDLE_POLL_MS', {
      default: Math.max(10_000, pollMs),
      min: pollMs,
      max: 600_000,
      defaultDoc: 'max(`10000`, `ADMISSION_POLL_MS`)',
      doc:
        'how often it is sampled on an idle system (no submission since the last sample, no backlog); ' +
        'at least `ADMISSION_POLL_MS`',
    }),
    staleAfterMs: reader.int('ADMISSION_STALE_AFTER_MS', {
      default: Math.max(10_000, pollMs * 5),
      min: 100,
      max: 3_600_000,
      defaultDoc: 'max(`10000`, 5 × `ADMISSION_POLL_MS`)',
      doc: 'an older sample is ignored (admission fails open)',
    }),
    groupIds: {
      scrape: reader.string('SCRAPER_GROUP_ID', {
        default: STAGE_CATALOG.scrape.groupId,
        doc: "the scrape stage's consumer group",
      }),
      risk: reader.string('RISK_GROUP_ID', {
        default: STAGE_CATALOG.risk.groupId,
        doc: "the risk stage's consumer group",
      }),
    },
  };
}

/**
 * Defaults fit every request the API defines with room to spare (a risk job's 10,000 returns per
 * series, 500 positions, a 2,048-char URL), and stop what only an attack or a bug sends.
 */
function readInputLimits(reader: EnvReader): InputLimits {
  const limit = (key: keyof InputLimits, defaultValue: number, max: number, doc: string): number =>
    reader.int(INPUT_LIMIT_VARIABLES[key], { default: defaultValue, min: 1, max, doc });
  return {
    maxDepth: limit(
      'maxDepth',
      32,
      1000,
      'deeper nesting of a JSON body or query (root = 1) gets 400; see [input limits](api.md#input-limits)',
    ),
    maxKeysPerObject: limit(
      'maxKeysPerObject',
      1000,
      1_000_000,
      'more properties in one object get 413 (query: 400); also caps multipart fields (400)',
    ),
    maxTotalKeys: limit(
      'maxTotalKeys',
      10_000,
      10_000_000,
      'more properties in all objects of a body together get 413 (query: 400)',
    ),
    maxArrayItems: limit('maxArrayItems', 10_000, 10_000_000, 'more items in one array get 413 (query: 400)'),
    maxStringLength: limit(
      'maxStringLength',
      16_384,
      64 * 1024 * 1024,
      'longer strings or property names get 413 (query: 400); also caps multipart fields (400)',
    ),
  };
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const reader = new EnvReader(env);
  const config: GatewayConfig = {
    host: reader.string('GATEWAY_HOST', { default: '127.0.0.1', doc: 'listen address' }),
    port: reader.int('GATEWAY_PORT', { default: 3000, min: 0, max: 65535, doc: 'listen port' }),
    logLevel: readLogLevel(reader),
    kafka: readKafkaConfig(reader, 'gateway'),
    database: readDatabaseConfig(reader),
    maxBodyBytes: reader.int('MAX_JSON_BODY_BYTES', {
      default: 1024 * 1024,
      min: 1024,
      max: 64 * 1024 * 1024,
      doc: 'larger JSON bodies get 413',
    }),
    inputLimits: readInputLimits(reader),
    retryAfterSeconds: reader.int('RETRY_AFTER_SECONDS', {
      default: 5,
      min: 1,
      max: 3600,
      doc: '`Retry-After` on a 503 when Kafka or PostgreSQL is unavailable',
    }),
    submissionRetentionMs: reader.int('JOB_SUBMISSION_RETENTION_MS', {
      default: 3_600_000,
      min: 60_000,
      max: 30 * 86_400_000,
      doc:
        'how long the gateway keeps its record of an accepted request (`GET /jobs/{id}` before the ' +
        'projection has the job; see [read-your-writes](api.md#read-your-writes))',
    }),
    blobs: readBlobStoreConfig(reader),
    maxUploadBytes: reader.int('MAX_UPLOAD_BYTES', {
      default: 50 * 1024 * 1024,
      min: 1024,
      max: 4 * 1024 * 1024 * 1024,
      doc: 'larger uploads get 413',
    }),
    projectorAdminUrl: reader.url('PROJECTOR_ADMIN_URL', {
      default: 'http://127.0.0.1:3002',
      protocols: ['http:', 'https:'],
      doc: "the projector's ops port, where `/admin/projections` (rebuilds) is forwarded",
    }),
    admission: readAdmissionConfig(reader),
    streams: readStreamsConfig(reader),
  };
  reader.done();
  return config;
}
