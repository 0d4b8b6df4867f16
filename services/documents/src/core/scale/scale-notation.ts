/** A scale notation found in a string: `[start, end)` offsets into that string. */
export interface ScaleMatch {
  start: number;
  end: number;
  text: string;
  /** Real size / drawing size (1:100 -> 100, 1/4" = 1'-0" -> 48); `null` for not-to-scale. */
  ratio: number | null;
  notToScale: boolean;
  /** Directly preceded by a label such as `SCALE:`. */
  labelled: boolean;
}

/**
 * One-to-one character replacements of OCR/typography variants, so that offsets in the normalised text
 * are offsets in the original: curly/prime quotes, dashes and the full-width equals sign.
 */
export function normaliseScaleText(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201b\u2032\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u201f\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\uff1d/g, '=');
}

const SP = '[ \\t]*';
const INCH = `(?:"|''|in\\b\\.?|inch(?:es)?\\b)`;
const FOOT = `(?:'(?!')|ft\\b\\.?|feet\\b|foot\\b)`;
/** `1 1/2`, `1-1/2`, `3/16`, `3`, `1.5` (inches on paper). */
const PAPER = `(?:(\\d{1,2})(?:[ \\t]+|${SP}-${SP})(\\d{1,2})${SP}/${SP}(\\d{1,2})|(\\d{1,2})${SP}/${SP}(\\d{1,2})|(\\d{1,2}(?:\\.\\d{1,3})?))`;
/** `1'-0"`, `1' 0"`, `1'`, `20'-0"`, `100 ft`. */
const REAL = `(\\d{1,4})${SP}${FOOT}(?:${SP}-${SP}(\\d{1,2})(?:${SP}(?:"|''))?|[ \\t]+(\\d{1,2})${SP}(?:"|''))?`;

/**
 * Inch/foot notations, architectural (1/4" = 1'-0") and engineering (1" = 20'). A separator (= or its
 * OCR variants - and :) is required, and the paper size must not continue a feet-inches dimension, so
 * dimension strings such as 8'-4 1/2" 15'-0" are not read as scales.
 */
const IMPERIAL = new RegExp(
  `(?<![\\w./])(?<!'${SP}-?${SP}(?:\\d{1,2}[ \\t-]+)?)${PAPER}${SP}(${INCH})?${SP}(?:=|-|:)${SP}${REAL}(?![\\w'"])`,
  'gi',
);
/**
 * 1:100, 1 : 50, 1:1,000. Not part of a longer token (A1:2, 11:30, 10:1:5), not a time (1:30 PM) and not a
 * slope or pitch (RAMP 1:12, 1:12 MAX SLOPE).
 */
const METRIC = new RegExp(
  '(?<![\\w.,/-])(?<!\\d[ \\t]*:[ \\t]*)(?<!\\b(?:slope|ramp|pitch|grade)[ \\t]*[:=]?[ \\t]*)' +
    '1[ \\t]*:[ \\t]*([1-9]\\d{0,2}(?:,\\d{3})+|[1-9]\\d{0,5})' +
    '(?![\\d:]|[.,]\\d|[ \\t]*[ap]\\.?m\\b|[a-z]|[ \\t]*(?:max\\.?[ \\t]+)?(?:slope|ramp|pitch))',
  'gi',
);
/** `1/200` only right after a SCALE label (a bare 1/200 is too ambiguous). */
const METRIC_SLASH =
  /(?<=\bscale[ \t]*[:.=-]?[ \t]*)1[ \t]*\/[ \t]*([1-9]\d{1,5})(?![\d/"'.]|[ \t]*(?:["'=]|in\b|ft\b))/gi;
const NOT_TO_SCALE = /\b(?:n\.?[ \t]?t\.?[ \t]?s\b\.?|not[ \t]+to[ \t]+scale\b|no[ \t]+scale\b)/gi;
const FULL_SIZE = /\bfull[ \t]+(?:size|scale)\b/gi;
const LABEL_BEFORE = /\b(?:scale|sc)[ \t]*[:.=-]?[ \t]*$/i;

export function findScaleNotations(original: string): ScaleMatch[] {
  const text = normaliseScaleText(original);
  const matches: ScaleMatch[] = [];
  const add = (start: number, end: number, ratio: number | null, notToScale: boolean): void => {
    const before = text.slice(Math.max(0, start - 12), start);
    matches.push({
      start,
      end,
      text: original.slice(start, end),
      ratio,
      notToScale,
      labelled: LABEL_BEFORE.test(before),
    });
  };
  for (const m of text.matchAll(IMPERIAL)) {
    const ratio = imperialRatio(m);
    if (ratio !== null) add(m.index, m.index + m[0].length, ratio, false);
  }
  for (const m of text.matchAll(METRIC))
    add(m.index, m.index + m[0].length, Number(m[1].replace(/,/g, '')), false);
  for (const m of text.matchAll(METRIC_SLASH)) add(m.index, m.index + m[0].length, Number(m[1]), false);
  for (const m of text.matchAll(NOT_TO_SCALE)) add(m.index, m.index + m[0].trimEnd().length, null, true);
  for (const m of text.matchAll(FULL_SIZE)) add(m.index, m.index + m[0].length, 1, false);
  return dropOverlaps(matches);
}

function imperialRatio(m: RegExpMatchArray): number | null {
  const [, mixWhole, mixNum, mixDen, num, den, whole, inchMark, feet, inchesAfterDash, inchesAfterSpace] = m;
  const paper = mixWhole
    ? Number(mixWhole) + Number(mixNum) / Number(mixDen)
    : num
      ? Number(num) / Number(den)
      : Number(whole);
  // A whole number without inch mark is too ambiguous ("LEVEL 1 - 12'"), a fraction is not (1/4 = 1'-0").
  if (whole !== undefined && !inchMark) return null;
  if ((num && Number(num) >= Number(den)) || (mixDen && Number(mixNum) >= Number(mixDen))) return null;
  const real = Number(feet) * 12 + Number(inchesAfterDash ?? inchesAfterSpace ?? 0);
  if (!(paper > 0) || !(real > 0) || real < paper) return null;
  return Math.round((real / paper) * 1000) / 1000;
}

/** Keeps the longest of overlapping matches, in text order. */
function dropOverlaps(matches: ScaleMatch[]): ScaleMatch[] {
  const byLength = [...matches].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: ScaleMatch[] = [];
  for (const m of byLength) if (!kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
  return kept.sort((a, b) => a.start - b.start);
}
