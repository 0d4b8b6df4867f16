import { Inject, Injectable } from '@nestjs/common';
import {
  detectMediaType,
  EVENT_VERSIONS,
  EventTypes,
  jobRequestedEventId,
  newJobId,
  requestTopic,
  SUPPORTED_MEDIA_TYPES,
  type JobPriority,
  type JobRequested,
  type MediaType,
  type EventActor,
} from '@app/contracts';
import {
  activeTraceIds,
  BLOB_STORE,
  BlobStoreUnavailableError,
  EventPublisher,
  jobLogger,
  LOGGER,
  PlatformMetrics,
  type BlobStore,
  type Logger,
} from '@app/platform';
import { PENDING_JOB_ROWS, type PendingJobRows } from '../../jobs/pending-job-rows';
import { assertStorableText } from '../../http/storable-text';
import {
  DependencyUnavailableError,
  RequestValidationError,
  UnsupportedMediaTypeError,
} from '../../http/api-errors';

export interface UploadedFile {
  buffer: Buffer;
  originalname: string;
  size: number;
}

export interface AcceptedDocument {
  id: string;
  type: 'document';
  status: 'PENDING';
  document: { filename: string; mediaType: MediaType; size: number; sha256: string };
}

/**
 * Accepts an upload: checks it by magic bytes (never by name or header), stores it by content hash,
 * and publishes the document job's request with a reference to the blob (never the bytes).
 */
@Injectable()
export class UploadDocumentUseCase {
  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(PENDING_JOB_ROWS) private readonly pendingRows: PendingJobRows,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PlatformMetrics) private readonly metrics: PlatformMetrics,
  ) {}

  async execute(
    file: UploadedFile | undefined,
    correlationId: string,
    /** The key that uploads: the document is its tenant's. */
    actor: EventActor,
    priority: JobPriority = 'normal',
  ): Promise<AcceptedDocument> {
    if (!file)
      throw new RequestValidationError([{ path: 'file', message: 'a multipart field "file" is required' }]);
    // Refused rather than silently cleaned: the name is a field of the job's input.
    assertStorableText(file.originalname, 'file.filename');
    if (file.size === 0) throw new RequestValidationError([{ path: 'file', message: 'the file is empty' }]);
    const mediaType = detectMediaType(file.buffer);
    if (!mediaType) {
      throw new UnsupportedMediaTypeError(
        `The file is not one of ${SUPPORTED_MEDIA_TYPES.join(', ')} (checked by its content)`,
      );
    }
    const sha256 = await this.blobs.put(actor.tenant, file.buffer).catch((error: unknown) => {
      if (error instanceof BlobStoreUnavailableError)
        throw new DependencyUnavailableError('The blob store', error);
      throw error;
    });
    const filename = sanitiseFilename(file.originalname);
    const jobId = newJobId();
    const event: JobRequested = {
      id: jobRequestedEventId(jobId),
      type: EventTypes.JobRequested,
      version: EVENT_VERSIONS.JobRequested,
      jobId,
      tenantId: actor.tenant,
      correlationId,
      causationId: null,
      occurredAt: new Date().toISOString(),
      actor,
      data: {
        jobType: 'document',
        input: { blob: { key: sha256, size: file.size, mediaType, filename } },
        priority,
        idempotencyKey: null,
      },
    };
    await this.publisher.publish([{ topic: requestTopic('document', priority), event }]);
    const log = jobLogger(this.logger, { jobId, correlationId });
    log.info({ mediaType, size: file.size, priority }, 'document accepted');
    this.metrics.jobsAccepted.inc({ type: 'document' });
    await this.pendingRows
      .write(event, activeTraceIds().traceId ?? null)
      .catch((error: unknown) =>
        log.warn({ err: error }, 'could not pre-apply the request to the read model; the projector will'),
      );
    return {
      id: jobId,
      type: 'document',
      status: 'PENDING',
      document: { filename, mediaType, size: file.size, sha256 },
    };
  }
}

/** Keeps a display name: no path, no control characters, at most 255 characters. */
function sanitiseFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const printable = [...base].filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f).join('');
  const clean = printable.trim().slice(0, 255);
  return clean.length > 0 ? clean : 'upload';
}
