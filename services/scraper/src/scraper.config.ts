import { STAGE_CATALOG } from '@app/contracts';
import {
  EnvReader,
  readKafkaConfig,
  readLogLevel,
  readOpsHttpConfig,
  readStageConfig,
  type OpsHttpConfig,
  type KafkaConfig,
  type LogLevel,
  type StageRuntimeConfig,
} from '@app/platform';

export interface ScraperConfig {
  logLevel: LogLevel;
  ops: OpsHttpConfig;
  kafka: KafkaConfig;
  stage: StageRuntimeConfig;
  groupId: string;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowPrivateNetworks: boolean;
  /** Exact addresses exempt from the SSRF guard (e.g. a local test site), while it stays on for all else. */
  allowedAddresses: string[];
  userAgent: string;
}

export function loadScraperConfig(env: NodeJS.ProcessEnv = process.env): ScraperConfig {
  const reader = new EnvReader(env);
  const timeoutMs = reader.int('SCRAPER_TIMEOUT_MS', {
    default: 15000,
    min: 100,
    max: 600000,
    doc: 'whole fetch: DNS, connect, redirects, body',
  });
  const config: ScraperConfig = {
    logLevel: readLogLevel(reader),
    ops: readOpsHttpConfig(reader, 3001),
    kafka: readKafkaConfig(reader, 'scraper'),
    // The stage's hard limit sits above the fetch timeout, so a slow fetch ends as the fetcher's TIMEOUT.
    // IO-bound: a fetch in flight costs a socket and a few KB, so keep hundreds of them (STAGE_CONCURRENCY).
    stage: readStageConfig(reader, {
      concurrency: 256,
      timeLimitMs: timeoutMs + 5000,
      timeLimitDoc: '`SCRAPER_TIMEOUT_MS` + 5000',
    }),
    groupId: reader.string('SCRAPER_GROUP_ID', {
      default: STAGE_CATALOG.scrape.groupId,
      doc: "the scrape stage's consumer group",
    }),
    timeoutMs,
    maxBytes: reader.int('SCRAPER_MAX_BYTES', {
      default: 5 * 1024 * 1024,
      min: 1024,
      max: 1024 * 1024 * 1024,
      doc: 'larger bodies fail `RESPONSE_TOO_LARGE`',
    }),
    maxRedirects: reader.int('SCRAPER_MAX_REDIRECTS', {
      default: 5,
      min: 0,
      max: 20,
      doc: 'more fail `TOO_MANY_REDIRECTS`',
    }),
    allowPrivateNetworks: reader.bool('SCRAPER_ALLOW_PRIVATE_NETWORKS', {
      default: false,
      doc: '`true` turns the SSRF guard off',
    }),
    allowedAddresses: reader.list('SCRAPER_ALLOWED_ADDRESSES', {
      default: [],
      doc: 'exact IPs exempt from the SSRF guard',
    }),
    userAgent: reader.string('SCRAPER_USER_AGENT', {
      default: 'event-jobs-scraper/0.1 (+https://example.invalid/bot)',
      doc: '`User-Agent` header',
    }),
  };
  reader.done();
  return config;
}
