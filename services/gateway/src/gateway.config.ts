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

export interface GatewayConfig {
  host: string;
  port: number;
  logLevel: LogLevel;
  kafka: KafkaConfig;
  database: DatabaseConfig;
  maxBodyBytes: number;
  /** Seconds a client is told to wait (Retry-After) when Kafka or Postgres is unavailable. */
  retryAfterSeconds: number;
  blobs: BlobStoreConfig;
  maxUploadBytes: number;
  /** The projector's admin HTTP API: `/admin/projections` is forwarded there. */
  projectorAdminUrl: string;
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
    retryAfterSeconds: reader.int('RETRY_AFTER_SECONDS', { default: 5, min: 1, max: 3600 }),
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
  };
  reader.done();
  return config;
}
