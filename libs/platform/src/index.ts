// Batching: group commit of concurrent writers
export { GroupCommit } from './batching/group-commit';

// Blob storage (filesystem or S3) for uploaded documents
export { BlobNotFoundError, type BlobStore, BlobStoreUnavailableError } from './blob/blob-store';
export { createBlobStore, describeBlobStore } from './blob/create-blob-store';

// Typed configuration read from the environment
export {
  type BlobStoreConfig,
  type DatabaseConfig,
  type KafkaConfig,
  type LogLevel,
  type OpsHttpConfig,
  readBlobStoreConfig,
  readDatabaseConfig,
  readKafkaConfig,
  readLogLevel,
  readOpsHttpConfig,
} from './config/common-config';
export { ConfigError, EnvReader, recordVariableReads, type VariableRead } from './config/env-reader';

// Kafka: client, topics, publishing, consuming, dead letters, lag and group offsets
export {
  ConsumerGroupInspector,
  type ConsumerGroupMember,
  type ConsumerGroupView,
  type GroupProgress,
  type TopicAssignment,
} from './kafka/consumer-group-inspector';
export { LagReader, type PartitionLag } from './kafka/consumer-lag';
export { type DeadLetterConsumerOptions, type DeadLetterEntryHandler } from './kafka/dead-letter-consumer';
export {
  DEAD_LETTER_REASONS,
  type DeadLetterEntry,
  deadLetterMessage,
  type DeadLetterOptions,
  type DeadLetterReason,
  type SourceMessage,
} from './kafka/dead-letter';
export {
  type BatchContext,
  type ConsumedEvent,
  type EventBatchHandler,
  EventConsumer,
  type EventConsumerOptions,
  type EventSubscriptionOptions,
} from './kafka/event-consumer';
export { EventPublisher, type OutgoingEvent, type RawMessage } from './kafka/event-publisher';
export { type GroupReset, type PartitionOffset } from './kafka/group-offset-reset';
export { createKafkaClient } from './kafka/kafka-client';
export { KafkaRuntime } from './kafka/kafka-runtime';
export { KafkaUnavailableError } from './kafka/kafka-unavailable.error';
export { decodeHeaders, type StringHeaders } from './kafka/message-headers';
export { awaitGroupCoordinator, awaitPartitionLeaders, ensureTopics } from './kafka/topic-admin';

// Logging (pino)
export { createLogger, type JobLogContext, jobLogger, type Logger, NestPinoLogger } from './logging/logger';

// Prometheus metrics
export { PlatformMetrics } from './metrics/platform-metrics';

// Health, readiness and metrics endpoints
export { OpsModule, workerOpsModule } from './ops/ops.module';
export { PUBLIC_ROUTE, PublicRoute } from './ops/public-route';

// Process start-up and shutdown
export { runService } from './runtime/run-service';
export { startWorkerApp } from './runtime/worker-app';

// Nest wiring: the process-level objects every service module provides once
export {
  BLOB_STORE,
  blobStoreProvider,
  LOGGER,
  PlatformModule,
  SERVICE_CONFIG,
  type ProcessObjects,
} from './runtime/nest-wiring';

// Stage services: the worker loop, its configuration, failures and subscriptions
export { isStageWorkerGroup } from './stage/control-group';
export {
  readStageConfig,
  RETRY_MAX_ATTEMPTS_DOC,
  type StageReportingConfig,
  type StageRuntimeConfig,
} from './stage/stage-config';
export type { ProgressReport } from './stage/attempt-reporter';
export { StageFailure } from './stage/stage-failure';
export { StageHost } from './stage/stage-host';
export { type StageSubscription, stageSubscriptions } from './stage/stage-subscriptions';
export {
  type StageDefinition,
  type StageExecutionContext,
  type StageExecutor,
  type WorkItem,
} from './stage/stage-worker';

// Tracing (OpenTelemetry)
export {
  activeTraceIds,
  endSpans,
  jobAttributes,
  startSpans,
  SpanKind,
  traceIdOf,
} from './telemetry/tracing';
