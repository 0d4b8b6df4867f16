/*
 * Where the CPU goes during a benchmark phase: CPU time of every process this benchmark started (services,
 * Kafka, PostgreSQL, Jaeger: the whole tree under this process) grouped by role, read from /proc.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

interface ProcessTicks {
  ppid: number;
  /** utime + stime + cutime + cstime: own threads plus children already waited for. */
  ticks: number;
}

const TICKS_PER_SECOND = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function readProcessTable(): Map<number, ProcessTicks> {
  const table = new Map<number, ProcessTicks>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may contain spaces and parentheses: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
      table.set(Number(entry), { ppid: Number(fields[1]), ticks: utime + stime + cutime + cstime });
    } catch {
      // exited while we looked
    }
  }
  return table;
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The role of an infrastructure process, from its command line. */
function infrastructureRole(pid: number): string {
  const cmd = commandLine(pid);
  if (/kafka/i.test(cmd)) return 'kafka';
  if (/postgres|postmaster/.test(cmd)) return 'postgres';
  if (/jaeger/i.test(cmd)) return 'jaeger';
  return 'other';
}

export type CpuSnapshot = Map<string, number>;

/**
 * CPU ms so far per role. `roles` names processes (services by name, a daemonized PostgreSQL by its
 * postmaster's pid); a process below a named one counts for it, anything else below this process by its
 * command line; this process itself (load generator, test site, pollers) is `bench`.
 */
export function cpuSnapshot(roles: Map<number, string>): CpuSnapshot {
  const table = readProcessTable();
  const known = new Map<number, string | null>();
  const ms = new Map<string, number>();
  for (const [pid, { ticks }] of table) {
    if (pid === process.pid) continue;
    const role = roleOf(pid, roles, table, known);
    if (role) ms.set(role, (ms.get(role) ?? 0) + (ticks * 1000) / TICKS_PER_SECOND);
  }
  const self = process.cpuUsage();
  ms.set('bench', (self.user + self.system) / 1000);
  return ms;
}

function roleOf(
  pid: number,
  roles: Map<number, string>,
  table: Map<number, ProcessTicks>,
  known = new Map<number, string | null>(),
): string | null {
  if (pid === process.pid) return 'bench';
  const cached = known.get(pid);
  if (cached !== undefined) return cached;
  const parent = table.get(pid)?.ppid;
  let role: string | null = roles.get(pid) ?? null;
  if (!role && parent !== undefined && parent > 1) {
    const parentRole = roleOf(parent, roles, table, known);
    role = parentRole === 'bench' ? infrastructureRole(pid) : parentRole;
  }
  known.set(pid, role);
  return role;
}

/** CPU ms used per role between two snapshots. */
export function cpuUsedBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const used: Record<string, number> = {};
  for (const [role, ms] of after) used[role] = Math.max(0, ms - (before.get(role) ?? 0));
  return used;
}

/**
 * CPU ms so far per thread kind of the processes playing `role` (e.g. Kafka's request handlers, network
 * threads, GC, JIT compiler), thread names with their numbers stripped.
 */
export function threadCpuSnapshot(roles: Map<number, string>, role: string): CpuSnapshot {
  const ms = new Map<string, number>();
  const table = readProcessTable();
  for (const pid of table.keys()) {
    if (roleOf(pid, roles, table) !== role) continue;
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[#\-_ ]?\d+$/, '');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]);
        ms.set(name, (ms.get(name) ?? 0) + (ticks * 1000) / TICKS_PER_SECOND);
      } catch {
        // thread ended
      }
    }
  }
  return ms;
}

/** The whole machine's busy CPU ms so far (all cores; /proc/stat minus idle and iowait). */
export function machineBusyMs(): number {
  const fields = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return ((total - fields[3] - (fields[4] ?? 0)) * 1000) / TICKS_PER_SECOND;
}

/** Resident memory (MB) now per role, a process below a named one counting for it (as in cpuSnapshot). */
export function rssMbByRole(roles: Map<number, string>): Record<string, number> {
  const table = readProcessTable();
  const known = new Map<number, string | null>();
  const mb: Record<string, number> = {};
  for (const pid of table.keys()) {
    if (pid === process.pid) continue;
    const role = roleOf(pid, roles, table, known);
    if (!role || role === 'bench') continue;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      mb[role] = (mb[role] ?? 0) + kb / 1024;
    } catch {
      // exited while we looked
    }
  }
  return mb;
}
