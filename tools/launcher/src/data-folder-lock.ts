import * as fs from 'node:fs';
import * as path from 'node:path';
import { readProcess } from '@app/stack';

/** In the data folder while a launcher uses it: `{"pid":…,"startTime":…}` of that launcher. */
export const LAUNCHER_PID_FILE = 'launcher.pid';

interface LauncherRecord {
  pid: number;
  /** /proc start time: a later process that got the same pid is not taken for the launcher. */
  startTime: number;
}

export class DataFolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `data folder ${dataDir} is in use by another npm start (pid ${pid}); ` +
        `stop that one first (Ctrl-C in its terminal, or kill ${pid}), or set EVENT_JOBS_DATA_DIR to another folder`,
    );
  }
}

function parseRecord(text: string): LauncherRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, startTime } = parsed as Record<string, unknown>;
    return typeof pid === 'number' && typeof startTime === 'number' ? { pid, startTime } : undefined;
  } catch {
    return undefined;
  }
}

/** The recorded launcher still runs: same pid, same start time, and its command line is a launcher. */
function isLiveLauncher(record: LauncherRecord): boolean {
  const info = readProcess(record.pid);
  if (!info || info.startTime !== record.startTime) return false;
  return info.argv.some((arg) => /launcher[\\/]src[\\/]start\.[jt]s$/.test(arg));
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Moves a stale pid file aside, atomically; when another start replaced it in the meantime (its own,
 * fresh record), puts that back instead of deleting it.
 */
function removeStale(file: string, staleText: string): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // another start moved it first
  }
  if (fs.readFileSync(aside, 'utf8') !== staleText) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // a third start holds the name now; the next attempt reads it
    }
  }
  fs.rmSync(aside, { force: true });
}

/**
 * Makes this process the one launcher of `dataDir` (pid file created with O_EXCL). A file naming a
 * live launcher is refused with DataFolderInUseError; one left by a launcher that died (kill -9) is
 * taken over. The file is removed when this process exits.
 */
export function lockDataFolder(dataDir: string): void {
  const file = path.join(dataDir, LAUNCHER_PID_FILE);
  const me = readProcess(process.pid);
  if (!me) throw new Error(`cannot read /proc/${process.pid}: the launcher needs Linux's /proc`);
  const ownText = JSON.stringify({ pid: me.pid, startTime: me.startTime } satisfies LauncherRecord);
  fs.mkdirSync(dataDir, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      fs.writeFileSync(file, ownText, { flag: 'wx' });
      process.on('exit', () => {
        if (readText(file) === ownText) fs.rmSync(file, { force: true });
      });
      return;
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holderText = readText(file);
    if (holderText === undefined) continue;
    const holder = parseRecord(holderText);
    if (holder && isLiveLauncher(holder)) throw new DataFolderInUseError(dataDir, holder.pid);
    removeStale(file, holderText);
  }
  throw new Error(`could not take ${file}: other starts keep replacing it`);
}
