import {
  DOCUMENT_STAGES,
  requestInputTopics,
  STAGE_CATALOG,
  stageInputTopics,
  type JobType,
} from '@app/contracts';

/** A stage group whose lag counts toward a job type's backlog, and the topics it reads from the start. */
export interface StageGroup {
  groupId: string;
  inputTopics: string[];
}

export type BacklogSources = Record<JobType, StageGroup[]>;

/**
 * Which consumer groups hold each job type's backlog. Sub-groups named `<group>.<suffix>` (e.g.
 * priority groups) are found at sampling time and added; throwaway `.control.` groups never count.
 * Documents count every stage of the pipeline, since OCR, not split, is where pages pile up.
 */
export function backlogSources(groupIds: { scrape: string; risk: string }): BacklogSources {
  return {
    scrape: [{ groupId: groupIds.scrape, inputTopics: requestInputTopics('scrape', 'normal') }],
    risk: [{ groupId: groupIds.risk, inputTopics: requestInputTopics('risk', 'normal') }],
    document: DOCUMENT_STAGES.map((stage) => ({
      groupId: STAGE_CATALOG[stage].groupId,
      inputTopics: stageInputTopics(STAGE_CATALOG[stage]),
    })),
  };
}
