// class-transformer's @Type needs the Reflect metadata API before any DTO class is defined.
import 'reflect-metadata';

// Topics, event ids, validation and field errors
export {
  deriveEventId,
  jobCancelRequestedEventId,
  jobIdForIdempotencyKey,
  jobRequestedEventId,
  nameBasedUuid,
  newJobId,
} from './event-id';
export { type FieldError } from './field-error';
export {
  PROJECTED_TOPICS,
  REQUEST_TOPICS,
  requestTopic,
  requestInputTopics,
  retryTopic,
  retryTopics,
  type TopicName,
  Topics,
} from './topics';
export { escapeUnstorable, findUnstorableText } from './unstorable-text';
export { setFastValidation, validatePlain, type ValidationOutcome } from './validation';

// The event contract: envelope, event types and their data, encoding, derived events
export {
  CORRELATION_ID_PATTERN,
  ACTOR_ROLES,
  API_KEY_ID_PATTERN,
  DEFAULT_TENANT_ID,
  type EventActor,
  EventActorDto,
  type EventEnvelope,
  EventEnvelopeDto,
  runOf,
  TENANT_PATTERN,
} from './events/envelope';
export {
  decodeEvent,
  type DecodeOutcome,
  type EncodedEvent,
  encodeEvent,
  InvalidEventError,
  validateEvent,
} from './events/event-codec';
export { causedEvent, rerunEvent } from './events/event-factory';
export {
  EVENT_DATA_SCHEMAS,
  EVENT_VERSIONS,
  type EventType,
  EventTypes,
  type JobCancelRequested,
  JobCancelRequestedData,
  JobErrorDto,
  type JobEvent,
  type JobRequested,
  JobRequestedData,
  REPLAY_FROM_EARLIEST,
  type StageAttemptFailed,
  StageAttemptFailedData,
  type StageCompleted,
  StageCompletedData,
  type StageFailed,
  StageFailedData,
  type StageReplayRequested,
  StageReplayRequestedData,
  type StageRetryScheduled,
  StageRetryScheduledData,
  type StageStarted,
  StageStartedData,
  type StageProgressed,
  type StageLogged,
} from './events/job-events';
export {
  STAGE_LOG_FIELDS_MAX_JSON_CHARS,
  STAGE_LOG_FIELDS_MAX_KEYS,
  STAGE_LOG_LEVELS,
  type StageLogLevel,
  StageLoggedData,
  StageProgressedData,
} from './events/stage-report-data';

// Document jobs
export { BlobRefDto } from './jobs/document/document-input.dto';
export {
  DOCUMENT_STAGES,
  type DocumentStage,
  OcrBlockDto,
  PageClassificationDto,
  PageScaleDto,
  SplitPageDto,
} from './jobs/document/document-results.dto';
export { detectMediaType, type MediaType, SUPPORTED_MEDIA_TYPES } from './jobs/document/media-type';
export { SHEET_LABELS } from './jobs/document/sheet-labels';

// Job types and the catalog of their inputs and results
export {
  allTopics,
  describeStage,
  JOB_CATALOG,
  type JobTypeDescriptor,
  STAGE_CATALOG,
  type StageDescriptor,
  stageInputTopics,
  stageInputs,
  type StageInputs,
} from './jobs/job-catalog';
export {
  JOB_PRIORITIES,
  JOB_STATUSES,
  JOB_TYPES,
  type JobError,
  type JobPriority,
  type JobStatus,
  type JobType,
  SUBMITTABLE_JOB_TYPES,
  type SubmittableJobType,
  TERMINAL_STATUSES,
} from './jobs/job-types';
export { HttpUrlConstraint, MAX_SCRAPE_URL_LENGTH, ScrapeInputDto } from './jobs/scrape-input.dto';
export { type ScrapeErrorCode, type ScrapeInput, type ScrapeResult } from './jobs/scrape';

// Risk jobs
export { RiskInputDto, RiskPositionDto } from './jobs/risk/risk-input.dto';
export { RISK_LIMITS, type RiskInput, type RiskPositionInput } from './jobs/risk/risk-input';
export { RiskResultDto } from './jobs/risk/risk-result.dto';
export {
  PNL_HISTOGRAM_BINS,
  RISK_METHODS,
  type PnlHistogram,
  type RiskErrorCode,
  type RiskMethod,
  type RiskPositionResult,
  type RiskResult,
} from './jobs/risk/risk-result';
