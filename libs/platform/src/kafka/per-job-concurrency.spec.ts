import { jobRequested, stageStarted } from '@app/contracts/testing';
import type { ConsumedEvent } from './event-consumer';
import { forEachJobConcurrently } from './per-job-concurrency';

const JOB_IDS = [
  '00000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-8000-000000000002',
  '00000000-0000-4000-8000-000000000003',
  '00000000-0000-4000-8000-000000000004',
];

let offset = 0;

/** A consumed event of `job` (index into JOB_IDS), numbered `seq` within the job. */
function consumed(job: number, seq: number): ConsumedEvent {
  const request = jobRequested({ jobId: JOB_IDS[job] });
  return {
    event: seq === 0 ? request : stageStarted(request, seq),
    topic: 't',
    partition: 0,
    offset: String(offset++),
    headers: {},
  };
}

const label = (c: ConsumedEvent): string =>
  `${JOB_IDS.indexOf(c.event.jobId)}:${c.event.type === 'StageStarted' ? c.event.data.attempt : 0}`;

/** Lets every pending promise callback run (no timers involved). */
const drain = async (): Promise<void> => {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
};

interface Gate {
  promise: Promise<void>;
  open: () => void;
  fail: (error: unknown) => void;
}

function gate(): Gate {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('forEachJobConcurrently', () => {
  it('runs every event once and keeps each job’s events in order', async () => {
    // Interleaved jobs: 0,1,2,0,1,2,0,1,2 (seq 0,1,2 per job)
    const events = [0, 1, 2].flatMap((seq) => [0, 1, 2].map((job) => consumed(job, seq)));
    const done: string[] = [];
    await forEachJobConcurrently(events, 2, async (event) => {
      await drain(); // yield so other jobs can interleave
      done.push(label(event));
    });
    expect(done).toHaveLength(9);
    for (const job of [0, 1, 2]) {
      expect(done.filter((l) => l.startsWith(`${job}:`))).toEqual([`${job}:0`, `${job}:1`, `${job}:2`]);
    }
  });

  it('never runs more than `limit` jobs at once, and runs different jobs side by side', async () => {
    const events = [0, 1, 2, 3].flatMap((job) => [consumed(job, 0), consumed(job, 1)]);
    const gates = new Map<string, Gate>();
    let inFlight = 0;
    let maxInFlight = 0;
    const run = forEachJobConcurrently(events, 2, async (event) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const g = gate();
      gates.set(label(event), g);
      await g.promise;
      inFlight -= 1;
    });
    await drain();
    expect([...gates.keys()]).toEqual(['0:0', '1:0']);
    gates.get('0:0')!.open();
    await drain();
    // Job 0 continues with its next event; no third job starts meanwhile.
    expect([...gates.keys()]).toEqual(['0:0', '1:0', '0:1']);
    for (let i = 0; i < 10 && gates.size < 8; i += 1) {
      for (const g of gates.values()) g.open();
      await drain();
    }
    for (const g of gates.values()) g.open();
    await run;
    expect(gates.size).toBe(8);
    expect(maxInFlight).toBe(2);
  });

  it('rejects with the first error only after in-flight work finished, starting nothing new', async () => {
    const events = [consumed(0, 0), consumed(0, 1), consumed(1, 0), consumed(2, 0)];
    const started: string[] = [];
    const gates = new Map<string, Gate>();
    let settled = false;
    const run = forEachJobConcurrently(events, 2, async (event) => {
      started.push(label(event));
      const g = gate();
      gates.set(label(event), g);
      await g.promise;
    }).finally(() => (settled = true));
    await drain();
    expect(started).toEqual(['0:0', '1:0']);
    const first = new Error('first');
    gates.get('0:0')!.fail(first);
    await drain();
    expect(settled).toBe(false); // job 1 is still running
    gates.get('1:0')!.fail(new Error('second'));
    await expect(run).rejects.toBe(first);
    // Neither job 0's next event nor job 2 started after the failure.
    expect(started).toEqual(['0:0', '1:0']);
  });

  it('handles an empty batch', async () => {
    const work = jest.fn();
    await forEachJobConcurrently([], 4, work);
    expect(work).not.toHaveBeenCalled();
  });
});

describe('forEachJobConcurrently with an admission', () => {
  it('starts each event’s work only once admitted and reports when it is done', async () => {
    const events = [consumed(0, 0), consumed(0, 1), consumed(1, 0)];
    const admissions: { label: string; admit: Gate }[] = [];
    const log: string[] = [];
    const admit = (event: ConsumedEvent): Promise<() => void> => {
      const opened = gate();
      admissions.push({ label: label(event), admit: opened });
      return opened.promise.then(() => () => log.push(`done ${label(event)}`));
    };
    const run = forEachJobConcurrently(events, { limit: 2, admit }, (event) => {
      log.push(`run ${label(event)}`);
      return Promise.resolve();
    });
    await drain();
    expect(admissions.map((a) => a.label)).toEqual(['0:0', '1:0']);
    expect(log).toEqual([]);
    admissions[1].admit.open();
    await drain();
    expect(log).toEqual(['run 1:0', 'done 1:0']);
    admissions[0].admit.open();
    await drain();
    // Job 0's second event asks again, after its first finished.
    expect(admissions.map((a) => a.label)).toEqual(['0:0', '1:0', '0:1']);
    admissions[2].admit.open();
    await run;
    expect(log).toEqual(['run 1:0', 'done 1:0', 'run 0:0', 'done 0:0', 'run 0:1', 'done 0:1']);
  });

  it('rejects when an admission fails, starting nothing admitted afterwards', async () => {
    const events = [consumed(0, 0), consumed(1, 0)];
    const admissions: Gate[] = [];
    const started: string[] = [];
    const released: string[] = [];
    const admit = (event: ConsumedEvent): Promise<() => void> => {
      const opened = gate();
      admissions.push(opened);
      return opened.promise.then(() => () => released.push(label(event)));
    };
    const run = forEachJobConcurrently(events, { limit: 2, admit }, async (event) => {
      started.push(label(event));
      await drain();
    });
    await drain();
    const revoked = new Error('revoked');
    admissions[0].fail(revoked);
    await drain();
    admissions[1].open();
    await expect(run).rejects.toBe(revoked);
    expect(started).toEqual([]);
    // The slot admitted after the failure was given back.
    expect(released).toEqual(['1:0']);
  });
});
