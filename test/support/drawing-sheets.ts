import type { TestPdfPage } from '@app/documents/testing';

type TextLine = NonNullable<TestPdfPage['texts']>[number];

/** A line of a sheet's text layer, `y` points from the bottom. */
export const sheetLine = (text: string, y: number, size = 14): TextLine => ({ text, x: 60, y, size });

/** Text-layer drawing sheets of the document e2e tests, each with its expected label and scale. */
export const FLOOR_PLAN_SHEET: TestPdfPage = {
  texts: [
    sheetLine('GROUND FLOOR PLAN', 720, 20),
    sheetLine('LIVING ROOM   KITCHEN   BEDROOM 1   BEDROOM 2   BATH', 650),
    sheetLine('DIMENSIONS IN MILLIMETRES. WALL TYPES SEE LEGEND. NORTH ARROW', 620),
    sheetLine('SHEET A-101   SCALE 1:100', 80),
  ],
};

export const DOOR_SCHEDULE_SHEET: TestPdfPage = {
  texts: [
    sheetLine('DOOR SCHEDULE', 720, 20),
    sheetLine('DOOR NO  WIDTH  HEIGHT  MATERIAL  FIRE RATING  HARDWARE', 660),
    sheetLine('D01  900  2100  TIMBER  FD30  LEVER SET', 640),
    sheetLine('D02  820  2040  STEEL  FD60  PANIC BAR', 620),
    sheetLine('SHEET A-601   NOT TO SCALE', 80),
  ],
};

export const NORTH_ELEVATION_SHEET: TestPdfPage = {
  texts: [
    sheetLine('NORTH ELEVATION', 720, 20),
    sheetLine('ROOF RIDGE LEVEL  FINISHED FLOOR LEVEL  BRICK CLADDING  WINDOW HEAD', 650),
    sheetLine('SHEET A-201   SCALE: 1/4" = 1\'-0"', 80),
  ],
};
