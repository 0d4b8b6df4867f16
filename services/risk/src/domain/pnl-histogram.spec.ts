import { PNL_HISTOGRAM_BINS } from '@app/contracts/plain';
import { pnlHistogram } from './pnl-histogram';

describe('pnlHistogram', () => {
  it('bins a sample into equal-width bins over [min, max], the maximum in the last bin', () => {
    const histogram = pnlHistogram(Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 10]), 1, 5);
    expect(histogram).toEqual({ edges: [0, 2, 4, 6, 8, 10], counts: [2, 2, 2, 2, 2] });
  });

  it('counts every value once, with PNL_HISTOGRAM_BINS bins by default', () => {
    const sample = Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1000 - 17);
    const histogram = pnlHistogram(sample);
    expect(histogram?.counts).toHaveLength(PNL_HISTOGRAM_BINS);
    expect(histogram?.edges).toHaveLength(PNL_HISTOGRAM_BINS + 1);
    expect(histogram?.counts.reduce((a, b) => a + b, 0)).toBe(1001);
    expect(histogram?.edges[0]).toBe(Math.min(...sample));
    expect(histogram?.edges[PNL_HISTOGRAM_BINS]).toBe(Math.max(...sample));
  });

  it('scales the values (historical P&L to the horizon) before binning', () => {
    expect(pnlHistogram(Float64Array.from([-1, 1]), 3, 2)).toEqual({ edges: [-3, 0, 3], counts: [1, 1] });
  });

  it('does not depend on the order of the sample', () => {
    const sample = Float64Array.from({ length: 500 }, (_, i) => Math.cos(i * 7) * 3);
    const reversed = Float64Array.from(sample).reverse();
    expect(pnlHistogram(reversed)).toEqual(pnlHistogram(sample));
  });

  it('puts a sample of one value in the middle of [value - 0.5, value + 0.5]', () => {
    const histogram = pnlHistogram(new Float64Array(10), 1, 4);
    expect(histogram).toEqual({ edges: [-0.5, -0.25, 0, 0.25, 0.5], counts: [0, 0, 10, 0] });
  });

  it('gives null for an empty sample or a non-finite value', () => {
    expect(pnlHistogram(new Float64Array(0))).toBeNull();
    expect(pnlHistogram(Float64Array.from([1, Number.NaN, 2]))).toBeNull();
    expect(pnlHistogram(Float64Array.from([1, Infinity]))).toBeNull();
    expect(pnlHistogram(Float64Array.from([1e308, -1e308]), 10)).toBeNull();
  });
});
