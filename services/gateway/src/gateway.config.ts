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
  const maxLag = (type: string): number =>
    reader.int(`ADMISSION_MAX_LAG_${type}`, { default: 20_000, min: 0, max: 1_000_000_000 });
  const pollMs = reader.int('ADMISSION_POLL_MS', { default: 1000, min: 50, max: 60_000 });
  return {
    maxLag: { scrape: maxLag('SCRAPE'), risk: maxLag('RISK'), document: maxLag('DOCUMENT') },
    pollMs,
    idlePollMs: reader.int('ADMISSION_IDLE_POLL_MS', {
      default: Math.max(10_000, pollMs),
      min: pollMs,
      max: 600_000,
    }),
    staleAfterMs: reader.int('ADMISSION_STALE_AFTER_MS', {
      default: Math.max(10_000, pollMs * 5),
      min: 100,
      max: 3_600_000,
    }),
    groupIds: {
      scrape: reader.string('SCRAPER_GROUP_ID', { default: STAGE_CATALOG.scrape.groupId }),
      risk: reader.string('RISK_GROUP_ID', { default: STAGE_CATALOG.risk.groupId }),
    },
  };
}

/**
 * Defaults fit every request the API defines with room to spare (a risk job's 10,000 returns per
 * series, 500 positions, a 2,048-char URL), and stop what only an attack or a bug sends.
 */
function readInputLimits(reader: EnvReader): InputLimits {
  const limit = (key: keyof InputLimits, defaultValue: number, max: number): number =>
    reader.int(INPUT_LIMIT_VARIABLES[key], { default: defaultValue, min: 1, max });
  return {
    maxDepth: limit('maxDepth', 32, 1000),
    maxKeysPerObject: limit('maxKeysPerObject', 1000, 1_000_000),
    maxTotalKeys: limit('maxTotalKeys', 10_000, 10_000_000),
    maxArrayItems: limit('maxArrayItems', 10_000, 10_000_000),
    maxStringLength: limit('maxStringLength', 16_384, 64 * 1024 * 1024),
  };
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const reader = new EnvReader(env);
  const config: GatewayConfig = {
    host: reader.string('GATEWAY_HOST', { default: '127.0.0.1' }),
    port: reader.int('GATEWAY_PORT', { default: 3000, min: 0, max: 65535 }),
    logLevel: readLogLevel(reader),
    kafka: readKafkaConfig(reader, 'gateway'),
    database: readDatabaseConfig(reader),
    maxBodyBytes: reader.int('MAX_JSON_BODY_BYTES', {
      default: 1024 * 1024,
      min: 1024,
      max: 64 * 1024 * 1024,
    }),
    inputLimits: readInputLimits(reader),
    retryAfterSeconds: reader.int('RETRY_AFTER_SECONDS', { default: 5, min: 1, max: 3600 }),
    submissionRetentionMs: reader.int('JOB_SUBMISSION_RETENTION_MS', {
      default: 3_600_000,
      min: 60_000,
      max: 30 * 86_400_000,
    }),
    blobs: readBlobStoreConfig(reader),
    maxUploadBytes: reader.int('MAX_UPLOAD_BYTES', {
      default: 50 * 1024 * 1024,
      min: 1024,
      max: 4 * 1024 * 1024 * 1024,
    }),
    projectorAdminUrl: reader.url('PROJECTOR_ADMIN_URL', {
      default: 'http://127.0.0.1:3002',
      protocols: ['http:', 'https:'],
    }),
    admission: readAdmissionConfig(reader),
  };
  reader.done();
  return config;
}
