/** The summary of a CSV file the wizard shows as soon as the file is read. */
import { describeKind, type TableSummary } from './tableSummary.ts'

const count = (n: number): string => n.toLocaleString('en')

export function TableSummaryView ({ summary, preview, fileName, seconds }: { summary: TableSummary, preview: string[][], fileName: string, seconds: number }): React.JSX.Element {
  const features = summary.columns.filter((c) => c.role === 'feature').length
  const [header, ...rows] = preview
  return (
    <div className="wizard-field wide table-summary" data-testid="wizard-csv-summary" data-rows={summary.rows} data-columns={summary.columns.length} data-seconds={seconds.toFixed(2)}>
      <p>
        <strong>{fileName}</strong>: {count(summary.rows)} rows, {summary.columns.length} columns ({features} features
        {summary.label === undefined ? ', no usable label yet' : <>, the label <strong>{summary.label.name}</strong> with {summary.label.classes.length} classes</>}); read in {seconds.toFixed(1)} s.
      </p>
      <table className="tasks-table" data-testid="wizard-csv-columns">
        <caption className="muted">Columns</caption>
        <thead><tr><th scope="col">Column</th><th scope="col">Holds</th><th scope="col">Used as</th></tr></thead>
        <tbody>
          {summary.columns.map((c, i) => (
            <tr key={i}><td>{c.name}</td><td>{describeKind(c.kind)}</td><td>{c.role}</td></tr>
          ))}
        </tbody>
      </table>
      {summary.label !== undefined && (
        <p data-testid="wizard-csv-classes">
          Classes: {summary.label.classes.slice(0, 12).map((c) => `${c.name} (${count(c.count)} rows)`).join(', ')}
          {summary.label.classes.length > 12 ? `, and ${summary.label.classes.length - 12} more` : ''}
        </p>
      )}
      {header !== undefined && (
        <div className="table-preview">
          <table className="tasks-table" data-testid="wizard-csv-preview">
            <caption className="muted">The first rows</caption>
            <thead><tr>{header.map((name, i) => <th key={i} scope="col">{name}</th>)}</tr></thead>
            <tbody>{rows.map((row, r) => <tr key={r}>{row.map((cell, c) => <td key={c}>{cell}</td>)}</tr>)}</tbody>
          </table>
        </div>
      )}
    </div>
  )
}
