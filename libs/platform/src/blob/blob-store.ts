import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Content-addressed storage for documents and their derived artefacts (page images, text layers).
 * Keys are the sha256 of the bytes, so storing the same bytes twice is one blob and a replayed stage
 * writes exactly what it wrote before. Events carry keys, never bytes.
 */
export interface BlobStore {
  put(bytes: Buffer): Promise<string>;
  /** Throws BlobNotFoundError when no blob has that key. */
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** True when the store answers (readiness). */
  ready(): Promise<boolean>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`blob ${key} not found`);
  }
}

/** The store did not answer or refused the request (network, permissions, missing bucket): retry later. */
export class BlobStoreUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'BlobStoreUnavailableError';
  }
}

const KEY = /^[0-9a-f]{64}$/;

/** A key is the lowercase hex sha256 of the blob's bytes; anything else cannot name a blob. */
export function isBlobKey(key: string): boolean {
  return KEY.test(key);
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Blobs as files under `root/ab/cd/<sha256>`; written to a temp file and renamed, so never partial. */
export class FilesystemBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!isBlobKey(key)) throw new BlobNotFoundError(key);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(bytes: Buffer): Promise<string> {
    const key = sha256Hex(bytes);
    const target = this.pathOf(key);
    if (fs.existsSync(target)) return key;
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    await fs.promises.writeFile(temp, bytes);
    await fs.promises.rename(temp, target);
    return key;
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.promises.readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return isBlobKey(key) && fs.existsSync(this.pathOf(key));
  }

  async ready(): Promise<boolean> {
    await fs.promises.mkdir(this.root, { recursive: true });
    await fs.promises.access(this.root, fs.constants.W_OK);
    return true;
  }
}
