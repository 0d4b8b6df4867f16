export interface ScalingPoint {
  replicas: number;
  jobsPerSecond: number;
}

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A small bar chart of throughput per replica count, with the ideal (linear from one replica) as a
 * dashed line: hand-written SVG, no chart library.
 */
export function scalingChartSvg(points: ScalingPoint[], title: string): string {
  const width = 480;
  const height = 300;
  const margin = { top: 40, right: 20, bottom: 50, left: 60 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const base = points.find((p) => p.replicas === 1)?.jobsPerSecond ?? points[0]?.jobsPerSecond ?? 0;
  const ideal = (replicas: number): number => base * replicas;
  const top = Math.max(1, ...points.map((p) => Math.max(p.jobsPerSecond, ideal(p.replicas)))) * 1.1;
  const y = (value: number): number => margin.top + plotHeight - (value / top) * plotHeight;
  const slot = plotWidth / Math.max(1, points.length);
  const x = (index: number): number => margin.left + slot * index + slot / 2;
  const barWidth = Math.min(60, slot * 0.5);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const value = (top / 4) * i;
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${margin.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${Math.round(value)}</text>`,
    );
  }
  points.forEach((point, index) => {
    const barTop = y(point.jobsPerSecond);
    parts.push(
      `<rect x="${(x(index) - barWidth / 2).toFixed(1)}" y="${barTop.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(margin.top + plotHeight - barTop).toFixed(1)}" fill="#4a7bd0"/>`,
      `<text x="${x(index).toFixed(1)}" y="${(barTop - 6).toFixed(1)}" text-anchor="middle">${point.jobsPerSecond.toFixed(1)}</text>`,
      `<text x="${x(index).toFixed(1)}" y="${margin.top + plotHeight + 18}" text-anchor="middle">${point.replicas}</text>`,
    );
  });
  const idealPath = points
    .map(
      (point, index) =>
        `${index === 0 ? 'M' : 'L'}${x(index).toFixed(1)},${y(ideal(point.replicas)).toFixed(1)}`,
    )
    .join(' ');
  parts.push(
    `<path d="${idealPath}" fill="none" stroke="#d0704a" stroke-dasharray="5,4"/>`,
    `<text x="${width / 2}" y="${height - 10}" text-anchor="middle">replicas (dashed: linear from 1 replica)</text>`,
    `<text x="16" y="${margin.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 16 ${margin.top + plotHeight / 2})">jobs/s end to end</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
