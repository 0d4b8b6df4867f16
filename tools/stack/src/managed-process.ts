import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { LineRing } from './log-tail';

export interface ProcessSpec {
  /** Short name used as the output prefix, e.g. `kafka` or `gateway`. */
  name: string;
  command: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Appends stdout and stderr here (created with its folder). */
  logFile?: string;
  /** Receives every output line (stdout and stderr); default: dropped. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One long-running child process in its own process group (`detached`), so that stopping it also
 * stops whatever it forked. Output is split into lines, kept in a small ring for error messages,
 * optionally appended to a log file and handed to `onLine`.
 */
export class ManagedProcess {
  readonly recentOutput = new LineRing();
  private child: ChildProcess | undefined;
  private exitInfo: ExitInfo | undefined;
  private exitPromise: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });
  private log: fs.WriteStream | undefined;

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True between a successful `start()` and the process's exit. */
  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  /** Set once the process has exited. */
  get exited(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Resolves when the process exits (at once if it is not running). */
  whenExited(): Promise<ExitInfo> {
    return this.exitPromise;
  }

  start(): void {
    if (this.running) throw new Error(`${this.spec.name} is already running (pid ${this.pid})`);
    const { spec } = this;
    if (spec.logFile) {
      fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
      this.log = fs.createWriteStream(spec.logFile, { flags: 'a' });
    }
    this.exitInfo = undefined;
    const child = spawn(spec.command, [...(spec.args ?? [])], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.exitPromise = new Promise((resolve) => {
      let settled = false;
      const settle = (info: ExitInfo): void => {
        if (settled) return;
        settled = true;
        this.exitInfo = info;
        this.log?.end();
        this.log = undefined;
        resolve(info);
      };
      child.once('error', (error) => {
        this.recentOutput.push(`failed to start ${spec.command}: ${error.message}`);
        settle({ code: 127, signal: null });
      });
      // 'close' waits for the pipes too; a grandchild that keeps them open must not hang us.
      child.once('exit', (code, signal) => setTimeout(() => settle({ code, signal }), 500).unref());
      child.once('close', (code, signal) => settle({ code, signal }));
    });
    this.pipeLines(child.stdout, 'stdout');
    this.pipeLines(child.stderr, 'stderr');
  }

  /** Sends `signal` to the whole process group. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  }

  /** SIGTERM to the group, then SIGKILL once `timeoutMs` has passed; resolves after the exit. */
  async stop(timeoutMs = 10_000): Promise<ExitInfo> {
    if (!this.running) return this.exitInfo ?? { code: null, signal: null };
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    try {
      return await this.exitPromise;
    } finally {
      clearTimeout(timer);
    }
  }

  private pipeLines(stream: NodeJS.ReadableStream | null, kind: 'stdout' | 'stderr'): void {
    if (!stream) return;
    const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (line) => {
      this.recentOutput.push(line);
      this.log?.write(`${line}\n`);
      this.spec.onLine?.(line, kind);
    });
  }
}
