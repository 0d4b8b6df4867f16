import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TENANT_PATTERN } from '@app/contracts';

/**
 * Content-addressed storage for documents and their derived artefacts (page images, text layers), kept
 * per tenant. Keys are the sha256 of the bytes, so a tenant storing the same bytes twice has one blob
 * and a replayed stage writes exactly what it wrote before; two tenants' same bytes are two blobs, so
 * nothing one tenant does (an upload that finds its blob already there, say) tells it about another.
 * Events carry keys, never bytes, and the tenant is the event's.
 */
export interface BlobStore {
  put(tenant: string, bytes: Buffer): Promise<string>;
  /** Throws BlobNotFoundError when the tenant has no blob with that key. */
  get(tenant: string, key: string): Promise<Buffer>;
  exists(tenant: string, key: string): Promise<boolean>;
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

/**
 * The folder (or object-name prefix) of a tenant's blobs; a name that is not a tenant's names none (a
 * tenant name is one safe path segment, never `.` or `..`).
 */
export function tenantPrefix(tenant: string): string {
  if (!TENANT_PATTERN.test(tenant)) throw new Error(`not a tenant name: ${JSON.stringify(tenant)}`);
  return `tenants/${tenant}`;
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Blobs as files under `root/tenants/<tenant>/ab/cd/<sha256>`; written to a temp file and renamed, so
 * never partial. Blobs stored before blobs were kept per tenant (`root/ab/cd/<sha256>`) are still read.
 */
export class FilesystemBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private pathOf(tenant: string | null, key: string): string {
    if (!isBlobKey(key)) throw new BlobNotFoundError(key);
    const folder = tenant === null ? this.root : path.join(this.root, tenantPrefix(tenant));
    return path.join(folder, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(tenant: string, bytes: Buffer): Promise<string> {
    const key = sha256Hex(bytes);
    const target = this.pathOf(tenant, key);
    if (fs.existsSync(target)) return key;
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    await fs.promises.writeFile(temp, bytes);
    await fs.promises.rename(temp, target);
    return key;
  }

  async get(tenant: string, key: string): Promise<Buffer> {
    for (const owner of [tenant, null]) {
      try {
        return await fs.promises.readFile(this.pathOf(owner, key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new BlobNotFoundError(key);
  }

  async exists(tenant: string, key: string): Promise<boolean> {
    return (
      isBlobKey(key) && (fs.existsSync(this.pathOf(tenant, key)) || fs.existsSync(this.pathOf(null, key)))
    );
  }

  async ready(): Promise<boolean> {
    await fs.promises.mkdir(this.root, { recursive: true });
    await fs.promises.access(this.root, fs.constants.W_OK);
    return true;
  }
}
