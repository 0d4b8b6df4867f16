import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DATA_DIR_ENV, findLeftoverProcesses, stopLeftoverProcesses } from './leftover-processes';
import { stackFolders } from './paths';
import { readProcess } from './process-table';
import { waitFor } from './wait-for';

const LIVE_FOREVER = 'setInterval(() => undefined, 1000)';

/** A node process whose argv reads `<argv0> -e ... -- <args>`, standing in for postgres, java or a service. */
function impostor(argv0: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, ['-e', LIVE_FOREVER, '--', ...args], { argv0, env, stdio: 'ignore' });
}

async function started(child: ChildProcess): Promise<number> {
  const pid = child.pid;
  if (pid === undefined) throw new Error('spawn failed');
  await waitFor(async () => (readProcess(pid)?.argv.includes('--') ? true : undefined), {
    what: `process ${pid}`,
    timeoutMs: 5_000,
    intervalMs: 20,
  });
  return pid;
}

describe('leftover processes of a data folder', () => {
  let dataDir: string;
  let otherDir: string;
  const children: ChildProcess[] = [];
  const run = (child: ChildProcess): ChildProcess => {
    children.push(child);
    return child;
  };

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leftovers-'));
    otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leftovers-other-'));
    fs.mkdirSync(stackFolders(dataDir).postgresData, { recursive: true });
  });

  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(otherDir, { recursive: true, force: true });
  });

  const writePostmasterPid = (pid: number): void =>
    fs.writeFileSync(path.join(stackFolders(dataDir).postgresData, 'postmaster.pid'), `${pid}\n`);

  it('finds the postmaster, Kafka, Jaeger and services of this folder, and nothing of another', async () => {
    const folders = stackFolders(dataDir);
    const postgres = await started(
      run(impostor('/usr/lib/postgresql/bin/postgres', ['-D', folders.postgresData])),
    );
    writePostmasterPid(postgres);
    const kafka = await started(
      run(impostor('/usr/bin/java', [`-Dkafka.logs.dir=${folders.kafka}`, 'kafka.Kafka'])),
    );
    const jaeger = await started(
      run(impostor('/cache/jaeger', ['--config', path.join(folders.jaeger, 'jaeger.yaml')])),
    );
    const serviceEnv = { ...process.env, [DATA_DIR_ENV]: dataDir };
    const service = await started(
      run(impostor('node', ['/repo/dist/services/gateway/src/main.js'], serviceEnv)),
    );
    // Another folder's Kafka, and a service of another folder.
    await started(run(impostor('/usr/bin/java', [`-Dkafka.logs.dir=${stackFolders(otherDir).kafka}`])));
    await started(
      run(
        impostor('node', ['/repo/dist/services/gateway/src/main.js'], {
          ...process.env,
          [DATA_DIR_ENV]: otherDir,
        }),
      ),
    );

    const found = findLeftoverProcesses(dataDir).map(({ kind, pid }) => ({ kind, pid }));
    expect(found).toEqual(
      expect.arrayContaining([
        { kind: 'postgres', pid: postgres },
        { kind: 'kafka', pid: kafka },
        { kind: 'jaeger', pid: jaeger },
        { kind: 'service', pid: service },
      ]),
    );
    expect(found).toHaveLength(4);
  });

  it('does not take a reused pid in a stale postmaster.pid for PostgreSQL', async () => {
    const unrelated = await started(run(impostor('/bin/sleep', ['1000'])));
    writePostmasterPid(unrelated);
    expect(findLeftoverProcesses(dataDir)).toEqual([]);
  });

  it('stops them (services first), politely', async () => {
    const folders = stackFolders(dataDir);
    const postgres = run(impostor('postgres', ['-D', folders.postgresData]));
    writePostmasterPid(await started(postgres));
    const kafka = run(impostor('java', [path.join(folders.kafka, 'server.properties')]));
    await started(kafka);
    const exits = [postgres, kafka].map(
      (child) =>
        new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal))),
    );
    const lines: string[] = [];
    const stopped = await stopLeftoverProcesses(dataDir, (line) => lines.push(line));
    expect(stopped.map((leftover) => leftover.kind).sort()).toEqual(['kafka', 'postgres']);
    // PostgreSQL's fast shutdown is SIGINT; Kafka's controlled shutdown SIGTERM.
    expect(await Promise.all(exits)).toEqual(['SIGINT', 'SIGTERM']);
    expect(lines.join('\n')).toContain(`on ${dataDir}; stopping them`);
    expect(findLeftoverProcesses(dataDir)).toEqual([]);
  });
});
