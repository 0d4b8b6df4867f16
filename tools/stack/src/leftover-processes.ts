import * as fs from 'node:fs';
import * as path from 'node:path';
import { stackFolders } from './paths';
import {
  isStillRunning,
  listProcesses,
  readEnvironment,
  readProcess,
  type ProcessInfo,
} from './process-table';

/**
 * Set (absolute) in the environment of every process `npm start` runs from a data folder, so that a
 * later start can tell its services from anyone else's node processes.
 */
export const DATA_DIR_ENV = 'EVENT_JOBS_DATA_DIR';

export type LeftoverKind = 'service' | 'kafka' | 'jaeger' | 'postgres';

export interface LeftoverProcess extends ProcessInfo {
  kind: LeftoverKind;
}

interface StopSteps {
  /** Asks the process to stop; PostgreSQL's fast shutdown is SIGINT (its SIGTERM waits for clients). */
  polite: NodeJS.Signals;
  politeTimeoutMs: number;
  /** PostgreSQL: SIGQUIT (immediate shutdown); SIGKILL on its postmaster would orphan its backends. */
  forced: NodeJS.Signals;
}

const STOP_STEPS: Record<LeftoverKind, StopSteps> = {
  service: { polite: 'SIGTERM', politeTimeoutMs: 15_000, forced: 'SIGKILL' },
  kafka: { polite: 'SIGTERM', politeTimeoutMs: 30_000, forced: 'SIGKILL' },
  jaeger: { polite: 'SIGTERM', politeTimeoutMs: 10_000, forced: 'SIGKILL' },
  postgres: { polite: 'SIGINT', politeTimeoutMs: 30_000, forced: 'SIGQUIT' },
};
const FORCED_TIMEOUT_MS = 10_000;

/** True when one of the arguments is the folder, a path inside it, or `...=<folder>[/...]`. */
function namesFolder(argv: readonly string[], folder: string): boolean {
  const inside = (value: string): boolean => value === folder || value.startsWith(`${folder}${path.sep}`);
  return argv.slice(1).some((arg) => {
    const equals = arg.indexOf('=');
    return inside(arg) || (equals >= 0 && inside(arg.slice(equals + 1)));
  });
}

const programName = (info: ProcessInfo): string => path.basename(info.argv[0] ?? '');

/**
 * The postmaster that `postmaster.pid` in `pgData` names, when that pid really is a `postgres` started
 * on this folder (a pid left in a stale file may belong to anything by now).
 */
export function runningPostmaster(pgData: string): ProcessInfo | undefined {
  const pidFile = path.join(pgData, 'postmaster.pid');
  let firstLine: string;
  try {
    firstLine = fs.readFileSync(pidFile, 'utf8').split('\n')[0];
  } catch {
    return undefined;
  }
  const info = readProcess(Number(firstLine));
  if (!info || programName(info) !== 'postgres' || !namesFolder(info.argv, pgData)) return undefined;
  return info;
}

/**
 * Processes an earlier run from `dataDir` left running (its launcher was killed): the PostgreSQL of
 * its postmaster.pid, a Kafka JVM or Jaeger whose command line names the folder, and the launcher's
 * node services (their environment names the folder in EVENT_JOBS_DATA_DIR). Each is checked
 * through /proc, so a reused pid is never mistaken for one of ours.
 */
export function findLeftoverProcesses(dataDir: string): LeftoverProcess[] {
  const root = path.resolve(dataDir);
  const folders = stackFolders(root);
  const found: LeftoverProcess[] = [];
  const postmaster = runningPostmaster(folders.postgresData);
  if (postmaster) found.push({ ...postmaster, kind: 'postgres' });
  const servicesDir = `${path.sep}dist${path.sep}services${path.sep}`;
  for (const info of listProcesses()) {
    const program = programName(info);
    if (program === 'java' && namesFolder(info.argv, folders.kafka)) {
      found.push({ ...info, kind: 'kafka' });
    } else if (program === 'jaeger' && namesFolder(info.argv, folders.jaeger)) {
      found.push({ ...info, kind: 'jaeger' });
    } else if (
      program.startsWith('node') &&
      info.argv.some((arg) => arg.includes(servicesDir)) &&
      readEnvironment(info.pid).get(DATA_DIR_ENV) === root
    ) {
      found.push({ ...info, kind: 'service' });
    }
  }
  return found;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForExit(leftover: ProcessInfo, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isStillRunning(leftover)) {
    if (Date.now() >= deadline) return false;
    await pause(100);
  }
  return true;
}

function signalIfStillRunning(leftover: ProcessInfo, signal: NodeJS.Signals): void {
  if (!isStillRunning(leftover)) return;
  try {
    process.kill(leftover.pid, signal);
  } catch {
    // it exited in between
  }
}

/** The polite signal, then the forced one after the kind's timeout; fails if it still runs after that. */
export async function stopLeftover(leftover: LeftoverProcess): Promise<void> {
  const steps = STOP_STEPS[leftover.kind];
  signalIfStillRunning(leftover, steps.polite);
  if (await waitForExit(leftover, steps.politeTimeoutMs)) return;
  signalIfStillRunning(leftover, steps.forced);
  if (await waitForExit(leftover, FORCED_TIMEOUT_MS)) return;
  throw new Error(`${leftover.kind} (pid ${leftover.pid}) left by an earlier run does not stop`);
}

const describe = (leftover: LeftoverProcess): string => `${leftover.kind} pid ${leftover.pid}`;

/**
 * Stops what an earlier run from `dataDir` left running, so that this start begins afresh: services
 * first (they hold connections to the others), then Kafka, Jaeger and PostgreSQL together. Their data
 * is kept: Kafka and PostgreSQL stop cleanly on the polite signal and recover from their logs if
 * they had to be forced. Returns what was stopped.
 */
export async function stopLeftoverProcesses(
  dataDir: string,
  log: (line: string) => void = () => undefined,
): Promise<LeftoverProcess[]> {
  const leftovers = findLeftoverProcesses(dataDir);
  if (leftovers.length === 0) return [];
  log(`an earlier run left ${leftovers.map(describe).join(', ')} on ${path.resolve(dataDir)}; stopping them`);
  const services = leftovers.filter((leftover) => leftover.kind === 'service');
  await Promise.all(services.map(stopLeftover));
  await Promise.all(leftovers.filter((leftover) => leftover.kind !== 'service').map(stopLeftover));
  return leftovers;
}
