import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlobNotFoundError, FilesystemBlobStore, sha256Hex } from './blob-store';

describe('FilesystemBlobStore', () => {
  let root: string;
  let store: FilesystemBlobStore;

  beforeEach(async () => {
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    store = new FilesystemBlobStore(root);
  });
  afterEach(() => fs.promises.rm(root, { recursive: true, force: true }));

  it('stores a tenant’s bytes under its own folder, by sha256, once', async () => {
    const bytes = Buffer.from('page image');
    const key = await store.put('acme', bytes);
    expect(key).toBe(sha256Hex(bytes));
    expect(await store.put('acme', Buffer.from(bytes))).toBe(key);
    expect(fs.existsSync(path.join(root, 'tenants', 'acme', key.slice(0, 2), key.slice(2, 4), key))).toBe(
      true,
    );
    expect((await store.get('acme', key)).equals(bytes)).toBe(true);
  });

  it('never gives one tenant another’s blob', async () => {
    const key = await store.put('acme', Buffer.from('secret drawing'));
    await expect(store.exists('globex', key)).resolves.toBe(false);
    await expect(store.get('globex', key)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('reads a blob stored before blobs were kept per tenant', async () => {
    const bytes = Buffer.from('older upload');
    const key = sha256Hex(bytes);
    await fs.promises.mkdir(path.join(root, key.slice(0, 2), key.slice(2, 4)), { recursive: true });
    await fs.promises.writeFile(path.join(root, key.slice(0, 2), key.slice(2, 4), key), bytes);
    await expect(store.exists('default', key)).resolves.toBe(true);
    expect((await store.get('default', key)).equals(bytes)).toBe(true);
  });

  it('refuses a name that is not a tenant’s or a key that is not a sha256', async () => {
    await expect(store.put('../etc', Buffer.from('x'))).rejects.toThrow(/not a tenant name/);
    await expect(store.get('acme', '../../etc/passwd')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.exists('acme', 'not-a-key')).resolves.toBe(false);
  });
});
