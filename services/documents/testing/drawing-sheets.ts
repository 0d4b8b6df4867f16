import type { TestPdfPage } from './pdf-builder';

/** One drawing sheet of a test set: what it shows, and what the pipeline should find on it. */
export interface DrawingSheet {
  label: 'cover_sheet' | 'floor_plan' | 'elevation' | 'section' | 'site_plan' | 'detail' | 'schedule';
  lines: string[];
  /** The scale line of the title block. */
  scale: string;
  /** The expected primary ratio; null when the sheet is not to scale. */
  ratio: number | null;
}

/** Seven sheet kinds with the scale notations of each style (metric, architectural, engineering, NTS). */
export const DRAWING_SHEETS: readonly DrawingSheet[] = [
  {
    label: 'cover_sheet',
    lines: ['RIVERSIDE HOUSING', 'COVER SHEET', 'DRAWING INDEX   PROJECT DIRECTORY', 'OWNER   ARCHITECT'],
    scale: 'SHEET G-001   VICINITY MAP NOT TO SCALE',
    ratio: null,
  },
  {
    label: 'floor_plan',
    lines: [
      'GROUND FLOOR PLAN',
      'LIVING ROOM   KITCHEN   BEDROOM   BATH',
      'WALL TYPES SEE LEGEND   NORTH ARROW',
    ],
    scale: 'SHEET A-101   SCALE 1:100',
    ratio: 100,
  },
  {
    label: 'elevation',
    lines: ['NORTH ELEVATION', 'ROOF RIDGE LEVEL   FINISHED FLOOR LEVEL', 'BRICK CLADDING   WINDOW HEAD'],
    scale: 'SHEET A-201   SCALE 1/4" = 1\'-0"',
    ratio: 48,
  },
  {
    label: 'section',
    lines: ['BUILDING SECTION A-A', 'ROOF TRUSS   FLOOR JOISTS   FOOTING', 'SLAB ON GRADE   CEILING HEIGHT'],
    scale: 'SHEET A-301   SCALE 1/200',
    ratio: 200,
  },
  {
    label: 'site_plan',
    lines: ['SITE PLAN', 'PROPERTY LINE   BUILDING SETBACK   PARKING', 'FIRE LANE   DRIVEWAY   EASEMENT'],
    scale: 'SHEET C-100   SCALE 1" = 20\'',
    ratio: 240,
  },
  {
    label: 'detail',
    lines: ['WINDOW DETAILS', 'HEAD DETAIL   JAMB DETAIL   SILL DETAIL', 'FLASHING   SEALANT   DRIP EDGE'],
    scale: 'SHEET A-501   SCALE 1 : 5',
    ratio: 5,
  },
  {
    label: 'schedule',
    lines: [
      'DOOR SCHEDULE',
      'DOOR NO   WIDTH   HEIGHT   MATERIAL   FIRE RATING',
      'D01   900   2100   TIMBER   FD30',
    ],
    scale: 'SHEET A-601   NTS',
    ratio: null,
  },
];

/** Sheet `index` of a set that cycles through DRAWING_SHEETS. */
export function drawingSheet(index: number): DrawingSheet {
  return DRAWING_SHEETS[index % DRAWING_SHEETS.length];
}

/**
 * A sheet as a PDF page of `width` x `height` points: a border, the lines near the top and the scale
 * line at the bottom left, in sizes that stay legible when rendered at about 100 DPI.
 */
export function drawingSheetPage(sheet: DrawingSheet, width = 612, height = 396): TestPdfPage {
  const unit = height / 396;
  const size = (points: number): number => Math.round(points * unit);
  return {
    width,
    height,
    rects: [[10, 10, width - 20, height - 20]],
    texts: [
      ...sheet.lines.map((text, i) => ({
        text,
        x: 40 * unit,
        y: height - size(60) - i * size(34),
        size: i === 0 ? size(22) : size(15),
      })),
      { text: sheet.scale, x: 40 * unit, y: size(40), size: size(20) },
    ],
  };
}
