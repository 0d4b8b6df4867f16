import { API_KEY_ID_PATTERN, STAGE_CATALOG, TENANT_PATTERN, type JobType } from '@app/contracts';
import type { RateLimit } from '@app/read-models';
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
  auth: AuthConfig;
  streams: StreamsConfig;
  jaeger: JaegerConfig;
}

/** Where `GET /jobs/{id}/trace` reads traces, and the UI the console may link to. */
export interface JaegerConfig {
  /** Jaeger's query API (`/api/traces/…`); unset: the trace route answers 503. */
  queryUrl: string | undefined;
  /** Jaeger's web UI, when one is there (the Docker image has it; the binary built here does not). */
  uiUrl: string | undefined;
  /** How long a query to Jaeger may take before the route answers 503. */
  timeoutMs: number;
}

function readJaegerConfig(reader: EnvReader): JaegerConfig {
  const optionalUrl = (name: string, doc: string): string | undefined => {
    const value = reader.optionalString(name, { doc });
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        reader.problem(`${name} must use http: or https:`);
    } catch {
      reader.problem(`${name}=${JSON.stringify(value)} is not a URL`);
    }
    return value.replace(/\/+$/, '');
  };
  return {
    queryUrl: optionalUrl(
      'JAEGER_QUERY_URL',
      "Jaeger's query API, where `GET /jobs/{id}/trace` reads a job's trace (`npm start` and the tests set it " +
        'when they start Jaeger); unset: that route answers 503',
    ),
    uiUrl: optionalUrl(
      'JAEGER_UI_URL',
      "Jaeger's web UI (e.g. `http://127.0.0.1:16686` of the Docker image), for the console's link to a trace; " +
        'unset: no link (the Jaeger built by `npm start` has the query API but no UI)',
    ),
    timeoutMs: reader.int('JAEGER_QUERY_TIMEOUT_MS', {
      default: 2000,
      min: 100,
      max: 60_000,
      doc: 'how long `GET /jobs/{id}/trace` waits for Jaeger before it answers 503',
    }),
  };
}

export interface AuthConfig {
  /** EVENT_JOBS_ADMIN_KEY: an admin key of the default tenant the operator chose (scripts, CI). */
  bootstrapAdminKey: string | undefined;
  /** How long a key lookup is reused; a revocation reaches every replica within it. */
  cacheMs: number;
  /** METRICS_KEY: when set, `/metrics` needs it as a Bearer token (it is not an API key). */
  metricsKey: string | undefined;
  /**
   * Each tenant's request rate, and the keys limited on their own too (KEY_RATE_LIMITS, by key id).
   * Admin keys are not limited.
   */
  rateLimits: {
    default: RateLimit;
    overrides: ReadonlyMap<string, RateLimit>;
    keyOverrides: ReadonlyMap<string, RateLimit>;
  };
}

const RATE_OVERRIDE = /^([^=\s]+)=(\d+)\/(\d+)$/;

function readRateLimits(reader: EnvReader): AuthConfig['rateLimits'] {
  const perSecond = reader.int('TENANT_RATE_PER_SECOND', {
    default: 100,
    min: 1,
    max: 1_000_000,
    doc: 'requests a second each tenant may make (member and reader keys; admin keys are not limited); over it: 429',
  });
  const burst = reader.int('TENANT_RATE_BURST', {
    default: perSecond * 2,
    min: 1,
    max: 10_000_000,
    defaultDoc: '2 × `TENANT_RATE_PER_SECOND`',
    doc: 'requests a tenant may make at once after a quiet spell (the token bucket’s size)',
  });
  const overrides = new Map<string, RateLimit>();
  const listed = reader.optionalString('TENANT_RATE_LIMITS', {
    doc: 'per-tenant rates over the defaults: `acme=500/1000,globex=20/40` (tenant=per second/burst)',
  });
  readRateOverrides(reader, 'TENANT_RATE_LIMITS', 'tenant', TENANT_PATTERN, listed, overrides);
  const keyOverrides = new Map<string, RateLimit>();
  const keysListed = reader.optionalString('KEY_RATE_LIMITS', {
    doc:
      'rates of single keys, by key id, on top of their tenant’s: `key_3f9a1c0b7d2e4a65=5/10` (key id=per ' +
      'second/burst, comma-separated); such a key’s request takes a token from its own bucket and its tenant’s',
  });
  readRateOverrides(reader, 'KEY_RATE_LIMITS', 'key id', API_KEY_ID_PATTERN, keysListed, keyOverrides);
  return { default: { perSecond, burst }, overrides, keyOverrides };
}

/** `name=<per second>/<burst>,…` into `into`; a malformed item is a problem naming the variable. */
function readRateOverrides(
  reader: EnvReader,
  variable: string,
  what: string,
  namePattern: RegExp,
  listed: string | undefined,
  into: Map<string, RateLimit>,
): void {
  for (const item of (listed ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)) {
    const match = RATE_OVERRIDE.exec(item);
    const [name, rate, size] = match ? [match[1], Number(match[2]), Number(match[3])] : ['', 0, 0];
    if (!match || !namePattern.test(name) || rate < 1 || size < 1) {
      reader.problem(`${variable}: ${JSON.stringify(item)} is not ${what}=<per second>/<burst> (both >= 1)`);
    } else into.set(name, { perSecond: rate, burst: size });
  }
}

/** A configured key must carry at least as much as a generated one could be guessed with (128 bits). */
export const MIN_CONFIGURED_KEY_LENGTH = 32;

function readAuthConfig(reader: EnvReader): AuthConfig {
  const bootstrapAdminKey = reader.optionalString('EVENT_JOBS_ADMIN_KEY', {
    doc:
      `an admin key of the \`default\` tenant, stored (as a hash) at start-up if new; at least ` +
      `${MIN_CONFIGURED_KEY_LENGTH} characters, no whitespace. Unset: \`npm start\` creates a random one on a new data ` +
      'folder (see [auth](auth.md))',
  });
  // The value is a secret: a problem names the variable, never its value.
  if (bootstrapAdminKey !== undefined && !/^\S+$/.test(bootstrapAdminKey)) {
    reader.problem('EVENT_JOBS_ADMIN_KEY must not contain whitespace');
  } else if (bootstrapAdminKey !== undefined && bootstrapAdminKey.length < MIN_CONFIGURED_KEY_LENGTH) {
    reader.problem(`EVENT_JOBS_ADMIN_KEY must be at least ${MIN_CONFIGURED_KEY_LENGTH} characters`);
  }
  const metricsKey = reader.optionalString('METRICS_KEY', {
    doc:
      `when set, \`GET /metrics\` needs \`Authorization: Bearer <METRICS_KEY>\` (at least ` +
      `${MIN_CONFIGURED_KEY_LENGTH} characters); unset: open, for a local Prometheus`,
  });
  if (
    metricsKey !== undefined &&
    (metricsKey.length < MIN_CONFIGURED_KEY_LENGTH || !/^\S+$/.test(metricsKey))
  ) {
    reader.problem(
      `METRICS_KEY must be at least ${MIN_CONFIGURED_KEY_LENGTH} characters, without whitespace`,
    );
  }
  return {
    bootstrapAdminKey,
    metricsKey,
    rateLimits: readRateLimits(reader),
    cacheMs: reader.int('AUTH_CACHE_MS', {
      default: 500,
      min: 0,
      max: 1000,
      doc: 'how long a key lookup is reused by a gateway; a revoked key stops working on every replica within it',
    }),
  };
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
  /** The part of a type's limit one tenant's unfinished jobs may take (1: no tenant shares). */
  tenantShare: number;
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
    doc: "how often a job type's backlog is sampled while jobs of that type are submitted or it has a backlog",
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
        'how often an idle job type is sampled (no submission of that type since its last sample, no backlog); ' +
        'at least `ADMISSION_POLL_MS`',
    }),
    staleAfterMs: reader.int('ADMISSION_STALE_AFTER_MS', {
      default: Math.max(10_000, pollMs * 5),
      min: 100,
      max: 3_600_000,
      defaultDoc: 'max(`10000`, 5 × `ADMISSION_POLL_MS`)',
      doc: 'an older sample is ignored (admission fails open)',
    }),
    tenantShare:
      reader.int('ADMISSION_TENANT_SHARE_PERCENT', {
        default: 50,
        min: 1,
        max: 100,
        doc:
          'while a job type’s backlog is over this part of `ADMISSION_MAX_LAG_<TYPE>`, a tenant whose unfinished jobs ' +
          'of the type reach it gets 429 and other tenants are still admitted; `100` = off; admin keys are not limited',
      }) / 100,
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
    auth: readAuthConfig(reader),
    streams: readStreamsConfig(reader),
    jaeger: readJaegerConfig(reader),
  };
  reader.done();
  return config;
}
