import { randomUUID } from 'node:crypto';

const CONTROL_MARKER = '.control.';

/**
 * The throwaway group a stage process reads `jobs.control` with: every process its own, so each
 * replica sees every cancellation. They are not workers of the stage: lag views and admission skip them.
 */
export function newControlGroupId(stageGroupId: string): string {
  return `${stageGroupId}${CONTROL_MARKER}${randomUUID()}`;
}

export function isControlGroupId(groupId: string): boolean {
  return groupId.includes(CONTROL_MARKER);
}

/**
 * The groups that work for a stage: its own group and any `<group>.<suffix>` sub-group (e.g. the
 * priority groups `<group>.high` and `<group>.low`), never the throwaway control groups.
 */
export function isStageWorkerGroup(groupId: string, stageGroupId: string): boolean {
  if (isControlGroupId(groupId)) return false;
  return groupId === stageGroupId || groupId.startsWith(`${stageGroupId}.`);
}
