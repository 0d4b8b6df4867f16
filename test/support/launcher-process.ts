import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { repoRoot } from '@app/stack';
import { eventually } from './wait';

export interface LauncherExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * `npm start`'s launcher (dist/tools/launcher/src/start.js) as a child of the test, with the
 * environment given (its own data folder and ports). Its output is kept, for waiting on lines and
 * for error messages.
 */
export class LauncherProcess {
  readonly lines: string[] = [];
  private exitInfo: LauncherExit | undefined;
  private readonly exited: Promise<LauncherExit>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) readline.createInterface({ input: stream }).on('line', (line) => this.lines.push(line));
    }
  }

  static start(env: NodeJS.ProcessEnv): LauncherProcess {
    const entry = path.join(repoRoot(), 'dist', 'tools', 'launcher', 'src', 'start.js');
    return new LauncherProcess(
      spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot() }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the launcher did not start');
    return this.child.pid;
  }

  get exit(): LauncherExit | undefined {
    return this.exitInfo;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Resolves with the first output line matching `pattern`; fails early if the launcher exits. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    return eventually(
      `launcher output ${pattern}`,
      () => {
        const line = this.lines.find((candidate) => pattern.test(candidate));
        if (line !== undefined) return line;
        if (this.exitInfo) {
          throw new Error(`the launcher exited (${JSON.stringify(this.exitInfo)}):\n${this.output()}`);
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.exitInfo) this.child.kill(signal);
  }

  /** Waits for the exit (after a signal, or by itself). */
  async waitForExit(timeoutMs: number): Promise<LauncherExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the launcher did not exit within ${timeoutMs} ms:\n${this.output()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** kill -9 of the launcher alone: what it started (in process groups of their own) keeps running. */
  async killHard(): Promise<void> {
    this.signal('SIGKILL');
    await this.waitForExit(10_000);
  }
}
