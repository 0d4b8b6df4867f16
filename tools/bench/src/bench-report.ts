import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, loadavg, platform } from 'node:os';
import { resolve } from 'node:path';

/** What an in-process benchmark ran on, recorded in its report. */
export function benchEnvironment(): Record<string, string | number> {
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: platform(),
    arch: arch(),
    cpu: cpus()[0]?.model ?? 'unknown',
    availableParallelism: availableParallelism(),
    loadAverage1m: loadavg()[0],
  };
}

/** Writes `report` as JSON to bench-results/`fileName` (under the working directory); returns its path. */
export function writeBenchReport(fileName: string, report: object): string {
  const directory = resolve(process.cwd(), 'bench-results');
  mkdirSync(directory, { recursive: true });
  const file = resolve(directory, fileName);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
