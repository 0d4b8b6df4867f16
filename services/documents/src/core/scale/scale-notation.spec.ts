import { findScaleNotations, normaliseScaleText } from './scale-notation';

const ratios = (text: string): (number | null)[] => findScaleNotations(text).map((m) => m.ratio);

describe('findScaleNotations', () => {
  describe('metric', () => {
    it.each([
      ['1:100', 100],
      ['1 : 50', 50],
      ['SCALE 1:200', 200],
      ['SCALE: 1:20', 20],
      ['SCALE:1:500', 500],
      ['1:1,000', 1000],
      ['1:1250 @ A1', 1250],
      ['1:5', 5],
      ['scale 1:25', 25],
    ])('%s -> 1:%d', (text, ratio) => {
      expect(ratios(text)).toEqual([ratio]);
    });

    it('reads SCALE 1/200 as 1:200', () => {
      expect(findScaleNotations('SCALE 1/200')).toMatchObject([
        { ratio: 200, text: '1/200', labelled: true },
      ]);
      expect(ratios('SCALE: 1/50')).toEqual([50]);
    });

    it.each([
      ['A1:2', 'sheet reference'],
      ['10:30 AM', 'time'],
      ['11:30', 'time'],
      ['1:30 PM', 'time with am/pm'],
      ['12:1:100', 'longer ratio chain'],
      ['21:100', 'longer number'],
      ['1:05', 'leading zero'],
      ['1:00', 'time'],
      ['1.1:50', 'decimal'],
      ['1:100.5', 'decimal'],
      ['RAMP 1:12', 'ramp slope'],
      ['1:12 MAX SLOPE', 'slope'],
      ['SLOPE 1:20', 'slope'],
      ['1:2000000', 'absurd'],
      ['1/200', 'bare slash without SCALE label'],
      ['DATE 1/12/2024', 'date'],
    ])('does not match %s (%s)', (text) => {
      expect(findScaleNotations(text)).toEqual([]);
    });
  });

  describe('architectural and engineering', () => {
    it.each([
      [`1/4" = 1'-0"`, 48],
      [`1/8" = 1'-0"`, 96],
      [`3/16" = 1'-0"`, 64],
      [`3/32" = 1'-0"`, 128],
      [`1/2" = 1'-0"`, 24],
      [`3/4" = 1'-0"`, 16],
      [`3" = 1'-0"`, 4],
      [`1 1/2" = 1'-0"`, 8],
      [`1-1/2" = 1'-0"`, 8],
      [`1" = 1'-0"`, 12],
      [`12" = 1'-0"`, 1],
      [`1" = 20'`, 240],
      [`1" = 100'`, 1200],
      [`1" = 30'-0"`, 360],
      [`1" = 40 ft`, 480],
    ])('%s -> 1:%d', (text, ratio) => {
      expect(ratios(text)).toEqual([ratio]);
    });

    it.each([
      [`1/4"=1'-0"`, 'no spaces'],
      [`1/4 " = 1 ' - 0 "`, 'spaces everywhere'],
      [`1/4" - 1'-0"`, 'dash instead of equals'],
      [`1/4": 1'-0"`, 'colon instead of equals'],
      [`1/4\u201d = 1\u2019-0\u201d`, 'curly quotes'],
      [`1/4\u2033 = 1\u2032-0\u2033`, 'prime marks'],
      [`1/4'' = 1'-0''`, 'two single quotes for inches'],
      [`1/4" = 1' 0"`, 'space instead of dash'],
      [`1/4" = 1'-0`, 'missing final inch mark'],
      [`1/4" = 1'`, 'feet only'],
      [`1/4 = 1'-0"`, 'missing inch mark after a fraction'],
      [`1/4 in = 1 ft`, 'words'],
      [`1/4\u2033 \u2013 1\u2032\u20130\u2033`, 'en dashes'],
      [`scale: 1/4" = 1'-0"`, 'lowercase label'],
    ])('tolerates %s (%s)', (text) => {
      expect(ratios(text)).toEqual([48]);
    });

    it('keeps the original characters in the finding text', () => {
      expect(findScaleNotations(`SCALE: 1/4\u201d = 1\u2019-0\u201d`)[0].text).toBe(
        `1/4\u201d = 1\u2019-0\u201d`,
      );
    });

    it.each([
      [`8'-4 1/2" - 15'-0"`, 'dimension string'],
      [`24'-0" 30'-0" 24'-0"`, 'dimension string'],
      [`3 = 12'`, 'whole number without inch mark'],
      [`5/4" = 1'-0"`, 'improper fraction'],
      [`1/4"`, 'paper size alone'],
      [`2X6 @ 16" O.C.`, 'spacing'],
    ])('does not match %s (%s)', (text) => {
      expect(findScaleNotations(text)).toEqual([]);
    });
  });

  describe('not to scale', () => {
    it.each(['NTS', 'N.T.S.', 'N.T.S', 'n.t.s.', 'NOT TO SCALE', 'Not To Scale', 'SCALE: NTS', 'NO SCALE'])(
      '%s',
      (text) => {
        expect(findScaleNotations(text)).toMatchObject([{ ratio: null, notToScale: true }]);
      },
    );

    it('does not read NTS inside words, nor DO NOT SCALE DRAWINGS', () => {
      expect(findScaleNotations('PLANTS CONSULTANTS ANTS')).toEqual([]);
      expect(findScaleNotations('DO NOT SCALE DRAWINGS')).toEqual([]);
    });
  });

  it('reads FULL SIZE as 1:1', () => {
    expect(ratios('SCALE: FULL SIZE')).toEqual([1]);
  });

  it('finds every notation with offsets, in order, and marks labelled ones', () => {
    const text = `DETAIL 1  SCALE: 1 1/2" = 1'-0"\nKEY PLAN 1:500\nDETAIL 2 NTS`;
    const found = findScaleNotations(text);
    expect(found.map((f) => [f.text, f.ratio, f.notToScale, f.labelled])).toEqual([
      [`1 1/2" = 1'-0"`, 8, false, true],
      ['1:500', 500, false, false],
      ['NTS', null, true, false],
    ]);
    for (const f of found) expect(text.slice(f.start, f.end)).toBe(f.text);
  });

  it('does not join notations across lines', () => {
    expect(findScaleNotations(`SHEET 1\n: 50`)).toEqual([]);
  });
});

describe('normaliseScaleText', () => {
  it('maps typographic variants one-to-one (offsets are preserved)', () => {
    const text = `1/4\u201d \u2013 1\u2019-0\u2033 \uff1d`;
    expect(normaliseScaleText(text)).toBe(`1/4" - 1'-0" =`);
    expect(normaliseScaleText(text)).toHaveLength(text.length);
  });
});
