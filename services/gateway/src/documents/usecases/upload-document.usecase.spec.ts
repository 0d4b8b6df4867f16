import { createHash } from 'node:crypto';
import { EventTypes, jobRequestedEventId, Topics, type JobRequested } from '@app/contracts';
import {
  BlobStoreUnavailableError,
  KafkaUnavailableError,
  PlatformMetrics,
  type BlobStore,
} from '@app/platform';
import { FakePublisher, FakeReadModelWrites, silentLogger } from '@app/test-support/gateway-fakes';
import {
  DependencyUnavailableError,
  RequestValidationError,
  UnsupportedMediaTypeError,
} from '../../http/api-errors';
import type { PendingJobRows } from '../../jobs/pending-job-rows';
import { UploadDocumentUseCase, type UploadedFile } from './upload-document.usecase';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('pixels'),
]);

/** Blobs by tenant and sha256 (`<tenant>/<sha256>`), in memory; `failWith` makes put reject. */
class FakeBlobStore {
  readonly blobs = new Map<string, Buffer>();
  failWith: Error | null = null;

  async put(tenant: string, bytes: Buffer): Promise<string> {
    if (this.failWith) throw this.failWith;
    const key = createHash('sha256').update(bytes).digest('hex');
    this.blobs.set(`${tenant}/${key}`, bytes);
    return key;
  }
}

function setup() {
  const blobs = new FakeBlobStore();
  const publisher = new FakePublisher();
  const pendingRows = new FakeReadModelWrites<JobRequested>();
  const useCase = new UploadDocumentUseCase(
    blobs as unknown as BlobStore,
    publisher.as(),
    { write: (event: JobRequested) => pendingRows.write(event) } as unknown as PendingJobRows,
    silentLogger,
    new PlatformMetrics('upload-document-spec'),
  );
  return { blobs, publisher, pendingRows, useCase };
}

const file = (buffer: Buffer, originalname = 'sheet.png'): UploadedFile => ({
  buffer,
  originalname,
  size: buffer.length,
});

const ACTOR = { keyId: 'key_0123456789abcdef', role: 'member', tenant: 'tenant-1' } as const;

describe('UploadDocumentUseCase', () => {
  it('stores the file by its sha256 as its tenant’s and publishes the document job with a reference to it', async () => {
    const { blobs, publisher, pendingRows, useCase } = setup();
    const sha256 = createHash('sha256').update(PNG).digest('hex');

    const accepted = await useCase.execute(file(PNG, 'C:\\scans\\sheet\u0007 1.png'), 'corr-1', ACTOR, 'low');

    expect(accepted).toEqual({
      id: expect.any(String),
      type: 'document',
      status: 'PENDING',
      document: { filename: 'sheet 1.png', mediaType: 'image/png', size: PNG.length, sha256 },
    });
    // Among the uploading key’s tenant’s blobs.
    expect(blobs.blobs.get(`tenant-1/${sha256}`)).toEqual(PNG);
    expect(publisher.published.map((o) => o.topic)).toEqual([Topics.DocumentsRequestedLow]);
    expect(publisher.events[0]).toMatchObject({
      id: jobRequestedEventId(accepted.id),
      type: EventTypes.JobRequested,
      jobId: accepted.id,
      tenantId: 'tenant-1',
      actor: ACTOR,
      correlationId: 'corr-1',
      data: {
        jobType: 'document',
        input: { blob: { key: sha256, size: PNG.length, mediaType: 'image/png', filename: 'sheet 1.png' } },
        priority: 'low',
        idempotencyKey: null,
      },
    });
    expect(pendingRows.written.map((event) => event.jobId)).toEqual([accepted.id]);
  });

  it('refuses a missing file and an empty one (400) before storing anything', async () => {
    const { blobs, publisher, useCase } = setup();

    await expect(useCase.execute(undefined, 'corr-1', ACTOR)).rejects.toBeInstanceOf(RequestValidationError);
    await expect(useCase.execute(file(Buffer.alloc(0)), 'corr-1', ACTOR)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    expect(blobs.blobs.size).toBe(0);
    expect(publisher.published).toHaveLength(0);
  });

  it('refuses a file that is not a PDF, PNG, JPEG or TIFF by its content (415), whatever its name', async () => {
    const { blobs, useCase } = setup();

    await expect(
      useCase.execute(file(Buffer.from('MZ not an image'), 'sheet.png'), 'corr-1', ACTOR),
    ).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
    expect(blobs.blobs.size).toBe(0);
  });

  it('answers 503 when the blob store is unavailable, and publishes nothing', async () => {
    const { blobs, publisher, useCase } = setup();
    blobs.failWith = new BlobStoreUnavailableError('bucket unreachable');

    const upload = useCase.execute(file(PNG), 'corr-1', ACTOR);

    await expect(upload).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(upload).rejects.toMatchObject({ dependency: 'The blob store' });
    expect(publisher.published).toHaveLength(0);
  });

  it('when Kafka is unavailable rejects with KafkaUnavailableError (503) and writes no pending row', async () => {
    const { publisher, pendingRows, useCase } = setup();
    publisher.failWith = new KafkaUnavailableError('no leader');

    await expect(useCase.execute(file(PNG), 'corr-1', ACTOR)).rejects.toBeInstanceOf(KafkaUnavailableError);
    expect(pendingRows.written).toHaveLength(0);
  });
});
