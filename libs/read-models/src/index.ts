// Database, the projection (fold) and the queries the API reads with
export { isDatabaseUnavailable } from './database-errors';
export { createDataSource, runMigrations } from './database';
export {
  type DocumentErrorView,
  type DocumentPageView,
  type DocumentProgressView,
  DocumentQueries,
  type DocumentStatus,
  type DocumentView,
} from './document-queries';
export {
  applyEvents,
  foldCancellations,
  foldJobRequests,
  type ProjectableEvent,
  type RequestToFold,
  resetJobRuns,
} from './job-projection';
export { type JobCursor, type JobListFilter, JobQueries } from './job-queries';
export { type JobLogFilter, JobLogQueries } from './job-log-queries';
export { JobStreamQueries, type SequencedEvent, type StreamRead } from './job-stream-queries';
export {
  JOB_CHANGES_CHANNEL,
  jobChangePayloads,
  notifyJobChanges,
  parseJobChangePayload,
} from './notifications/job-change-channel';
export {
  type JobChangeListener,
  ProjectionNotifications,
  type ProjectionNotificationsOptions,
} from './notifications/projection-notifications';
export { JobRunQueries, type JobRunState, type LoggedEvent } from './job-run-queries';
export { JobSubmissions } from './job-submissions';
export { type FinishedBucketRow, JobThroughputQueries } from './job-throughput-queries';
export { TenantBacklogQueries } from './tenant-backlog-queries';
export {
  type JobEventView,
  type JobLogLineView,
  type JobLogPage,
  type JobPage,
  type JobProgressView,
  type JobStageView,
  type JobView,
} from './job-views';
export { decodeCursor, encodeCursor, type KeysetCursor } from './keyset-cursor';

// API keys: the table, secrets as stored
export {
  API_KEY_ROLES,
  type ApiKeyPrincipal,
  type ApiKeyRole,
  ApiKeyStore,
  type ApiKeyView,
  type CreatedApiKey,
  type NewApiKey,
} from './api-keys/api-key-store';
export { apiKeySecretHash, newApiKeySecret } from './api-keys/api-key-secret';
export { type Lease, type RateLimit, TenantRateBuckets } from './api-keys/tenant-rate-buckets';

// Dead letters: recording, listing, redrive claims
export { DeadLetterClaims, type RedriveClaim } from './dead-letters/dead-letter-claims';
export {
  type DeadLetterFilter,
  type DeadLetterPage,
  DeadLetterQueries,
} from './dead-letters/dead-letter-queries';
export { type DeadLetterRow, type DeadLetterView } from './dead-letters/dead-letter-view';
export { DeadLetterWriter } from './dead-letters/dead-letter-writer';

// Projection rebuild (shadow schema, swap) and the lock live projection holds
export {
  ProjectionRebuilder,
  type ProjectionRebuilderOptions,
  type RebuildHooks,
  RebuildInProgressError,
} from './rebuild/projection-rebuilder';
export { holdProjectionSwap } from './rebuild/rebuild-locks';
export {
  type ProjectionsStatus,
  type ProjectorLag,
  type RebuildRecord,
  type RebuildState,
} from './rebuild/rebuild-status';
