import { formatCount } from '../../state/displayNames';

/** Each row as fractions of its sum (the share of a true class's pixels given each prediction); an empty row stays 0. */
export function rowNormalised(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((n) => (sum === 0 ? 0 : n / sum));
  });
}

/**
 * The confusion matrix as a heat-map: rows are true classes, columns predicted ones, each row
 * normalised so that rare classes read as clearly as common ones; the counts are on hover.
 */
export function ConfusionHeatmap({ classes, confusion }: { classes: string[]; confusion: number[][] }) {
  const shares = rowNormalised(confusion);
  const abbreviation = (name: string) => name.slice(0, 3);
  return (
    <div className="confusion" data-testid="confusion-heatmap">
      <table className="confusion-table">
        <thead>
          <tr>
            <th className="confusion-corner muted">true ↓ predicted →</th>
            {classes.map((name) => (
              <th key={name} className="confusion-col" title={name} scope="col">
                {abbreviation(name)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {classes.map((truth, i) => (
            <tr key={truth}>
              <th className="confusion-row" scope="row" title={truth}>
                {truth}
              </th>
              {classes.map((predicted, j) => {
                const share = shares[i][j];
                const count = confusion[i][j];
                return (
                  <td
                    key={predicted}
                    className={i === j ? 'confusion-cell diagonal' : 'confusion-cell'}
                    style={{ background: `rgba(59, 91, 219, ${share.toFixed(3)})`, color: share > 0.55 ? '#fff' : undefined }}
                    title={`${truth} predicted as ${predicted}: ${formatCount(count)} pixels (${(share * 100).toFixed(1)} % of ${truth})`}
                    data-testid="confusion-cell"
                    data-count={count}
                  >
                    {share >= 0.005 ? Math.round(share * 100) : ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="field-hint muted">Percent of each true class&apos;s pixels; hover a cell for its pixel count.</p>
    </div>
  );
}
