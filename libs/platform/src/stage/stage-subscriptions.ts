import { Topics } from '@app/contracts';

/** One consumer group of a stage and what it reads. */
export interface StageSubscription {
  groupId: string;
  topics: string[];
}

/**
 * The consumer groups of a stage. A stage that starts from requests reads each priority's request
 * topic in a group of its own, so a backlog in one topic never delays fetching another: `<group>` (the
 * original group, so its committed offsets stay valid) reads `jobs.requested` (normal) with the other
 * inputs and the retry topics; `<group>.high` and `<group>.low` read `jobs.requested.high` and
 * `jobs.requested.low`. All of them feed one worker whose slots go to high-priority work first.
 *
 * Each group takes a record only once a slot is free (continuous intake), so a low group waiting
 * behind high-priority work holds no more than the records it is trying to admit.
 */
export function stageSubscriptions(
  groupId: string,
  inputTopics: readonly string[],
  retryTopics: readonly string[],
): StageSubscription[] {
  const main: StageSubscription = { groupId, topics: [...inputTopics, ...retryTopics] };
  if (!inputTopics.includes(Topics.JobsRequested)) return [main];
  return [
    { groupId: `${groupId}.high`, topics: [Topics.JobsRequestedHigh] },
    main,
    { groupId: `${groupId}.low`, topics: [Topics.JobsRequestedLow] },
  ];
}
