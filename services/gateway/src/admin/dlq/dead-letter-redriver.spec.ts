import pino from 'pino';
import { KafkaUnavailableError, type EventPublisher, type RawMessage } from '@app/platform';
import type { DeadLetterClaims, DeadLetterView, RedriveClaim } from '@app/read-models';
import { DeadLetterRedriver } from './dead-letter-redriver';
import type { RerunJobCommand, RerunJobUseCase } from '../../jobs/usecases/rerun-job/rerun-job.usecase';

const entry: DeadLetterView = {
  id: '6f0c0000-0000-4000-8000-000000000001',
  reason: 'invalidMessage',
  source: { topic: 'scrape.retry.1', partition: 3, offset: '9', group: 'scraper' },
  jobId: null,
  tenantId: null,
  detail: 'not JSON',
  errors: [],
  attempts: null,
  failedAt: '2026-01-01T00:00:00.000Z',
  redrivenAt: null,
  redriveCount: 0,
  original: {
    key: 'k1',
    value: Buffer.from([0xff, 0x00, 0x41]).toString('base64'),
    valueEncoding: 'base64',
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  },
};

/** Claims like ops.dead_letters: the first claim wins until released. */
class FakeClaims {
  claimed = false;
  releases = 0;
  constructor(private readonly entry: DeadLetterView) {}
  async claim(id: string): Promise<RedriveClaim> {
    if (id !== this.entry.id) return null;
    if (this.claimed) return { claimed: false, entry: this.entry };
    this.claimed = true;
    return { claimed: true, entry: this.entry };
  }
  async release(): Promise<void> {
    this.claimed = false;
    this.releases += 1;
  }
}

class FakePublisher {
  readonly sent: RawMessage[] = [];
  failWith: Error | null = null;
  async publishRaw(messages: RawMessage[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(...messages);
  }
}

class FakeRerun {
  readonly commands: RerunJobCommand[] = [];
  async execute(command: RerunJobCommand): Promise<void> {
    this.commands.push(command);
  }
}

function setup(redriven: DeadLetterView = entry) {
  const claims = new FakeClaims(redriven);
  const publisher = new FakePublisher();
  const rerun = new FakeRerun();
  const redriver = new DeadLetterRedriver(
    claims as unknown as DeadLetterClaims,
    publisher as unknown as EventPublisher,
    rerun as unknown as RerunJobUseCase,
    pino({ level: 'silent' }),
  );
  return { claims, publisher, redriver, rerun };
}

describe('DeadLetterRedriver', () => {
  it('sends the original key, value bytes and headers back to the source topic, once', async () => {
    const { publisher, redriver } = setup();
    expect(await redriver.redrive(entry.id)).toEqual({ entry, alreadyRedriven: false });
    expect(await redriver.redrive(entry.id)).toEqual({ entry, alreadyRedriven: true });
    expect(publisher.sent).toEqual([
      {
        topic: 'scrape.retry.1',
        key: 'k1',
        value: Buffer.from([0xff, 0x00, 0x41]),
        headers: entry.original.headers,
      },
    ]);
  });

  it('gives the claim back when Kafka does not acknowledge, so a later redrive sends it', async () => {
    const { claims, publisher, redriver } = setup();
    publisher.failWith = new KafkaUnavailableError('down');
    await expect(redriver.redrive(entry.id)).rejects.toBeInstanceOf(KafkaUnavailableError);
    expect(claims.releases).toBe(1);
    publisher.failWith = null;
    expect(await redriver.redrive(entry.id)).toMatchObject({ alreadyRedriven: false });
    expect(publisher.sent).toHaveLength(1);
  });

  it('answers null for an unknown entry', async () => {
    const { publisher, redriver } = setup();
    expect(await redriver.redrive('6f0c0000-0000-4000-8000-000000000002')).toBeNull();
    expect(publisher.sent).toEqual([]);
  });

  it('re-runs the job of a retriesExhausted entry from the stage of the group that gave up, once', async () => {
    const jobId = '6f0c0000-0000-4000-8000-0000000000aa';
    const exhausted: DeadLetterView = {
      ...entry,
      reason: 'retriesExhausted',
      jobId,
      attempts: 4,
      source: { topic: 'classify.retry.3', partition: 1, offset: '4', group: 'documents-classify' },
    };
    const { publisher, redriver, rerun } = setup(exhausted);
    expect(await redriver.redrive(exhausted.id)).toEqual({ entry: exhausted, alreadyRedriven: false });
    expect(await redriver.redrive(exhausted.id)).toMatchObject({ alreadyRedriven: true });
    expect(rerun.commands).toEqual([
      { tenantId: null, jobId, correlationId: `redrive-${exhausted.id}`, stage: 'classify' },
    ]);
    expect(publisher.sent).toEqual([]);
  });
});
