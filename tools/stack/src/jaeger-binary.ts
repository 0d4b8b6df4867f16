import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from './paths';
import { findOnPath, requireExecutable, runCommand } from './run-command';

/** The Go module tag: v1.76.0 is Jaeger 2.13 (the v2 binary lives at cmd/jaeger). */
export const JAEGER_MODULE_VERSION = 'v1.76.0';
const JAEGER_PACKAGE = 'github.com/jaegertracing/jaeger/cmd/jaeger';

export interface JaegerBinaryOptions {
  cacheDir?: string;
  log?: (line: string) => void;
  /** Aborting it stops a build in progress. */
  signal?: AbortSignal;
}

/**
 * Returns the path of the Jaeger v2 binary, building it once into
 * `<cacheDir>/jaeger-v1.76.0/jaeger`. `go install pkg@version` refuses this module (its go.mod has
 * replace directives), so we build it as a tool dependency of a tiny module of our own. A cold
 * build takes minutes; later calls return at once.
 */
export async function ensureJaegerBinary(options: JaegerBinaryOptions = {}): Promise<string> {
  const binary = jaegerBinaryPath(options.cacheDir);
  const dir = path.dirname(binary);
  if (isExecutable(binary)) return binary;

  const go = requireExecutable('go', `build Jaeger ${JAEGER_MODULE_VERSION} (Go 1.24 or newer)`);
  options.log?.(
    `building Jaeger ${JAEGER_MODULE_VERSION} with Go into ${dir} (first run only, takes minutes)...`,
  );
  fs.mkdirSync(dir, { recursive: true });
  // At the lowest CPU priority: the build runs beside Kafka, PostgreSQL and the services starting up.
  // No time limit: on a busy machine that can take over half an hour (a 30-minute limit once killed
  // a build so starved); stop() aborts it, and Go's build cache keeps what it compiled for next time.
  const nice = findOnPath('nice');
  const run = (args: string[]): Promise<unknown> =>
    nice
      ? runCommand(nice, ['-n', '19', go, ...args], { cwd: dir, signal: options.signal })
      : runCommand(go, args, { cwd: dir, signal: options.signal });
  if (!fs.existsSync(path.join(dir, 'go.mod'))) await run(['mod', 'init', 'eventjobs/jaegerbuild']);
  await run(['get', '-tool', `${JAEGER_PACKAGE}@${JAEGER_MODULE_VERSION}`]);
  // Build under a private name and rename, so a concurrent start never runs half a binary.
  const staging = `${binary}.tmp-${process.pid}`;
  try {
    await run(['build', '-o', staging, JAEGER_PACKAGE]);
    fs.renameSync(staging, binary);
  } finally {
    fs.rmSync(staging, { force: true });
  }
  return binary;
}

/** Where the built binary lives (whether or not it is built yet). */
export function jaegerBinaryPath(cache: string = cacheDir()): string {
  return path.join(cache, `jaeger-${JAEGER_MODULE_VERSION}`, 'jaeger');
}

/** False on a machine's first start: the binary is still to be built (minutes). */
export function isJaegerBinaryBuilt(cache?: string): boolean {
  return isExecutable(jaegerBinaryPath(cache));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
