import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  BlobNotFoundError,
  BlobStoreUnavailableError,
  isBlobKey,
  tenantPrefix,
  sha256Hex,
  type BlobStore,
} from './blob-store';

export interface S3BlobStoreConfig {
  /** An S3-compatible endpoint (MinIO, s3rver, ...); absent means AWS itself. */
  endpoint: string | undefined;
  bucket: string;
  region: string;
  /** Both or neither; neither means the SDK's default credential chain. */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  forcePathStyle: boolean;
}

/**
 * Blobs as objects `tenants/<tenant>/<sha256>` in one bucket of an S3-compatible store (and, read only,
 * `<sha256>` from before blobs were kept per tenant). Same semantics as the filesystem store:
 * content-addressed per tenant, and a put of bytes the tenant already stored writes nothing.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;

  constructor(private readonly config: S3BlobStoreConfig) {
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      // S3-compatible servers do not all know the newer flexible checksums; S3 needs them only when required.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(tenant: string, bytes: Buffer): Promise<string> {
    const key = sha256Hex(bytes);
    const name = objectName(tenant, key);
    if (await this.head(name)) return key;
    await this.call(`put ${key}`, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.config.bucket,
          Key: name,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: 'application/octet-stream',
        }),
      ),
    );
    return key;
  }

  async get(tenant: string, key: string): Promise<Buffer> {
    if (!isBlobKey(key)) throw new BlobNotFoundError(key);
    // The tenant's object, else one stored before blobs were kept per tenant (named by its key alone).
    for (const name of [objectName(tenant, key), key]) {
      const object = await this.call(`get ${key}`, () =>
        this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: name })),
      );
      if (object?.Body) return Buffer.from(await object.Body.transformToByteArray());
    }
    throw new BlobNotFoundError(key);
  }

  async exists(tenant: string, key: string): Promise<boolean> {
    if (!isBlobKey(key)) return false;
    return (await this.head(objectName(tenant, key))) || this.head(key);
  }

  private async head(name: string): Promise<boolean> {
    const head = await this.call(`head ${name}`, () =>
      this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: name })),
    );
    return head !== undefined;
  }

  async ready(): Promise<boolean> {
    const bucket = await this.call('head bucket', () =>
      this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket })),
    );
    if (bucket === undefined) {
      throw new BlobStoreUnavailableError(
        `S3 bucket ${this.config.bucket} does not exist at ${this.where()}`,
      );
    }
    return true;
  }

  close(): void {
    this.client.destroy();
  }

  /** Runs one S3 request: undefined for "no such key/bucket", a BlobStoreUnavailableError naming the request otherwise. */
  private async call<T>(what: string, request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new BlobStoreUnavailableError(
        `S3 ${what} in bucket ${this.config.bucket} at ${this.where()} failed (${reason})`,
        error,
      );
    }
  }

  private where(): string {
    return this.config.endpoint ?? `AWS ${this.config.region}`;
  }
}

function isNotFound(error: unknown): boolean {
  // A missing bucket is a configuration problem, not a missing blob (HEAD answers carry no body, so
  // a HeadObject 404 cannot tell them apart; ready() probes the bucket itself).
  if (!(error instanceof S3ServiceException) || error.name === 'NoSuchBucket') return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404;
}

/** A tenant's blob's object name: `tenants/<tenant>/<sha256>`. */
function objectName(tenant: string, key: string): string {
  return `${tenantPrefix(tenant)}/${key}`;
}
