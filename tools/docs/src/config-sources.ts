import { loadDocumentsConfig } from '@app/documents/documents.config';
import { loadGatewayConfig } from '@app/gateway/gateway.config';
import { loadProjectorConfig } from '@app/projector/projector.config';
import { loadRiskConfig } from '@app/risk/risk.config';
import { loadScraperConfig } from '@app/scraper/scraper.config';
import { readLauncherKafkaSettings } from '@app/launcher/topics';

/**
 * A typed config loader whose reads make up docs/configuration.md. Each runs once per environment in
 * `environments` (default: an empty one); add an environment when a setting is only read after another
 * one chose it (the S3 settings behind `BLOB_STORE=s3`).
 */
export interface ConfigLoader {
  /** Shown in the "used by" column and as a section title. */
  usedBy: string;
  load: (env: NodeJS.ProcessEnv) => unknown;
  environments?: NodeJS.ProcessEnv[];
}

const WITH_S3_BLOBS: NodeJS.ProcessEnv[] = [{}, { BLOB_STORE: 's3', S3_BUCKET: 'documented-bucket' }];

/** Every loader that reads through EnvReader, in the order their sections appear. */
export const CONFIG_LOADERS: readonly ConfigLoader[] = [
  { usedBy: 'gateway', load: loadGatewayConfig, environments: WITH_S3_BLOBS },
  { usedBy: 'scraper', load: loadScraperConfig },
  { usedBy: 'risk', load: loadRiskConfig },
  { usedBy: 'documents', load: loadDocumentsConfig, environments: WITH_S3_BLOBS },
  { usedBy: 'projector', load: loadProjectorConfig },
  { usedBy: 'npm start', load: readLauncherKafkaSettings },
];

/** A variable read straight from `process.env`, outside the typed config. */
export interface UntypedVariable {
  name: string;
  default: string;
  usedBy: string;
  doc: string;
}

/**
 * Variables the launcher, the local stack, tracing, the CLI, the benchmarks and the test harness read
 * without EnvReader. They are written here by hand; configuration-doc.spec.ts fails when the sources
 * read a variable that is in neither list, or when one listed here is no longer read anywhere.
 */
export const UNTYPED_VARIABLES: readonly UntypedVariable[] = [
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    default: '(none)',
    usedBy: 'all services',
    doc: 'OTLP/HTTP endpoint for traces; without it spans are made (ids in logs and on jobs) but not exported',
  },
  {
    name: 'OTEL_TRACES_READ_SAMPLE_RATIO',
    default: '`0.01`',
    usedBy: 'all services',
    doc: "share of incoming `GET`/`HEAD` requests traced (a job's own trace is always kept whole; a caller's sampled `traceparent` is followed)",
  },
  {
    name: 'OTEL_SDK_DISABLED',
    default: '`false`',
    usedBy: 'all services',
    doc: '`true` starts no OpenTelemetry SDK at all (the gateway benchmark sets it unless `BENCH_TRACING=1`)',
  },
  {
    name: 'EVENT_JOBS_DATA_DIR',
    default: '`.data`',
    usedBy: 'npm start',
    doc: 'Kafka and PostgreSQL data, kept between runs; one `npm start` per folder (`launcher.pid`)',
  },
  {
    name: 'EVENT_JOBS_CACHE_DIR',
    default: '`$XDG_CACHE_HOME/event-jobs` or `~/.cache/event-jobs`',
    usedBy: 'npm start, tests, benchmarks',
    doc: 'Kafka jars, the Jaeger build, the Schemathesis virtualenv',
  },
  {
    name: 'EVENT_JOBS_JAEGER',
    default: '`true`',
    usedBy: 'npm start',
    doc: '`false` runs without Jaeger (and does not build it)',
  },
  {
    name: 'GATEWAY_PORT',
    default: '`3000`',
    usedBy: 'npm start',
    doc: "the launcher passes it to the gateway and waits there for `/health/ready` (the gateway's own row is above)",
  },
  {
    name: 'KAFKA_TOPIC_PARTITIONS',
    default: '`12`',
    usedBy: 'npm start',
    doc: 'also bounds `--scale` counts (more replicas than partitions would sit idle)',
  },
  {
    name: 'DOCUMENTS_STAGES',
    default: '(all four)',
    usedBy: 'npm start',
    doc: 'set per document process by `--scale` (see [Scaling](operations.md#scaling))',
  },
  {
    name: 'OPS_PORT',
    default: '(per service)',
    usedBy: 'npm start',
    doc: 'replicas after the first get a free port, which `npm start` prints',
  },
  { name: 'KAFKA_PORT', default: '`9092`', usedBy: 'npm start, tests', doc: 'local broker port' },
  {
    name: 'KAFKA_CONTROLLER_PORT',
    default: '`9093`',
    usedBy: 'npm start, tests',
    doc: 'local KRaft controller port',
  },
  { name: 'POSTGRES_PORT', default: '`5433`', usedBy: 'npm start, tests', doc: 'local PostgreSQL port' },
  {
    name: 'JAEGER_OTLP_GRPC_PORT',
    default: '`4317`',
    usedBy: 'npm start, tests',
    doc: 'local Jaeger: OTLP over gRPC',
  },
  {
    name: 'JAEGER_OTLP_HTTP_PORT',
    default: '`4318`',
    usedBy: 'npm start, tests',
    doc: 'local Jaeger: OTLP over HTTP (where the services export)',
  },
  {
    name: 'JAEGER_QUERY_PORT',
    default: '`16686`',
    usedBy: 'npm start, tests',
    doc: 'local Jaeger: query API',
  },
  {
    name: 'JAEGER_QUERY_GRPC_PORT',
    default: '`16685`',
    usedBy: 'npm start, tests',
    doc: 'local Jaeger: query API over gRPC',
  },
  {
    name: 'GATEWAY_URL',
    default: '`http://127.0.0.1:3000`',
    usedBy: 'npm run replay, npm run keys',
    doc: 'the gateway the CLIs call (`--gateway` overrides it)',
  },
  {
    name: 'EVENT_JOBS_API_KEY',
    default: '`EVENT_JOBS_ADMIN_KEY`, else the data folder’s `admin-key` file',
    usedBy: 'npm run replay, npm run keys',
    doc: 'the API key the CLIs send (an admin key: both call `/admin/*`); see [auth](auth.md)',
  },
  {
    name: 'TEST_TIER',
    default: '(all tiers)',
    usedBy: 'tests',
    doc: '`unit` runs only `*.spec.ts`, without infrastructure (`npm run test:unit`)',
  },
  {
    name: 'TEST_JAEGER',
    default: '(off)',
    usedBy: 'tests',
    doc: '`1` makes the harness start Jaeger too (the tracing test starts one of its own either way)',
  },
  {
    name: 'TEST_KAFKA_BROKERS',
    default: '`1`',
    usedBy: 'tests',
    doc: '`3` runs the harness on a three-node Kafka cluster (replication factor 3, `min.insync.replicas=2`)',
  },
  {
    name: 'TEST_KEEP_DATA',
    default: '(off)',
    usedBy: 'tests',
    doc: "`1` keeps the harness's temporary Kafka and PostgreSQL folder after the run",
  },
  {
    name: 'TEST_LOG_LEVEL',
    default: '`silent`',
    usedBy: 'tests',
    doc: 'log level of the loggers in the integration tests (`debug` to see what the Kafka runtime does)',
  },
  {
    name: 'CRASH_TEST_SEED',
    default: '(random, printed)',
    usedBy: 'tests',
    doc: 'replays a run of `test/e2e/crash-safety.e2e-spec.ts`',
  },
  {
    name: 'HOSTILE_INPUT_SEED',
    default: '(random, printed)',
    usedBy: 'tests',
    doc: 'replays a run of `test/e2e/hostile-input.e2e-spec.ts`',
  },
  {
    name: 'CONTRACT_TEST_EXAMPLES',
    default: '`12`',
    usedBy: 'tests',
    doc: 'Schemathesis test cases per operation and phase in `test/e2e/openapi-contract.e2e-spec.ts`',
  },
  {
    name: 'CONTRACT_TEST_SEED',
    default: '`20261207`',
    usedBy: 'tests',
    doc: 'seed of that Schemathesis run (fixed, so CI is reproducible)',
  },
  {
    name: 'CHROMIUM_PATH',
    default: '`/usr/bin/chromium` (installed with `apt-get` when missing)',
    usedBy: 'tests',
    doc: 'the Chromium or Chrome binary the console’s browser tests (`test/e2e/console-*`) drive',
  },
  { name: 'BENCH_JOBS', default: '`5000`', usedBy: 'bench pipeline', doc: 'jobs in the burst' },
  {
    name: 'BENCH_KAFKA_BROKERS',
    default: '`1`',
    usedBy: 'benchmarks',
    doc:
      'Kafka nodes of every benchmark that starts its own stack (pipeline, compare, gateway, io, documents, ' +
      'scaling, rebuild): `3` runs a three-node KRaft cluster with topics replicated 3x, min ISR 2',
  },
  {
    name: 'BENCH_WARMUP_JOBS',
    default: '`2000`',
    usedBy: 'bench pipeline',
    doc: 'untimed jobs first, so the JIT compilers have settled',
  },
  {
    name: 'BENCH_SECONDS',
    default: '`10`',
    usedBy: 'bench pipeline, gateway',
    doc: 'seconds per fixed rate',
  },
  {
    name: 'BENCH_TRACING',
    default: '(both / off)',
    usedBy: 'bench pipeline, gateway',
    doc: 'pipeline: `on` or `off` runs only that half; gateway: `1` keeps the OpenTelemetry SDK on',
  },
  {
    name: 'BENCH_KEY_ROLE',
    default: '`member`',
    usedBy: 'bench gateway',
    doc: 'the key the load sends: a member key of its own tenant (its rate counted, never refusing), or `admin`',
  },
  {
    name: 'BENCH_CPU_PROFILE',
    default: '(off)',
    usedBy: 'bench pipeline, gateway',
    doc: 'profiles a service during the burst (`bench-results/*.cpuprofile`)',
  },
  {
    name: 'BENCH_CPU_PROFILE_PHASE',
    default: '`burst`',
    usedBy: 'bench pipeline',
    doc: '`steady`: profile the 200 jobs/s phase instead of the burst',
  },
  { name: 'BENCH_REQUESTS', default: '`5000`', usedBy: 'bench gateway', doc: 'requests in the burst' },
  {
    name: 'BENCH_DASHBOARDS',
    default: '`100`',
    usedBy: 'bench streams',
    doc: 'dashboards among the 1,000 open streams (the rest follow one pending job each)',
  },
  {
    name: 'BENCH_RATE',
    default: '`500`',
    usedBy: 'bench gateway',
    doc: 'requests per second after the burst',
  },
  {
    name: 'BENCH_GATEWAY_PIPELINE',
    default: '(off)',
    usedBy: 'bench gateway',
    doc: '`1` also runs the stage services and the projector',
  },
  { name: 'BENCH_IO_JOBS', default: '`1200`', usedBy: 'bench io', doc: 'jobs offered' },
  { name: 'BENCH_IO_RATE', default: '`200`', usedBy: 'bench io', doc: 'jobs per second offered' },
  {
    name: 'BENCH_IO_LATENCY_MS',
    default: '`1000`',
    usedBy: 'bench io',
    doc: 'how long the local pages take to answer',
  },
  { name: 'BENCH_SCALING_JOBS', default: '`100`', usedBy: 'bench scaling', doc: 'jobs per replica count' },
  {
    name: 'BENCH_SCALING_LATENCY_MS',
    default: '`200`',
    usedBy: 'bench scaling',
    doc: 'how long the local pages take to answer',
  },
  {
    name: 'BENCH_TEXT_PAGES',
    default: '`14`',
    usedBy: 'bench documents',
    doc: 'pages of the text-layer PDF',
  },
  { name: 'BENCH_SCANNED_PAGES', default: '`4`', usedBy: 'bench documents', doc: 'pages of the scanned PDF' },
  {
    name: 'BENCH_DOCUMENTS_STACK',
    default: '`true`',
    usedBy: 'bench documents',
    doc: '`false` skips the end-to-end half through the real stack',
  },
  { name: 'CODEC_BENCH_ROUNDS', default: '`7`', usedBy: 'bench codec', doc: 'rounds (the best counts)' },
  { name: 'INTAKE_BENCH_ROUNDS', default: '`7`', usedBy: 'bench intake', doc: 'rounds (the best counts)' },
  {
    name: 'KAFKA_CLIENT_BENCH_ROUNDS',
    default: '`3`',
    usedBy: 'bench kafka-client',
    doc: 'rounds, each client once per round in alternating order (medians count)',
  },
  { name: 'REBUILD_BENCH_JOBS', default: '`20000`', usedBy: 'bench rebuild', doc: 'jobs of 5 events each' },
  { name: 'REBUILD_BENCH_RUNS', default: '`3`', usedBy: 'bench rebuild', doc: 'runs (the median counts)' },
  {
    name: 'BENCH_COMPARE_SCALE',
    default: '`1`',
    usedBy: 'bench compare',
    doc: 'multiplies the jobs of every phase (`0.2`: five times smaller)',
  },
  {
    name: 'BENCH_COMPARE_SERVICES',
    default: '(all five)',
    usedBy: 'bench compare',
    doc: 'the services of the platform run, comma-separated',
  },
  {
    name: 'BENCH_COMPARE_BASELINE_SOURCE',
    default: '`../shared/baselines/celery`',
    usedBy: 'bench compare',
    doc: 'the Celery baseline to copy and run',
  },
  {
    name: 'BENCH_COMPARE_BASELINE_DIR',
    default: '`<cache>/celery-baseline`',
    usedBy: 'bench compare',
    doc: 'where that copy runs',
  },
];

/** Variables of the operating system or Node.js that the code passes on or reads, never ours to document. */
export const SYSTEM_VARIABLES: readonly string[] = ['PATH', 'NODE_OPTIONS', 'XDG_CACHE_HOME'];
