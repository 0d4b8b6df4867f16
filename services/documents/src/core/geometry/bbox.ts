/**
 * Axis-aligned box `[x0, y0, x1, y1]` in pixels of a page's rendered PNG: origin top-left, x to the
 * right, y downwards, `x0 <= x1` and `y0 <= y1`. Every bbox produced by this core uses this system.
 */
export type BBox = [number, number, number, number];

/** Smallest box containing all the given boxes; `null` for an empty list. */
export function unionBBoxes(boxes: readonly BBox[]): BBox | null {
  if (boxes.length === 0) return null;
  let [x0, y0, x1, y1] = boxes[0];
  for (const [a, b, c, d] of boxes.slice(1)) {
    x0 = Math.min(x0, a);
    y0 = Math.min(y0, b);
    x1 = Math.max(x1, c);
    y1 = Math.max(y1, d);
  }
  return [x0, y0, x1, y1];
}

/** True when the two boxes overlap vertically by at least `ratio` of the shorter one's height. */
export function sameLine(a: BBox, b: BBox, ratio = 0.5): boolean {
  const overlap = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const shorter = Math.min(a[3] - a[1], b[3] - b[1]);
  if (shorter <= 0) return overlap >= 0;
  return overlap / shorter >= ratio;
}
