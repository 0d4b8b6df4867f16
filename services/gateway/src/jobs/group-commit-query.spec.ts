import { GroupCommitQuery } from './group-commit-query';

const SQL = 'INSERT INTO t SELECT * FROM unnest($1::text[], $2::int[])';

/** A target that records statements and answers each only when told to. */
class RecordingTarget {
  readonly statements: { sql: string; parameters: unknown[] }[] = [];
  private readonly answers: (() => void)[] = [];
  failWhen: (parameters: unknown[]) => boolean = () => false;

  query<T>(sql: string, parameters: unknown[] = []): Promise<T> {
    this.statements.push({ sql, parameters });
    return new Promise<T>((resolve, reject) => {
      this.answers.push(() =>
        this.failWhen(parameters) ? reject(new Error('bad row')) : resolve(parameters as T),
      );
    });
  }

  /** Answers every statement sent so far, then lets the queue move on. */
  async answerAll(): Promise<void> {
    while (this.answers.length > 0) this.answers.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommitQuery', () => {
  it('merges calls made in one turn into one statement and answers each only after it ran', async () => {
    const target = new RecordingTarget();
    const query = new GroupCommitQuery(target);
    let settled = 0;
    const calls = [
      query.query(SQL, [['a'], [1]]),
      query.query(SQL, [['b'], [2]]),
      query.query(SQL, [
        ['c', 'd'],
        [3, 4],
      ]),
    ].map((call) => call.then(() => (settled += 1)));
    await nextTurn();
    expect(target.statements).toEqual([
      {
        sql: SQL,
        parameters: [
          ['a', 'b', 'c', 'd'],
          [1, 2, 3, 4],
        ],
      },
    ]);
    expect(settled).toBe(0);
    await target.answerAll();
    await Promise.all(calls);
    expect(settled).toBe(3);
  });

  it('queues calls made while a statement is in flight into the next statement', async () => {
    const target = new RecordingTarget();
    const query = new GroupCommitQuery(target);
    const first = query.query(SQL, [['a'], [1]]);
    await nextTurn();
    const later = [query.query(SQL, [['b'], [2]]), query.query(SQL, [['c'], [3]])];
    await nextTurn();
    expect(target.statements).toHaveLength(1);
    await target.answerAll();
    await first;
    expect(target.statements[1].parameters).toEqual([
      ['b', 'c'],
      [2, 3],
    ]);
    await target.answerAll();
    await Promise.all(later);
  });

  it('never puts one key twice in a statement, and keeps the calls of a key in order', async () => {
    const target = new RecordingTarget();
    const query = new GroupCommitQuery(target);
    const calls = [
      query.query(SQL, [['a'], [1]]),
      query.query(SQL, [['a'], [2]]),
      query.query(SQL, [['b'], [3]]),
    ];
    await nextTurn();
    await target.answerAll();
    await target.answerAll();
    await Promise.all(calls);
    expect(target.statements.map((s) => s.parameters)).toEqual([
      [
        ['a', 'b'],
        [1, 3],
      ],
      [['a'], [2]],
    ]);
  });

  it('retries a failed merged statement call by call, so only the bad row fails', async () => {
    const target = new RecordingTarget();
    target.failWhen = (parameters) => (parameters[0] as string[]).includes('bad');
    const query = new GroupCommitQuery(target);
    const good = query.query(SQL, [['a'], [1]]);
    const bad = query.query(SQL, [['bad'], [2]]);
    const outcome = Promise.allSettled([good, bad]);
    await nextTurn();
    for (let i = 0; i < 4; i += 1) await target.answerAll();
    const [goodResult, badResult] = await outcome;
    expect(goodResult.status).toBe('fulfilled');
    expect(badResult).toMatchObject({ status: 'rejected', reason: new Error('bad row') });
  });

  it('splits at the row limit', async () => {
    const target = new RecordingTarget();
    const query = new GroupCommitQuery(target, 2);
    const calls = ['a', 'b', 'c'].map((key) => query.query(SQL, [[key], [0]]));
    await nextTurn();
    await target.answerAll();
    await target.answerAll();
    await Promise.all(calls);
    expect(target.statements.map((s) => (s.parameters[0] as string[]).length)).toEqual([2, 1]);
  });

  it('passes statements without column-array parameters straight through', async () => {
    const target = new RecordingTarget();
    const query = new GroupCommitQuery(target);
    const call = query.query('SELECT $1::int', [1]);
    expect(target.statements).toEqual([{ sql: 'SELECT $1::int', parameters: [1] }]);
    await target.answerAll();
    await expect(call).resolves.toEqual([1]);
  });
});
