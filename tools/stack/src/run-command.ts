import { spawn, SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Reject unless the exit code is 0 (default true). */
  check?: boolean;
  timeoutMs?: number;
  /** Aborting it kills the command (SIGTERM) and rejects. */
  signal?: AbortSignal;
}

/** Runs a short-lived command to completion, collecting its output. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: options.signal,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], spawnOptions);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs).unref();
    child.once('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const result: CommandResult = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if ((options.check ?? true) && result.code !== 0) {
        const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-30).join('\n');
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${signal ? `signal ${signal}` : `exit ${code}`}):\n${output}`,
          ),
        );
        return;
      }
      resolve(result);
    });
  });
}

/** Absolute path of an executable found on PATH, or undefined. */
export function findOnPath(name: string, envPath: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Like findOnPath, but fails with a message saying what the tool is needed for. */
export function requireExecutable(name: string, neededFor: string): string {
  const found = findOnPath(name);
  if (!found) {
    throw new Error(`\`${name}\` was not found on PATH; it is needed to ${neededFor}. Install it and retry.`);
  }
  return found;
}
