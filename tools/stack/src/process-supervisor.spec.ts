import { PassThrough } from 'node:stream';
import { ProcessSupervisor, UnexpectedExit } from './process-supervisor';
import { waitFor } from './wait-for';

const node = process.execPath;
/** A child that prints a line and then lives until signalled. */
const longLived = ['-e', "console.log('ready'); setInterval(() => undefined, 1000);"];

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('ProcessSupervisor', () => {
  let supervisor: ProcessSupervisor;
  let output: ReturnType<typeof capture>;

  beforeEach(() => {
    output = capture();
    supervisor = new ProcessSupervisor({ output: output.stream });
  });

  afterEach(async () => {
    await supervisor.stopAll(2_000);
  });

  it('prefixes output lines with the name', async () => {
    supervisor.spawn({ name: 'alpha', command: node, args: longLived });
    await waitFor(async () => (output.text().includes('[alpha] ready') ? true : undefined), {
      what: 'alpha output',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
  });

  it('reports an unexpected exit but not a requested kill, and restarts', async () => {
    const exits: UnexpectedExit[] = [];
    supervisor.onUnexpectedExit((exit) => exits.push(exit));
    supervisor.spawn({ name: 'crashy', command: node, args: ['-e', 'process.exit(3)'] });
    await waitFor(async () => (exits.length === 1 ? true : undefined), {
      what: 'unexpected exit',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    expect(exits[0]).toMatchObject({ name: 'crashy', code: 3 });

    const worker = supervisor.spawn({ name: 'worker', command: node, args: longLived });
    const firstPid = worker.pid;
    const killed = await supervisor.kill('worker', 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    await supervisor.restart('worker');
    expect(supervisor.pid('worker')).toBeDefined();
    expect(supervisor.pid('worker')).not.toBe(firstPid);
    expect(supervisor.get('worker')?.running).toBe(true);
    expect(exits).toHaveLength(1);
  });

  it('stopAll ends children that ignore SIGTERM with SIGKILL after the deadline', async () => {
    const stubborn = supervisor.spawn({
      name: 'stubborn',
      command: node,
      args: [
        '-e',
        "process.on('SIGTERM', () => undefined); console.log('ready'); setInterval(() => undefined, 1000);",
      ],
    });
    await waitFor(async () => (output.text().includes('[stubborn] ready') ? true : undefined), {
      what: 'stubborn ready',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    await supervisor.stopAll(300);
    expect(stubborn.exited?.signal).toBe('SIGKILL');
  });
});
