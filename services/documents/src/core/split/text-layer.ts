import type { WorkerWord } from '../mupdf/mupdf-protocol';
import type { TextLayer } from './split-types';

/** Minimum letters/digits for a page's text layer to count as real text. */
const MIN_ALNUM_CHARS = 3;
/** Fonts without a Unicode mapping extract as U+FFFD; above this share the layer is garbage. */
const MAX_UNMAPPED_SHARE = 0.1;

/** Builds the page text layer, or `null` when the PDF has no real text on that page. */
export function buildTextLayer(words: readonly WorkerWord[]): TextLayer | null {
  const chars = words.map((w) => w.text).join('');
  const alnum = chars.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  const unmapped = chars.match(/\uFFFD/g)?.length ?? 0;
  if (alnum < MIN_ALNUM_CHARS || unmapped > chars.length * MAX_UNMAPPED_SHARE) return null;
  const lines: string[] = [];
  let lastLine: number | undefined;
  for (const word of words) {
    if (word.line !== lastLine) lines.push(word.text);
    else lines[lines.length - 1] += ` ${word.text}`;
    lastLine = word.line;
  }
  return { text: lines.join('\n'), words: words.map(({ text, bbox }) => ({ text, bbox: [...bbox] })) };
}
