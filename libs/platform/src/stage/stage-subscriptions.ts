import { requestInputTopics, type JobPriority, type StageInputs } from '@app/contracts';

/** One consumer group of a stage and what it reads. */
export interface StageSubscription {
  groupId: string;
  topics: string[];
}

/**
 * The consumer groups of a stage. A stage that starts from requests reads each priority's request
 * topics in a group of its own, so a backlog in one priority never delays fetching another: `<group>`
 * (the original group, so its committed offsets stay valid) reads the normal-priority requests of its
 * type with the retry topics; `<group>.high` and `<group>.low` read the high and low ones. Each
 * priority's requests are its type's own topic plus the shared topic of before per-type topics
 * (`requestInputTopics`). All of them feed one worker whose slots go to high-priority work first.
 *
 * Each group takes a record only once a slot is free (continuous intake), so a low group waiting
 * behind high-priority work holds no more than the records it is trying to admit.
 */
export function stageSubscriptions(
  groupId: string,
  inputs: StageInputs,
  retryTopics: readonly string[],
): StageSubscription[] {
  if ('topics' in inputs) return [{ groupId, topics: [...inputs.topics, ...retryTopics] }];
  const requests = (priority: JobPriority): string[] => requestInputTopics(inputs.requestsOf, priority);
  return [
    { groupId: `${groupId}.high`, topics: requests('high') },
    { groupId, topics: [...requests('normal'), ...retryTopics] },
    { groupId: `${groupId}.low`, topics: requests('low') },
  ];
}
