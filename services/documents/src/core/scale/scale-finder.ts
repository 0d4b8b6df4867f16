import { sameLine, unionBBoxes, type BBox } from '../geometry/bbox';
import { findScaleNotations, type ScaleMatch } from './scale-notation';

export interface ScaleFinding {
  /** The notation as it appears in the OCR text. */
  text: string;
  /** Real size / drawing size (1:100 -> 100, 1/4" = 1'-0" -> 48); `null` when not to scale. */
  ratio: number | null;
  notToScale: boolean;
  /** Union of the OCR blocks the notation spans (page PNG pixels), `null` without blocks. */
  bbox: BBox | null;
}

export interface ScaleResult {
  findings: ScaleFinding[];
  /** The page's most plausible scale, `null` when there is none. */
  primary: ScaleFinding | null;
}

export interface ScaleFinderInput {
  text: string;
  /** OCR blocks (words or lines) in reading order; when present they are searched instead of `text`. */
  blocks?: readonly { text: string; bbox: BBox }[];
}

/**
 * Finds scale notations on a page. With blocks, the blocks are laid out as text (same line: space, new
 * line: newline) so that a notation split over several word blocks is found and its bbox is the union of
 * those blocks. Primary: among notations labelled `SCALE`, else among all, the most frequent scale,
 * earliest first on ties.
 */
export class ScaleFinder {
  find(input: ScaleFinderInput): ScaleResult {
    const blocks = input.blocks ?? [];
    const layout = blocks.length > 0 ? layoutBlocks(blocks) : { text: input.text, spans: [] };
    const matches = findScaleNotations(layout.text);
    const findings = matches.map((m) => toFinding(m, layout.spans, blocks));
    const primaryIndex = choosePrimary(matches);
    return { findings, primary: primaryIndex === null ? null : findings[primaryIndex] };
  }
}

interface Span {
  start: number;
  end: number;
}

function layoutBlocks(blocks: readonly { text: string; bbox: BBox }[]): { text: string; spans: Span[] } {
  let text = '';
  const spans: Span[] = [];
  blocks.forEach((block, i) => {
    if (i > 0) text += sameLine(blocks[i - 1].bbox, block.bbox) ? ' ' : '\n';
    spans.push({ start: text.length, end: text.length + block.text.length });
    text += block.text;
  });
  return { text, spans };
}

function toFinding(match: ScaleMatch, spans: Span[], blocks: readonly { bbox: BBox }[]): ScaleFinding {
  const covered = blocks.filter((_, i) => spans[i].start < match.end && match.start < spans[i].end);
  return {
    text: match.text,
    ratio: match.ratio,
    notToScale: match.notToScale,
    bbox: unionBBoxes(covered.map((b) => b.bbox)),
  };
}

function choosePrimary(matches: ScaleMatch[]): number | null {
  if (matches.length === 0) return null;
  const labelled = matches.some((m) => m.labelled);
  const candidates = matches.map((m, i) => ({ m, i })).filter(({ m }) => !labelled || m.labelled);
  const withRatio = candidates.filter(({ m }) => m.ratio !== null);
  const pool = withRatio.length > 0 ? withRatio : candidates;
  const counts = new Map<string, number>();
  for (const { m } of pool) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
  let best = pool[0];
  for (const c of pool) if ((counts.get(key(c.m)) ?? 0) > (counts.get(key(best.m)) ?? 0)) best = c;
  return best.i;
}

const key = (m: ScaleMatch): string => (m.notToScale ? 'nts' : String(m.ratio));
