import { GroupCommit } from './group-commit';

interface Row {
  key: string;
  value: number;
}

/** A write target that records each write and settles it only when told to. */
class RecordingTarget {
  readonly writes: Row[][] = [];
  private readonly answers: (() => void)[] = [];
  failWhen: (rows: Row[]) => boolean = () => false;

  readonly write = (rows: Row[]): Promise<void> => {
    this.writes.push(rows);
    return new Promise<void>((resolve, reject) => {
      this.answers.push(() => (this.failWhen(rows) ? reject(new Error('bad row')) : resolve()));
    });
  };

  /** Settles every write sent so far, then lets the queue move on. */
  async answerAll(): Promise<void> {
    while (this.answers.length > 0) this.answers.shift()?.();
    await nextTurn();
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const row = (key: string, value = 0): Row => ({ key, value });
const commitTo = (target: RecordingTarget, max?: number): GroupCommit<Row> =>
  new GroupCommit(target.write, (r) => r.key, max);

describe('GroupCommit', () => {
  it('writes items submitted in one turn together and settles each only after the write', async () => {
    const target = new RecordingTarget();
    const commit = commitTo(target);
    let settled = 0;
    const calls = [row('a', 1), row('b', 2), row('c', 3)].map((r) =>
      commit.submit(r).then(() => (settled += 1)),
    );
    await nextTurn();
    expect(target.writes).toEqual([[row('a', 1), row('b', 2), row('c', 3)]]);
    expect(settled).toBe(0);
    await target.answerAll();
    await Promise.all(calls);
    expect(settled).toBe(3);
  });

  it('queues items submitted while a write is in flight into the next write', async () => {
    const target = new RecordingTarget();
    const commit = commitTo(target);
    const first = commit.submit(row('a'));
    await nextTurn();
    const later = [commit.submit(row('b')), commit.submit(row('c'))];
    await nextTurn();
    expect(target.writes).toHaveLength(1);
    await target.answerAll();
    await first;
    expect(target.writes[1]).toEqual([row('b'), row('c')]);
    await target.answerAll();
    await Promise.all(later);
  });

  it('never puts one key twice in a write, and keeps the items of a key in order', async () => {
    const target = new RecordingTarget();
    const commit = commitTo(target);
    const calls = [commit.submit(row('a', 1)), commit.submit(row('a', 2)), commit.submit(row('b', 3))];
    await nextTurn();
    await target.answerAll();
    await target.answerAll();
    await Promise.all(calls);
    expect(target.writes).toEqual([[row('a', 1), row('b', 3)], [row('a', 2)]]);
  });

  it('retries a failed write item by item, so only the bad item fails', async () => {
    const target = new RecordingTarget();
    target.failWhen = (rows) => rows.some((r) => r.key === 'bad');
    const commit = commitTo(target);
    const outcome = Promise.allSettled([commit.submit(row('a')), commit.submit(row('bad'))]);
    await nextTurn();
    for (let i = 0; i < 3; i += 1) await target.answerAll();
    const [good, bad] = await outcome;
    expect(good.status).toBe('fulfilled');
    expect(bad).toMatchObject({ status: 'rejected', reason: new Error('bad row') });
    expect(target.writes).toEqual([[row('a'), row('bad')], [row('a')], [row('bad')]]);
  });

  it('splits at the item limit', async () => {
    const target = new RecordingTarget();
    const commit = commitTo(target, 2);
    const calls = ['a', 'b', 'c'].map((key) => commit.submit(row(key)));
    await nextTurn();
    await target.answerAll();
    await target.answerAll();
    await Promise.all(calls);
    expect(target.writes.map((rows) => rows.length)).toEqual([2, 1]);
  });
});
