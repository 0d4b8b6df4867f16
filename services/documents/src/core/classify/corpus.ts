import coverSheet from './corpus/cover_sheet.json';
import detail from './corpus/detail.json';
import elevation from './corpus/elevation.json';
import floorPlan from './corpus/floor_plan.json';
import other from './corpus/other.json';
import schedule from './corpus/schedule.json';
import section from './corpus/section.json';
import sitePlan from './corpus/site_plan.json';
import { isSheetLabel, type SheetLabel } from './labels';

/**
 * The shipped training corpus: hand-written sheet texts in the style of drawing-sheet OCR output (one
 * JSON file per label, `{ label, examples: string[] }`). Imported as JSON modules so tsc copies them to
 * dist/ and no file-system lookup is needed at run time.
 */
export interface CorpusExample {
  /** `<label>/<index>`, stable as long as files are only appended to. */
  id: string;
  label: SheetLabel;
  text: string;
}

const FILES: unknown[] = [coverSheet, floorPlan, elevation, section, sitePlan, detail, schedule, other];

export function loadCorpus(): CorpusExample[] {
  return FILES.flatMap((file) => {
    const { label, examples } = file as { label: unknown; examples: unknown };
    if (!isSheetLabel(label) || !Array.isArray(examples)) throw new Error('malformed classifier corpus file');
    return examples.map((text, index) => {
      if (typeof text !== 'string') throw new Error(`corpus ${label}/${index} is not a string`);
      return { id: `${label}/${index}`, label, text };
    });
  });
}

/** Every 5th example of each label (indexes 4, 9, 14, ...) is held out: deterministic and stratified. */
export function splitCorpus(corpus: readonly CorpusExample[]): {
  train: CorpusExample[];
  test: CorpusExample[];
} {
  const isTest = (e: CorpusExample): boolean => Number(e.id.split('/')[1]) % 5 === 4;
  return { train: corpus.filter((e) => !isTest(e)), test: corpus.filter(isTest) };
}
