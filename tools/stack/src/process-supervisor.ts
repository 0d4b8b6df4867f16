import { EventEmitter } from 'node:events';
import { ExitInfo, ManagedProcess } from './managed-process';

export interface SupervisedProcess {
  name: string;
  command: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Also append this process's output to a file. */
  logFile?: string;
}

export interface ProcessSupervisorOptions {
  /** Where prefixed output lines go; default process.stdout. `null` keeps output quiet. */
  output?: NodeJS.WritableStream | null;
}

export interface UnexpectedExit extends ExitInfo {
  name: string;
  pid: number | undefined;
}

/**
 * Runs named child processes, each in its own process group, printing their output as
 * `[name] line`. Emits `'exit'` with an {@link UnexpectedExit} when a child stops without having
 * been asked to (use `onUnexpectedExit`).
 */
export class ProcessSupervisor extends EventEmitter {
  private readonly processes = new Map<string, ManagedProcess>();
  private readonly stopping = new Set<string>();
  private readonly output: NodeJS.WritableStream | null;

  constructor(options: ProcessSupervisorOptions = {}) {
    super();
    this.output = options.output === undefined ? process.stdout : options.output;
  }

  /** Starts a process under a unique name. */
  spawn(spec: SupervisedProcess): ManagedProcess {
    const existing = this.processes.get(spec.name);
    if (existing?.running) throw new Error(`a process named ${spec.name} is already running`);
    const managed = new ManagedProcess({
      ...spec,
      onLine: (line) => this.output?.write(`[${spec.name}] ${line}\n`),
    });
    this.processes.set(spec.name, managed);
    this.launch(managed);
    return managed;
  }

  /** Registers a callback for children that exit without stop/kill/restart having been called. */
  onUnexpectedExit(listener: (exit: UnexpectedExit) => void): this {
    return this.on('exit', listener);
  }

  get(name: string): ManagedProcess | undefined {
    return this.processes.get(name);
  }

  names(): string[] {
    return [...this.processes.keys()];
  }

  pid(name: string): number | undefined {
    return this.processes.get(name)?.pid;
  }

  /**
   * Sends a signal to a child's process group, e.g. SIGKILL for a crash test. The exit this causes
   * is expected: it is not reported as unexpected.
   */
  kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitInfo> {
    const managed = this.require(name);
    this.stopping.add(name);
    managed.signal(signal);
    return managed.whenExited();
  }

  /** Stops one child (SIGTERM, SIGKILL after timeoutMs). */
  async stop(name: string, timeoutMs = 10_000): Promise<ExitInfo> {
    const managed = this.require(name);
    this.stopping.add(name);
    return managed.stop(timeoutMs);
  }

  /** Stops the child if it still runs, then starts it again with the same command. */
  async restart(name: string, timeoutMs = 10_000): Promise<ManagedProcess> {
    const managed = this.require(name);
    if (managed.running) await this.stop(name, timeoutMs);
    this.launch(managed);
    return managed;
  }

  /** SIGTERM to every child's group at once, SIGKILL to those still alive after timeoutMs. */
  async stopAll(timeoutMs = 10_000): Promise<void> {
    await Promise.all(
      [...this.processes.entries()].map(async ([name, managed]) => {
        this.stopping.add(name);
        await managed.stop(timeoutMs);
      }),
    );
  }

  private launch(managed: ManagedProcess): void {
    const { name } = managed.spec;
    this.stopping.delete(name);
    managed.start();
    const pid = managed.pid;
    void managed.whenExited().then((exit) => {
      // A later restart owns the name now; this exit belongs to the old process.
      if (managed.pid !== pid && managed.running) return;
      if (this.stopping.has(name)) return;
      this.output?.write(`[${name}] exited unexpectedly (code ${exit.code}, signal ${exit.signal})\n`);
      this.emit('exit', { name, pid, ...exit } satisfies UnexpectedExit);
    });
  }

  private require(name: string): ManagedProcess {
    const managed = this.processes.get(name);
    if (!managed) throw new Error(`no process named ${name}`);
    return managed;
  }
}
