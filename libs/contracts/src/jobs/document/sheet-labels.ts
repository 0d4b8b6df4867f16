/** Page classes of a drawing set. A plain module (no decorators), so worker code can import it. */
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
