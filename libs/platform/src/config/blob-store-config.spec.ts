import { readBlobStoreConfig } from './common-config';
import { ConfigError, EnvReader } from './env-reader';

function read(env: Record<string, string>): ReturnType<typeof readBlobStoreConfig> {
  const reader = new EnvReader(env);
  const config = readBlobStoreConfig(reader);
  reader.done();
  return config;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    read(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readBlobStoreConfig', () => {
  it('defaults to the filesystem store in BLOB_DIR', () => {
    expect(read({})).toEqual({ kind: 'filesystem', dir: '.data/blobs' });
    expect(read({ BLOB_STORE: 'filesystem', BLOB_DIR: '/tmp/b' })).toEqual({
      kind: 'filesystem',
      dir: '/tmp/b',
    });
  });

  it('reads an S3-compatible store, path-style by default when an endpoint is given', () => {
    expect(
      read({
        BLOB_STORE: 's3',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_BUCKET: 'drawings',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
      }),
    ).toEqual({
      kind: 's3',
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'drawings',
      region: 'us-east-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      forcePathStyle: true,
    });
    expect(read({ BLOB_STORE: 's3', S3_BUCKET: 'drawings', S3_REGION: 'eu-west-1' })).toMatchObject({
      endpoint: undefined,
      region: 'eu-west-1',
      credentials: undefined,
      forcePathStyle: false,
    });
  });

  it('names every bad variable', () => {
    expect(problemsOf({ BLOB_STORE: 'ftp' })).toEqual([
      expect.stringContaining('BLOB_STORE="ftp" must be one of'),
    ]);
    expect(problemsOf({ BLOB_STORE: 's3' })).toEqual(['S3_BUCKET is required']);
    const problems = problemsOf({
      BLOB_STORE: 's3',
      S3_BUCKET: 'Bad_Bucket',
      S3_ENDPOINT: 'not a url',
      S3_ACCESS_KEY_ID: 'id',
      S3_FORCE_PATH_STYLE: 'maybe',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('S3_BUCKET="Bad_Bucket" is invalid'),
        expect.stringContaining('S3_ENDPOINT="not a url" is not a URL'),
        'S3_SECRET_ACCESS_KEY is required when S3_ACCESS_KEY_ID is set',
        expect.stringContaining('S3_FORCE_PATH_STYLE="maybe" must be true or false'),
      ]),
    );
    expect(problems).toHaveLength(4);
  });
});
