import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, findOnPath, runCommand } from '@app/stack';

/** The Schemathesis release the contract test runs; a new one gets a virtualenv of its own. */
export const SCHEMATHESIS_VERSION = '4.32.5';

const INSTALLED_MARKER = '.installed';

/**
 * The `st` executable of Schemathesis, installed from PyPI into a virtualenv in the project's cache
 * (`<cache>/schemathesis-<version>`, EVENT_JOBS_CACHE_DIR as for the Kafka jars) on first use and
 * reused after. The marker is written last, so an interrupted install is redone.
 */
export async function ensureSchemathesis(log: (line: string) => void = () => undefined): Promise<string> {
  const venv = path.join(cacheDir(), `schemathesis-${SCHEMATHESIS_VERSION}`);
  const st = path.join(venv, 'bin', 'st');
  if (fs.existsSync(path.join(venv, INSTALLED_MARKER)) && fs.existsSync(st)) return st;
  const python = findOnPath('python3.11') ?? findOnPath('python3');
  if (!python) throw new Error('python3 (3.10+) was not found on PATH; it is needed to run Schemathesis');
  log(`installing Schemathesis ${SCHEMATHESIS_VERSION} into ${venv}`);
  await fs.promises.rm(venv, { recursive: true, force: true });
  await runCommand(python, ['-m', 'venv', venv], { timeoutMs: 120_000 });
  await runCommand(
    path.join(venv, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`],
    { timeoutMs: 600_000 },
  );
  await fs.promises.writeFile(path.join(venv, INSTALLED_MARKER), `${SCHEMATHESIS_VERSION}\n`);
  return st;
}

export interface SchemathesisRun {
  code: number;
  output: string;
  /** The closing line, e.g. `== 0 failures, 1 warning in 152.3s ==`. */
  summary: string;
  /** The "N generated, M found K unique failures" line of the summary. */
  testCases: string;
}

/** Runs `st run` and collects its report (exit code 0 means no check failed). */
export async function runSchemathesis(
  st: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<SchemathesisRun> {
  const result = await runCommand(st, args, { ...options, check: false });
  const output = `${result.stdout}\n${result.stderr}`;
  const lines = output.split('\n').map((line) => line.trim());
  const summary = [...lines].reverse().find((line) => /^=+ .* in [\d.]+s =+$/.test(line)) ?? '(no summary)';
  const testCases = lines.find((line) => / generated, /.test(line)) ?? '(no test case count)';
  return { code: result.code, output, summary, testCases };
}
