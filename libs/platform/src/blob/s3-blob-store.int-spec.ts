import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { findFreePort } from '@app/stack';
import { LocalS3Server } from '@app/test-support/s3-server';
import { BlobNotFoundError, BlobStoreUnavailableError, sha256Hex } from './blob-store';
import { S3BlobStore, type S3BlobStoreConfig } from './s3-blob-store';

/** The S3 blob store against a real S3-compatible server (s3rver) this file starts. */
describe('S3BlobStore (against s3rver)', () => {
  let server: LocalS3Server;
  let config: S3BlobStoreConfig;
  let store: S3BlobStore;
  const stores: S3BlobStore[] = [];

  const storeWith = (overrides: Partial<S3BlobStoreConfig>): S3BlobStore => {
    const created = new S3BlobStore({ ...config, ...overrides });
    stores.push(created);
    return created;
  };

  beforeAll(async () => {
    server = await LocalS3Server.start('blobs-int');
    config = {
      endpoint: server.endpoint,
      bucket: server.bucket,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      forcePathStyle: true,
    };
    store = storeWith({});
  });

  afterAll(async () => {
    for (const created of stores) created.close();
    await server?.stop();
  });

  it('is ready when the bucket exists, and says which bucket is missing otherwise', async () => {
    await expect(store.ready()).resolves.toBe(true);
    const missing = storeWith({ bucket: 'no-such-bucket' });
    await expect(missing.ready()).rejects.toThrow(/no-such-bucket does not exist/);
  });

  it('stores bytes under their sha256 and gives them back', async () => {
    const bytes = randomBytes(1000);
    const key = await store.put('acme', bytes);
    expect(key).toBe(sha256Hex(bytes));
    await expect(store.exists('acme', key)).resolves.toBe(true);
    expect((await store.get('acme', key)).equals(bytes)).toBe(true);
  });

  it('reports a missing blob as BlobNotFoundError and exists() false', async () => {
    const absent = sha256Hex(randomBytes(16));
    await expect(store.get('acme', absent)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.exists('acme', absent)).resolves.toBe(false);
    await expect(store.get('acme', '../../etc/passwd')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.exists('acme', 'not-a-key')).resolves.toBe(false);
  });

  it('stores the same bytes once however often they are put', async () => {
    const bytes = Buffer.from(`idempotent ${randomBytes(8).toString('hex')}`);
    const keys = [
      await store.put('acme', bytes),
      await store.put('acme', bytes),
      await store.put('acme', Buffer.from(bytes)),
    ];
    expect(new Set(keys).size).toBe(1);
    const client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      credentials: config.credentials,
      forcePathStyle: true,
    });
    try {
      const listed = await client.send(
        new ListObjectsV2Command({ Bucket: config.bucket, Prefix: `tenants/acme/${keys[0]}` }),
      );
      expect(listed.Contents?.map((object) => object.Key)).toEqual([`tenants/acme/${keys[0]}`]);
      expect(listed.Contents?.[0].Size).toBe(bytes.length);
    } finally {
      client.destroy();
    }
  });

  it('keeps each tenant’s blobs apart, and still reads a blob stored before blobs were per tenant', async () => {
    const bytes = Buffer.from(`shared ${randomBytes(8).toString('hex')}`);
    const key = await store.put('acme', bytes);
    await expect(store.exists('globex', key)).resolves.toBe(false);
    await expect(store.get('globex', key)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.put('globex', bytes)).toBe(key);
    expect((await store.get('globex', key)).equals(bytes)).toBe(true);
    await expect(store.put('../acme', bytes)).rejects.toThrow(/not a tenant name/);

    const legacy = randomBytes(64);
    const client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      credentials: config.credentials,
      forcePathStyle: true,
    });
    try {
      await client.send(
        new PutObjectCommand({ Bucket: config.bucket, Key: sha256Hex(legacy), Body: legacy }),
      );
    } finally {
      client.destroy();
    }
    await expect(store.exists('acme', sha256Hex(legacy))).resolves.toBe(true);
    expect((await store.get('acme', sha256Hex(legacy))).equals(legacy)).toBe(true);
  });

  it('round-trips a large object (24 MiB) byte for byte', async () => {
    const bytes = randomBytes(24 * 1024 * 1024);
    const key = await store.put('acme', bytes);
    const back = await store.get('acme', key);
    expect(back.length).toBe(bytes.length);
    expect(sha256Hex(back)).toBe(key);
  });

  it('fails with BlobStoreUnavailableError naming the endpoint when the server does not answer', async () => {
    const closedPort = await findFreePort();
    const unreachable = storeWith({ endpoint: `http://127.0.0.1:${closedPort}` });
    const failure = unreachable.put('acme', Buffer.from('nowhere'));
    await expect(failure).rejects.toBeInstanceOf(BlobStoreUnavailableError);
    await expect(failure).rejects.toThrow(`127.0.0.1:${closedPort}`);
    await expect(unreachable.ready()).rejects.toBeInstanceOf(BlobStoreUnavailableError);
  });
});
