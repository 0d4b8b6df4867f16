import type { BlobStoreConfig } from '../config/common-config';
import { FilesystemBlobStore, type BlobStore } from './blob-store';
import { S3BlobStore } from './s3-blob-store';

/** The blob store BLOB_STORE chose: a local folder or an S3-compatible bucket. */
export function createBlobStore(config: BlobStoreConfig): BlobStore {
  switch (config.kind) {
    case 'filesystem':
      return new FilesystemBlobStore(config.dir);
    case 's3':
      return new S3BlobStore(config);
  }
}

/** Where the blobs are, for a start-up log line (never credentials). */
export function describeBlobStore(config: BlobStoreConfig): string {
  return config.kind === 'filesystem'
    ? `filesystem ${config.dir}`
    : `s3 ${config.endpoint ?? 'aws'} bucket ${config.bucket}`;
}
