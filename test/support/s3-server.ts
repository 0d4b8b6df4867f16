import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import S3rver from 's3rver';

/** s3rver's built-in account. */
const ACCESS_KEY = 'S3RVER';

/** A real S3-compatible server (s3rver) on a free 127.0.0.1 port, storing into a temporary folder. */
export class LocalS3Server {
  private constructor(
    private readonly server: S3rver,
    private readonly directory: string,
    readonly endpoint: string,
    readonly bucket: string,
  ) {}

  static async start(bucket = 'event-jobs-test'): Promise<LocalS3Server> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'event-jobs-s3-'));
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    const address = await server.run();
    return new LocalS3Server(server, directory, `http://127.0.0.1:${address.port}`, bucket);
  }

  /** The environment that points a service at this server (BLOB_STORE=s3). */
  env(): Record<string, string> {
    return {
      BLOB_STORE: 's3',
      S3_ENDPOINT: this.endpoint,
      S3_BUCKET: this.bucket,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: ACCESS_KEY,
      S3_FORCE_PATH_STYLE: 'true',
    };
  }

  async stop(): Promise<void> {
    await this.server.close();
    fs.rmSync(this.directory, { recursive: true, force: true });
  }
}
