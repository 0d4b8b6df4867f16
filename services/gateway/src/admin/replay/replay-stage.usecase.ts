import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_TENANT_ID,
  describeStage,
  EVENT_VERSIONS,
  EventTypes,
  REPLAY_FROM_EARLIEST,
  stageInputs,
  Topics,
  type StageReplayRequested,
  type EventActor,
} from '@app/contracts';
import { KafkaRuntime, LOGGER, stageSubscriptions, type GroupReset, type Logger } from '@app/platform';
import { RequestValidationError } from '../../http/api-errors';

export interface StageReplayAccepted {
  replayId: string;
  stage: string;
  from: string;
  /** Per consumer group of the stage: reset directly (no members) or rewound by its running members. */
  groups: GroupReset[];
}

/**
 * Re-runs a stage for every job since a time: each of its consumer groups goes back to the first
 * offset at or after `from` on the stage's input topics (Kafka's offsets-for-times, exactly what
 * `kafka-consumer-groups --reset-offsets --to-datetime` does). A group without members is reset here;
 * a running one is told through `jobs.control`, and each member rewinds the partitions it holds.
 * Results of the same stage version dedupe against the old ones; a new version's supersede them.
 */
@Injectable()
export class ReplayStageUseCase {
  constructor(
    @Inject(KafkaRuntime) private readonly kafka: KafkaRuntime,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(
    stageName: string,
    from: string,
    correlationId: string,
    actor?: EventActor,
  ): Promise<StageReplayAccepted> {
    const stage = describeStage(stageName);
    if (!stage) throw new RequestValidationError([{ path: 'stage', message: `unknown stage ${stageName}` }]);
    if (from !== REPLAY_FROM_EARLIEST && Number.isNaN(Date.parse(from))) {
      throw new RequestValidationError([{ path: 'from', message: 'not a valid time' }]);
    }
    const replayId = randomUUID();
    // The stage's groups (one per priority for a stage that starts from requests), each with its topics.
    const subscriptions = stageSubscriptions(stage.groupId, stageInputs(stage), []);
    // Kafka's offset reset joins each idle group for a moment: do the groups side by side.
    const groups: GroupReset[] = await Promise.all(
      subscriptions.map(({ groupId, topics }) => this.kafka.offsets.resetIfIdle(groupId, topics, from)),
    );
    if (groups.some((group) => group.mode === 'members')) {
      const request: StageReplayRequested = {
        id: randomUUID(),
        type: EventTypes.StageReplayRequested,
        version: EVENT_VERSIONS.StageReplayRequested,
        jobId: replayId,
        tenantId: actor?.tenant ?? DEFAULT_TENANT_ID,
        correlationId,
        causationId: null,
        occurredAt: new Date().toISOString(),
        ...(actor ? { actor } : {}),
        data: { stage: stage.stage, from },
      };
      await this.kafka.publisher.publish([{ topic: Topics.JobsControl, event: request }]);
    }
    this.logger.info(
      {
        replayId,
        stage: stage.stage,
        from,
        groups: groups.map((g) => `${g.groupId}:${g.mode}`),
        correlationId,
        keyId: actor?.keyId,
      },
      'stage replay requested',
    );
    return { replayId, stage: stage.stage, from, groups };
  }
}
