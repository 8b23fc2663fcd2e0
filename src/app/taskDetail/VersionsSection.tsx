import { Link } from '../router.tsx'
import type { TaskVersion } from './loadTaskDetail.ts'
import { bitsPerCharacter } from '../../core/lm/metrics.ts'
import { plotPoints, polyline, roundRange, zeroBasedRange, type Box, type SeriesPoint } from './chartGeometry.ts'

const BOX: Box = { width: 420, height: 190, padding: 36 }

const accuracyOf = (v: TaskVersion): number => v.accuracyBps / 10_000
const lossOf = (v: TaskVersion): number => Number(v.loss) / 1e6

/**
 * Loss and accuracy of the task's versions, by round: a small chart and a table. A language
 * model's are per character: the held-out cross-entropy, also in bits per character, and how
 * often the most probable next character is the right one.
 */
export function VersionsSection ({ versions, language = false }: { versions: TaskVersion[], language?: boolean }): React.JSX.Element {
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h3 id="versions-title">Versions</h3>
      {versions.length === 0
        ? <p className="muted">No version has been proposed yet.</p>
        : (
            <>
              <VersionsChart versions={versions} language={language} />
              <table className="td-table">
                <thead>
                  <tr>
                    <th>Round</th><th>Version</th><th>Status</th>
                    {language ? <><th>Next-character accuracy</th><th>Validation loss</th><th>Bits per character</th></> : <><th>Accuracy</th><th>Loss</th></>}
                  </tr>
                </thead>
                <tbody>
                  {versions.map((v) => (
                    <tr key={v.versionId.toString()} data-testid="version-row" data-round={v.round.toString()} data-version-id={v.versionId.toString()} data-status={v.status}>
                      <td>{v.round.toString()}</td>
                      <td><Link to={{ page: 'version', versionId: v.versionId }}>#{v.versionId.toString()}</Link></td>
                      <td>{v.status}</td>
                      <td data-testid="version-accuracy">{(accuracyOf(v) * 100).toFixed(2)}%</td>
                      <td data-testid="version-loss">{lossOf(v).toFixed(4)}</td>
                      {language && <td data-testid="version-bpc">{bitsPerCharacter(lossOf(v)).toFixed(3)}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
    </section>
  )
}

function VersionsChart ({ versions, language }: { versions: TaskVersion[], language: boolean }): React.JSX.Element {
  const rounds = versions.map((v) => Number(v.round))
  const xRange = roundRange(rounds)
  const lossRange = zeroBasedRange(versions.map(lossOf))
  const accuracy = plotPoints(versions.map((v): SeriesPoint => ({ x: Number(v.round), y: accuracyOf(v) })), xRange, [0, 1], BOX)
  const loss = plotPoints(versions.map((v): SeriesPoint => ({ x: Number(v.round), y: lossOf(v) })), xRange, lossRange, BOX)
  const { width, height, padding } = BOX
  const bottom = height - padding
  const right = width - padding
  return (
    <svg className="td-chart" data-testid="versions-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Accuracy and loss per round">
      <line x1={padding} y1={bottom} x2={right} y2={bottom} className="td-axis" />
      <line x1={padding} y1={padding} x2={padding} y2={bottom} className="td-axis" />
      <line x1={right} y1={padding} x2={right} y2={bottom} className="td-axis" />
      <polyline points={polyline(accuracy)} className="td-accuracy" fill="none" />
      <polyline points={polyline(loss)} className="td-loss" fill="none" />
      {accuracy.map((p, i) => <circle key={`a${i}`} cx={p.x} cy={p.y} r={3} className="td-accuracy-dot" />)}
      {loss.map((p, i) => <circle key={`l${i}`} cx={p.x} cy={p.y} r={3} className="td-loss-dot" />)}
      <text x={padding} y={padding - 10} textAnchor="middle" className="td-accuracy-label">accuracy</text>
      <text x={padding - 4} y={padding + 4} textAnchor="end" className="td-axis-label">100%</text>
      <text x={padding - 4} y={bottom} textAnchor="end" className="td-axis-label">0%</text>
      <text x={right} y={padding - 10} textAnchor="middle" className="td-loss-label">{language ? 'validation loss' : 'loss'}</text>
      <text x={right + 4} y={padding + 4} className="td-axis-label">{lossRange[1].toFixed(2)}</text>
      <text x={right + 4} y={bottom} className="td-axis-label">0</text>
      {accuracy.map((p, i) => (
        <text key={`r${i}`} x={p.x} y={bottom + 14} textAnchor="middle" className="td-axis-label">{rounds[i]}</text>
      ))}
      <text x={width / 2} y={height - 4} textAnchor="middle" className="td-axis-label">round</text>
    </svg>
  )
}
