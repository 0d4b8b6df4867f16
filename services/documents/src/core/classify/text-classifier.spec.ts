import { loadCorpus, splitCorpus } from './corpus';
import { SHEET_LABELS } from './labels';
import { TextClassifier } from './text-classifier';
import { sheetFeatures, wordTokens } from './tokenizer';

describe('classifier corpus', () => {
  const corpus = loadCorpus();

  it('has at least 20 examples for every label', () => {
    for (const label of SHEET_LABELS)
      expect(corpus.filter((e) => e.label === label).length).toBeGreaterThanOrEqual(20);
  });

  it('splits deterministically and stratified (every 5th example held out)', () => {
    const a = splitCorpus(corpus);
    const b = splitCorpus(loadCorpus());
    expect(a.test.map((e) => e.id)).toEqual(b.test.map((e) => e.id));
    expect(a.train.length + a.test.length).toBe(corpus.length);
    for (const label of SHEET_LABELS)
      expect(a.test.filter((e) => e.label === label).length).toBeGreaterThanOrEqual(4);
    const trainIds = new Set(a.train.map((e) => e.id));
    expect(a.test.some((e) => trainIds.has(e.id))).toBe(false);
  });
});

describe('TextClassifier', () => {
  const { train, test } = splitCorpus(loadCorpus());
  const classifier = TextClassifier.train(train);

  it('reaches at least 80% accuracy on the held-out split', () => {
    const misses = test.filter((e) => classifier.classify(e.text).label !== e.label);
    const accuracy = (test.length - misses.length) / test.length;
    const perLabel = SHEET_LABELS.map((label) => {
      const ofLabel = test.filter((e) => e.label === label);
      const right = ofLabel.filter((e) => classifier.classify(e.text).label === label).length;
      return `${label} ${right}/${ofLabel.length}`;
    });
    console.log(
      `held-out accuracy ${(accuracy * 100).toFixed(1)}% (${test.length - misses.length}/${test.length}; ` +
        `trained on ${train.length})\n${perLabel.join(', ')}\n` +
        misses.map((m) => `  miss ${m.id} -> ${classifier.classify(m.text).label}`).join('\n'),
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it('is deterministic: the same training data gives the same model', () => {
    expect(JSON.stringify(TextClassifier.train(train).toJSON())).toBe(JSON.stringify(classifier.toJSON()));
  });

  it.each([
    ['SECOND FLOOR PLAN 201 OFFICE 202 CONFERENCE CORRIDOR STAIR 1/8" = 1\'-0" A-102', 'floor_plan'],
    ['DOOR SCHEDULE MARK WIDTH HEIGHT MATERIAL FRAME HARDWARE FIRE RATING 101 3\'-0" 7\'-0" HM', 'schedule'],
    ['NORTH ELEVATION SOUTH ELEVATION BRICK VENEER T.O. PARAPET EL. 128\'-0"', 'elevation'],
    ['SITE PLAN PROPERTY LINE SETBACK PARKING FIRE HYDRANT 1" = 30\'', 'site_plan'],
    ['WALL SECTION AT BRICK VENEER RIGID INSULATION METAL STUD FLASHING', 'section'],
    ['SHEET INDEX G-001 COVER SHEET A-101 FLOOR PLAN PROJECT DIRECTORY OWNER ARCHITECT', 'cover_sheet'],
    ['TYPICAL PARAPET DETAIL METAL COPING CLEAT SEALANT BLOCKING 1 1/2" = 1\'-0"', 'detail'],
    ['ELECTRICAL ONE-LINE DIAGRAM SWITCHBOARD PANEL TRANSFORMER', 'other'],
  ])('classifies %j as %s', (text, label) => {
    const result = classifier.classify(text);
    expect(result).toMatchObject({ label, method: 'text' });
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it('reports no known features for text it cannot use', () => {
    expect(classifier.classify('').knownFeatures).toBe(0);
    expect(classifier.classify('zzqx qqvb').knownFeatures).toBe(0);
  });

  it('trains the default classifier on the whole corpus, once', () => {
    expect(TextClassifier.default()).toBe(TextClassifier.default());
    expect(TextClassifier.default().classify('FIRST FLOOR PLAN').label).toBe('floor_plan');
  });
});

describe('sheetFeatures', () => {
  it('folds OCR digit confusions inside words and keeps the sheet series', () => {
    expect(wordTokens('FL00R PLAN SECTI0N DETA1LS')).toEqual(['floor', 'plan', 'section', 'details']);
    expect(sheetFeatures('A-201 A2.01 S-501')).toEqual(expect.arrayContaining(['#sheet:a2', '#sheet:s5']));
  });

  it('emits bigrams of adjacent words', () => {
    expect(sheetFeatures('DOOR SCHEDULE')).toEqual(
      expect.arrayContaining(['door', 'schedule', 'door_schedule']),
    );
  });
});
