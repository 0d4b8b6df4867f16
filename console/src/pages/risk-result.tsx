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
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col">Exposure</th>
              <th scope="col">Weight</th>
            </tr>
          </thead>
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
    </div>
  );
}
