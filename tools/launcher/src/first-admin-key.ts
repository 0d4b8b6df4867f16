import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_TENANT_ID } from '@app/contracts';
import { EnvReader, readDatabaseConfig } from '@app/platform';
import { ApiKeyStore, createDataSource, newApiKeySecret } from '@app/read-models';

/**
 * `node dist/tools/launcher/src/first-admin-key.js <file>`: on a database without any API key, creates
 * an admin key of the default tenant and writes its secret to `<file>` (mode 0600), then prints
 * `{"created":true,"keyId":…}`; otherwise prints `{"created":false}`. The secret is written before
 * the key is stored, so a crash in between leaves no key nobody knows (the next start makes another).
 * The launcher runs it after the migrations, before any gateway starts.
 */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: first-admin-key.js <file>');
  const env = new EnvReader();
  const database = readDatabaseConfig(env);
  env.done();
  const dataSource = await createDataSource({ ...database, poolSize: 1 }, 'first-admin-key').initialize();
  try {
    const keys = new ApiKeyStore(dataSource);
    if ((await keys.count()) > 0) {
      process.stdout.write(JSON.stringify({ created: false }) + '\n');
      return;
    }
    const secret = newApiKeySecret();
    writeOwnerOnly(file, secret + '\n');
    const key = await keys.create({ tenant: DEFAULT_TENANT_ID, role: 'admin', expiresAt: null }, secret);
    process.stdout.write(JSON.stringify({ created: true, keyId: key.id }) + '\n');
  } finally {
    await dataSource.destroy();
  }
}

/** Writes `text` to `file` readable by its owner only (a temp file renamed over it: never half-written). */
export function writeOwnerOnly(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, text, { mode: 0o600 });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
