import type { BBox } from '../geometry/bbox';
import { ScaleFinder } from './scale-finder';

/** Word blocks on one line, 10 px per character plus a 10 px gap, at row `row`. */
function line(words: string[], row: number, x = 0): { text: string; bbox: BBox }[] {
  let cursor = x;
  return words.map((text) => {
    const bbox: BBox = [cursor, row * 30, cursor + text.length * 10, row * 30 + 20];
    cursor += text.length * 10 + 10;
    return { text, bbox };
  });
}

describe('ScaleFinder', () => {
  const finder = new ScaleFinder();

  it('returns no findings and a null primary for text without scales', () => {
    expect(finder.find({ text: 'FIRST FLOOR PLAN  A-101  10:30 AM' })).toEqual({
      findings: [],
      primary: null,
    });
  });

  it('works on text alone, with null bboxes', () => {
    const result = finder.find({ text: 'FLOOR PLAN\nSCALE 1:100' });
    expect(result.findings).toEqual([{ text: '1:100', ratio: 100, notToScale: false, bbox: null }]);
    expect(result.primary).toBe(result.findings[0]);
  });

  it('uses the bbox of the block that contains the notation', () => {
    const blocks = [...line(['FLOOR', 'PLAN'], 0), ...line(['SCALE', '1:100'], 1)];
    const { primary } = finder.find({ text: 'ignored when blocks exist', blocks });
    expect(primary).toEqual({ text: '1:100', ratio: 100, notToScale: false, bbox: blocks[3].bbox });
  });

  it('unions consecutive word blocks of a notation split by OCR', () => {
    const blocks = line(['SCALE:', '1/4"', '=', '1\'-0"'], 2, 100);
    const { findings } = finder.find({ text: '', blocks });
    expect(findings).toHaveLength(1);
    expect(findings[0].text).toBe(`1/4" = 1'-0"`);
    expect(findings[0].ratio).toBe(48);
    expect(findings[0].bbox).toEqual([blocks[1].bbox[0], 60, blocks[3].bbox[2], 80]);
  });

  it('does not join word blocks of different lines', () => {
    const blocks = [...line(['SHEET', '1'], 0), ...line([':', '50'], 1)];
    expect(finder.find({ text: '', blocks }).findings).toEqual([]);
  });

  it('finds the notation inside a line-level block', () => {
    const blocks: { text: string; bbox: BBox }[] = [{ text: 'ENLARGED PLAN 1:50', bbox: [5, 5, 300, 25] }];
    expect(finder.find({ text: '', blocks }).findings[0]).toMatchObject({ ratio: 50, bbox: [5, 5, 300, 25] });
  });

  it('prefers the notation labelled SCALE as primary', () => {
    const text = 'KEY PLAN 1:500\nGROUND FLOOR PLAN  SCALE: 1:100\n1:500';
    const { findings, primary } = finder.find({ text });
    expect(findings.map((f) => f.ratio)).toEqual([500, 100, 500]);
    expect(primary?.ratio).toBe(100);
  });

  it('otherwise picks the most frequent scale', () => {
    const text = `1 WALL SECTION 3/4" = 1'-0"\n2 PARAPET 1 1/2" = 1'-0"\n3 SILL 1 1/2" = 1'-0"`;
    expect(finder.find({ text }).primary?.ratio).toBe(8);
  });

  it('picks the first on ties', () => {
    expect(finder.find({ text: `1/8" = 1'-0"   1/4" = 1'-0"` }).primary?.ratio).toBe(96);
  });

  it('picks the most frequent among several labelled scales', () => {
    const text = `SCALE: 3" = 1'-0"  SCALE: 1 1/2" = 1'-0"  SCALE: 1 1/2" = 1'-0"  1:20 1:20 1:20`;
    expect(finder.find({ text }).primary?.ratio).toBe(8);
  });

  it('reports not-to-scale pages with a primary that is not to scale', () => {
    const { findings, primary } = finder.find({ text: 'VICINITY MAP\nSCALE: N.T.S.' });
    expect(findings).toEqual([{ text: 'N.T.S.', ratio: null, notToScale: true, bbox: null }]);
    expect(primary).toEqual(findings[0]);
  });

  it('prefers a real scale over an unlabelled NTS', () => {
    const { primary } = finder.find({ text: 'VICINITY MAP NTS\nSITE PLAN 1" = 30\'' });
    expect(primary).toMatchObject({ ratio: 360, notToScale: false });
  });

  it('reads a realistic OCR title block', () => {
    const text = [
      'NORTHLINE ARCHITECTS  1200 MARINA WAY',
      'DATE: 03/14/2024  TIME 10:30 AM',
      'PROJECT NO. 2317  SHEET A-101',
      'FIRST FLOOR PLAN',
      'SCALE: 1/8\u201d = 1\u2019-0\u201d',
      'KEYNOTES 1. RAMP 1:12 MAX',
    ].join('\n');
    const { findings, primary } = finder.find({ text });
    expect(findings).toHaveLength(1);
    expect(primary).toMatchObject({ ratio: 96, notToScale: false });
  });
});
