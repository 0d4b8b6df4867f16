export const SHEET_LABELS = [
  'cover_sheet',
  'floor_plan',
  'elevation',
  'section',
  'site_plan',
  'detail',
  'schedule',
  'other',
] as const;

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
