import { DOCUMENT_STAGES, type DocumentStage } from './document/document-results.dto';

/**
 * Default consumer-group ids of the stages. The worker services join them (SCRAPER_GROUP_ID and
 * RISK_GROUP_ID override the first two); the gateway watches their lag for admission control.
 */
export const DEFAULT_STAGE_GROUP_IDS = {
  scrape: 'scraper',
  risk: 'risk',
} as const;

/** Each document stage is its own consumer group. */
export function documentStageGroupId(stage: DocumentStage): string {
  return `documents-${stage}`;
}

export const DOCUMENT_STAGE_GROUP_IDS: readonly string[] = DOCUMENT_STAGES.map(documentStageGroupId);
