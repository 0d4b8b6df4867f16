import { Topics } from '@app/contracts';

/** One consumer group of a stage: what it reads and how much it takes into one batch. */
export interface StageSubscription {
  groupId: string;
  topics: string[];
  maxBatchSize: number;
}

/**
 * The consumer groups of a stage. A stage that starts from requests reads each priority's request
 * topic in a group of its own, so a backlog in one topic never delays fetching another: `<group>` (the
 * original group, so its committed offsets stay valid) reads `jobs.requested` (normal) with the other
 * inputs and the retry topics; `<group>.high` and `<group>.low` read `jobs.requested.high` and
 * `jobs.requested.low`. All of them feed one worker whose slots go to high-priority work first.
 *
 * The high and low tiers take at most `concurrency` requests per batch: a low batch waits for slots
 * as long as higher work is queued, and what it holds stays uncommitted (redelivered after a
 * rebalance), so it should not be many slots' worth. The main group keeps its larger batches.
 */
export function stageSubscriptions(
  groupId: string,
  inputTopics: readonly string[],
  retryTopics: readonly string[],
  concurrency: number,
): StageSubscription[] {
  const main: StageSubscription = {
    groupId,
    topics: [...inputTopics, ...retryTopics],
    maxBatchSize: concurrency * 4,
  };
  if (!inputTopics.includes(Topics.JobsRequested)) return [main];
  return [
    { groupId: `${groupId}.high`, topics: [Topics.JobsRequestedHigh], maxBatchSize: concurrency },
    main,
    { groupId: `${groupId}.low`, topics: [Topics.JobsRequestedLow], maxBatchSize: concurrency },
  ];
}
