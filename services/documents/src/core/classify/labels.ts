// The labels are part of the event contract (classify results are validated against them).
import { SHEET_LABELS } from '@app/contracts/plain';

export { SHEET_LABELS };

export type SheetLabel = (typeof SHEET_LABELS)[number];

export function isSheetLabel(value: unknown): value is SheetLabel {
  return typeof value === 'string' && (SHEET_LABELS as readonly string[]).includes(value);
}

export interface PageClassification {
  label: SheetLabel;
  /** In [0, 1]. */
  confidence: number;
  method: 'text' | 'vision';
}
