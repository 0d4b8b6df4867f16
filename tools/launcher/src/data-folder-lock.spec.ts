import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readProcess, waitFor } from '@app/stack';
import { DataFolderInUseError, LAUNCHER_PID_FILE, lockDataFolder } from './data-folder-lock';

describe('lockDataFolder', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  const lockFile = (): string => path.join(dataDir, LAUNCHER_PID_FILE);

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-lock-'));
  });

  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A live process whose command line looks like a launcher's. */
  async function liveLauncher(): Promise<{ pid: number; startTime: number }> {
    child = spawn(process.execPath, [
      '-e',
      'setInterval(() => undefined, 1000)',
      '/repo/dist/tools/launcher/src/start.js',
    ]);
    const pid = child.pid ?? -1;
    return waitFor(async () => readProcess(pid), {
      what: 'the fake launcher',
      timeoutMs: 5_000,
      intervalMs: 20,
    });
  }

  it('writes this process into a free folder', () => {
    lockDataFolder(dataDir);
    const record = JSON.parse(fs.readFileSync(lockFile(), 'utf8')) as { pid: number };
    expect(record.pid).toBe(process.pid);
  });

  it('refuses while the recorded launcher lives, naming the folder and its pid', async () => {
    const holder = await liveLauncher();
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: holder.pid, startTime: holder.startTime }));
    expect(() => lockDataFolder(dataDir)).toThrow(DataFolderInUseError);
    expect(() => lockDataFolder(dataDir)).toThrow(
      `data folder ${dataDir} is in use by another npm start (pid ${holder.pid})`,
    );
  });

  it('takes over from a launcher that died, and from a pid now reused by another process', async () => {
    const holder = await liveLauncher();
    // Same pid, other start time: the launcher died and the pid went to someone else.
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: holder.pid, startTime: holder.startTime - 1 }));
    lockDataFolder(dataDir);
    expect((JSON.parse(fs.readFileSync(lockFile(), 'utf8')) as { pid: number }).pid).toBe(process.pid);
  });

  it('takes over from a file it cannot read as a record', () => {
    fs.writeFileSync(lockFile(), 'garbage');
    lockDataFolder(dataDir);
    expect((JSON.parse(fs.readFileSync(lockFile(), 'utf8')) as { pid: number }).pid).toBe(process.pid);
  });
});
