/**
 * Features of drawing-sheet text for the text classifier: lower-cased words (OCR digits inside words
 * are folded: FL00R -> floor), bigrams of adjacent words, number shapes, and the sheet-number series
 * (A-201, A2.01 -> `#sheet:a2`; by the US National CAD Standard the first digit is the sheet type).
 */
export function sheetFeatures(text: string): string[] {
  const features: string[] = [];
  const normalised = text.replace(/[\u2018\u2019\u2032]/g, "'").replace(/[\u201c\u201d\u2033]/g, '"');
  for (const match of normalised.matchAll(/\b([A-Z]{1,2})[-.]?([0-9])(?:[.-]?[0-9]{1,2})\b/g)) {
    features.push(`#sheet:${match[1].toLowerCase()}${match[2]}`);
  }
  if (/\d+\s*:\s*\d+|\d+\s*\/\s*\d+\s*"\s*=|1\s*"\s*=\s*\d+\s*'/.test(normalised))
    features.push('#scale-notation');
  if (/\d+\s*'\s*-?\s*\d+(?:\s+\d+\/\d+)?\s*"/.test(normalised)) features.push('#feet-inches');
  const words = wordTokens(normalised);
  features.push(...words);
  for (let i = 1; i < words.length; i++) features.push(`${words[i - 1]}_${words[i]}`);
  return features;
}

const OCR_DIGIT_FOLDS: Record<string, string> = { '0': 'o', '1': 'i', '5': 's', '8': 'b' };

/** Alphabetic words of two or more letters; a word mixing letters with 0/1/5/8 is read as letters. */
export function wordTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const raw of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (!raw) continue;
    const hasLetters = /[a-z]/.test(raw);
    const word =
      hasLetters && /^[a-z0158]+$/.test(raw) ? raw.replace(/[0158]/g, (d) => OCR_DIGIT_FOLDS[d]) : raw;
    if (/^[a-z]{2,}$/.test(word)) tokens.push(word);
  }
  return tokens;
}
