import { EventTypes, type JobEvent, type JobRequestedData } from '@app/contracts';
import type { WorkItem } from '@app/platform';

/**
 * Work items for a per-page stage that follows `stage`: one per page of that stage's StageCompleted.
 * `toInput` turns the previous result (of the document, or of one page) into this stage's inputs.
 */
export function followStage(
  stage: string,
  toInputs: (result: Record<string, unknown>) => { page: number; input: Record<string, unknown> }[],
): (event: JobEvent) => WorkItem[] {
  return (event) => {
    if (event.type !== EventTypes.StageCompleted || event.data.stage !== stage) return [];
    return toInputs(event.data.result).map(({ page, input }) => ({
      cause: event,
      request: pageRequest(input),
      attempt: 1,
      page,
    }));
  };
}

function pageRequest(input: Record<string, unknown>): JobRequestedData {
  return { jobType: 'document', input, priority: 'normal', idempotencyKey: null };
}
