import { TableHead } from '../components';

/** A risk job's result as a table: VaR and expected shortfall, then the positions (docs/api.md). */
export function RiskResult({ result }: { result: Record<string, unknown> }) {
  const number = (value: unknown, digits = 2): string =>
    typeof value === 'number' ? value.toLocaleString(undefined, { maximumFractionDigits: digits }) : '–';
  const positions = Array.isArray(result.positions)
    ? (result.positions as { symbol: string; exposure: number; weight: number | null }[])
    : [];
  return (
    <div class="risk">
      <table aria-label="Value at risk">
        <tbody>
          <tr>
            <th scope="row">Method</th>
            <td>{String(result.method)}</td>
          </tr>
          <tr>
            <th scope="row">Confidence</th>
            <td>{number(result.confidence, 4)}</td>
          </tr>
          <tr>
            <th scope="row">Horizon (days)</th>
            <td>{number(result.horizonDays, 0)}</td>
          </tr>
          <tr>
            <th scope="row">Portfolio value</th>
            <td>{number(result.portfolioValue)}</td>
          </tr>
          <tr>
            <th scope="row">VaR</th>
            <td data-testid="risk-var">{number(result.var)}</td>
          </tr>
          <tr>
            <th scope="row">Expected shortfall</th>
            <td>{number(result.expectedShortfall)}</td>
          </tr>
        </tbody>
      </table>
      {positions.length > 0 && (
        <table aria-label="Positions">
          <TableHead columns={['Symbol', 'Exposure', 'Weight']} />
          <tbody>
            {positions.map((position) => (
              <tr key={position.symbol}>
                <td>{position.symbol}</td>
                <td>{number(position.exposure)}</td>
                <td>{position.weight === null ? '–' : `${number(position.weight * 100, 1)} %`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PnlHistogramChart result={result} />
    </div>
  );
}

interface PnlHistogram {
  edges: number[];
  counts: number[];
}

function histogramOf(result: Record<string, unknown>): PnlHistogram | null {
  const histogram = result.pnlHistogram as PnlHistogram | null | undefined;
  if (!histogram || !Array.isArray(histogram.edges) || !Array.isArray(histogram.counts)) return null;
  if (histogram.counts.length === 0 || histogram.edges.length !== histogram.counts.length + 1) return null;
  return histogram;
}

const CHART = { width: 640, height: 220, left: 8, right: 8, top: 22, bottom: 28 };

/**
 * The P&L histogram of a historical or Monte Carlo risk result as an SVG bar chart, with the loss at
 * the VaR (x = -VaR) marked; parametric results (and results from before the histogram) have none.
 */
export function PnlHistogramChart({ result }: { result: Record<string, unknown> }) {
  const histogram = histogramOf(result);
  if (!histogram) {
    return result.method === 'parametric' ? (
      <p class="muted">No P&amp;L histogram: a parametric VaR draws no P&amp;L sample.</p>
    ) : null;
  }
  const { edges, counts } = histogram;
  const low = edges[0];
  const high = edges[edges.length - 1];
  const span = high - low || 1;
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const x = (value: number): number => CHART.left + ((value - low) / span) * plotWidth;
  const most = Math.max(1, ...counts);
  const total = counts.reduce((sum, count) => sum + count, 0);
  const valueAtRisk = typeof result.var === 'number' ? -result.var : null;
  const varX = valueAtRisk !== null && valueAtRisk >= low && valueAtRisk <= high ? x(valueAtRisk) : null;
  const money = (value: number): string => value.toLocaleString(undefined, { maximumFractionDigits: 0 });
  return (
    <figure class="chart pnl-histogram">
      <figcaption>
        P&amp;L over the horizon: {total.toLocaleString()}{' '}
        {result.method === 'monte_carlo' ? 'paths' : 'days'} in {counts.length} bins; the red line is the loss
        at the VaR
      </figcaption>
      <svg
        viewBox={`0 0 ${CHART.width} ${CHART.height}`}
        role="img"
        aria-label={`P&L histogram, ${counts.length} bins from ${money(low)} to ${money(high)}`}
        data-testid="pnl-histogram"
      >
        {counts.map((count, i) => {
          const height = (count / most) * plotHeight;
          const left = x(edges[i]);
          const tail = valueAtRisk !== null && edges[i + 1] <= valueAtRisk;
          return (
            <rect
              key={i}
              class={tail ? 'bar tail' : 'bar'}
              data-count={count}
              x={left}
              y={CHART.top + plotHeight - height}
              width={Math.max(0.5, x(edges[i + 1]) - left - 1)}
              height={height}
            >
              <title>{`${money(edges[i])} to ${money(edges[i + 1])}: ${count}`}</title>
            </rect>
          );
        })}
        <line
          class="axis"
          x1={CHART.left}
          x2={CHART.width - CHART.right}
          y1={CHART.top + plotHeight}
          y2={CHART.top + plotHeight}
        />
        <text class="tick" x={CHART.left} y={CHART.height - 8}>
          {money(low)}
        </text>
        <text class="tick" x={CHART.width - CHART.right} y={CHART.height - 8} text-anchor="end">
          {money(high)}
        </text>
        {varX !== null && (
          <g data-testid="pnl-histogram-var">
            <line class="var-line" x1={varX} x2={varX} y1={CHART.top - 4} y2={CHART.top + plotHeight} />
            <text
              class="var-label"
              x={varX}
              y={CHART.top - 8}
              text-anchor={varX > CHART.width / 2 ? 'end' : 'start'}
            >
              VaR {money(-(valueAtRisk ?? 0))}
            </text>
          </g>
        )}
      </svg>
    </figure>
  );
}
