import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const WORKER_BASENAME = 'mupdf-worker';

/**
 * Absolute path of a JavaScript file worker threads can load for the mupdf task module.
 *
 * - Built code (`dist/.../core/mupdf/`): the compiled `mupdf-worker.js` sits next to this file.
 * - TypeScript sources (jest, ts-node): there is no `.js` next to us and a worker thread cannot run
 *   `.ts`, so `mupdf-worker.ts` is transpiled (with the `typescript` dev dependency, loaded lazily) into a
 *   content-addressed `.cjs` file in the OS temp dir. The worker imports mupdf by the absolute URL it gets
 *   in workerData, so that copy does not need to live under node_modules' resolution path.
 */
export async function resolveMupdfWorkerFile(dir: string = __dirname): Promise<string> {
  const compiled = join(dir, `${WORKER_BASENAME}.js`);
  if (existsSync(compiled)) return compiled;
  const source = join(dir, `${WORKER_BASENAME}.ts`);
  if (!existsSync(source)) throw new Error(`mupdf worker not found next to ${dir} (no .js nor .ts)`);
  return transpileToTemp(source);
}

async function transpileToTemp(sourcePath: string): Promise<string> {
  const source = readFileSync(sourcePath, 'utf8');
  const ts = await import('typescript');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    fileName: sourcePath,
  });
  const hash = createHash('sha256').update(outputText).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'documents-core-workers');
  const target = join(dir, `${WORKER_BASENAME}-${hash}.cjs`);
  if (!existsSync(target)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${target}.${process.pid}.tmp`;
    writeFileSync(partial, outputText);
    renameSync(partial, target); // atomic: parallel jest workers may race here
  }
  return target;
}

/** file:// URL of mupdf's ESM entry point (resolution only; nothing is loaded on this thread). */
export function mupdfEntryUrl(): string {
  return pathToFileURL(require.resolve('mupdf')).href;
}
