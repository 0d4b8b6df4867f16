import { EventTypes, REPLAY_FROM_EARLIEST, STAGE_CATALOG, Topics } from '@app/contracts';
import type { GroupReset, KafkaRuntime } from '@app/platform';
import { FakePublisher, silentLogger } from '@app/test-support/gateway-fakes';
import { RequestValidationError } from '../../http/api-errors';
import { ReplayStageUseCase } from './replay-stage.usecase';

/** Kafka's offset resets: each group is idle (reset here) or has members (they rewind themselves). */
class FakeOffsets {
  readonly withMembers = new Set<string>();
  readonly resets: { groupId: string; topics: string[]; from: string }[] = [];

  async resetIfIdle(groupId: string, topics: string[], from: string): Promise<GroupReset> {
    this.resets.push({ groupId, topics, from });
    const mode = this.withMembers.has(groupId) ? 'members' : 'reset';
    return { groupId, mode, state: mode === 'members' ? 'Stable' : 'Empty', topics: [] };
  }
}

function setup() {
  const publisher = new FakePublisher();
  const offsets = new FakeOffsets();
  const kafka = { publisher: publisher.as(), offsets } as unknown as KafkaRuntime;
  return { publisher, offsets, useCase: new ReplayStageUseCase(kafka, silentLogger) };
}

const SCRAPE_GROUP = STAGE_CATALOG.scrape.groupId;

describe('ReplayStageUseCase', () => {
  it('resets every idle group of the stage to `from` and tells no one', async () => {
    const { publisher, offsets, useCase } = setup();

    const accepted = await useCase.execute('scrape', '2026-11-25T10:00:00Z', 'corr-1');

    expect(accepted).toMatchObject({
      replayId: expect.any(String),
      stage: 'scrape',
      from: '2026-11-25T10:00:00Z',
    });
    expect(offsets.resets.length).toBeGreaterThan(0);
    expect(offsets.resets.every((reset) => reset.from === '2026-11-25T10:00:00Z')).toBe(true);
    expect(offsets.resets.every((reset) => reset.groupId.startsWith(SCRAPE_GROUP))).toBe(true);
    expect(accepted.groups.map((group) => group.mode)).toEqual(offsets.resets.map(() => 'reset'));
    expect(publisher.published).toHaveLength(0);
  });

  it('tells the running members of a group through jobs.control', async () => {
    const { publisher, offsets, useCase } = setup();
    offsets.withMembers.add(SCRAPE_GROUP);

    const accepted = await useCase.execute('scrape', REPLAY_FROM_EARLIEST, 'corr-1');

    expect(accepted.groups).toContainEqual(
      expect.objectContaining({ groupId: SCRAPE_GROUP, mode: 'members' }),
    );
    expect(publisher.published.map((o) => o.topic)).toEqual([Topics.JobsControl]);
    expect(publisher.events[0]).toMatchObject({
      type: EventTypes.StageReplayRequested,
      jobId: accepted.replayId,
      correlationId: 'corr-1',
      data: { stage: 'scrape', from: REPLAY_FROM_EARLIEST },
    });
  });

  it('refuses an unknown stage and a time it cannot read (400), touching no group', async () => {
    const { offsets, useCase } = setup();

    await expect(useCase.execute('translate', REPLAY_FROM_EARLIEST, 'corr-1')).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    await expect(useCase.execute('scrape', 'yesterday', 'corr-1')).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    expect(offsets.resets).toHaveLength(0);
  });
});
