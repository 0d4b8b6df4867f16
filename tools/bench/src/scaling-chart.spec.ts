import { scalingChartSvg } from './scaling-chart';

describe('scalingChartSvg', () => {
  const svg = scalingChartSvg(
    [
      { replicas: 1, jobsPerSecond: 20 },
      { replicas: 2, jobsPerSecond: 39.5 },
      { replicas: 4, jobsPerSecond: 70.25 },
    ],
    'scrape <stage> throughput',
  );

  it('draws one labelled bar per replica count and the linear reference', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect x=/g)).toHaveLength(3);
    for (const label of ['20.0', '39.5', '70.3']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+"/);
    expect(svg).toContain('scrape &lt;stage&gt; throughput');
  });

  it('keeps every bar inside the picture', () => {
    for (const [, y, height] of svg.matchAll(
      /<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g,
    )) {
      expect(Number(y)).toBeGreaterThanOrEqual(40);
      expect(Number(y) + Number(height)).toBeLessThanOrEqual(250.1);
    }
  });
});
