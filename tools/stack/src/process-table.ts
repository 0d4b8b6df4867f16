import * as fs from 'node:fs';

/**
 * A running process as /proc shows it. `startTime` (clock ticks since boot, field 22 of
 * /proc/<pid>/stat) tells a process apart from a later one that got the same pid.
 */
export interface ProcessInfo {
  pid: number;
  startTime: number;
  /** argv, as the process was started (a postgres backend rewrites its own, the postmaster does not). */
  argv: string[];
}

/** The process's identity, or undefined when no such process exists (or it is a zombie). */
export function readProcess(pid: number): ProcessInfo | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or ')': read after the last ')'.
    const fieldsAfterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fieldsAfterName[0];
    if (state === 'Z' || state === 'X') return undefined;
    const startTime = Number(fieldsAfterName[19]);
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, startTime, argv };
  } catch {
    return undefined;
  }
}

/** True while `process` (same pid and start time) still runs. */
export function isStillRunning(process: ProcessInfo): boolean {
  return readProcess(process.pid)?.startTime === process.startTime;
}

/** The process's environment as it was started (readable for our own processes, or as root). */
export function readEnvironment(pid: number): Map<string, string> {
  const environment = new Map<string, string>();
  try {
    for (const entry of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const equals = entry.indexOf('=');
      if (equals > 0) environment.set(entry.slice(0, equals), entry.slice(equals + 1));
    }
  } catch {
    // gone, or another user's
  }
  return environment;
}

/** Every process visible in /proc. */
export function listProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info && info.pid !== process.pid) processes.push(info);
  }
  return processes;
}
