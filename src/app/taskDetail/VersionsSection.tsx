import { Link } from '../router.tsx'
import type { TaskVersion } from './loadTaskDetail.ts'
import { bitsPerCharacter } from '../../core/lm/metrics.ts'
import { accuracyInterval, noiseMargin, rollbackSuggestion } from '../../core/metricReliability.ts'
import { roundNumber } from '../../core/taskPhase.ts'
import { plotPoints, polyline, roundRange, zeroBasedRange, type Box, type SeriesPoint } from './chartGeometry.ts'

const BOX: Box = { width: 420, height: 190, padding: 36 }

const accuracyOf = (v: TaskVersion): number => v.accuracyBps / 10_000
const lossOf = (v: TaskVersion): number => Number(v.loss) / 1e6
const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`

/**
 * Loss and accuracy of the task's versions, by round: a small chart and a table. A language
 * model's are per character: the held-out cross-entropy, also in bits per character, and how
 * often the most probable next character is the right one. A classifier's accuracy comes with how
 * far it can be trusted on `samples` held-out samples, and a rollback suggestion when the last
 * version is measurably worse than an earlier one.
 */
export function VersionsSection ({ versions, language = false, samples, modelId }: {
  versions: TaskVersion[], language?: boolean, samples?: number | undefined, modelId: bigint
}): React.JSX.Element {
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
                      <td>{roundNumber(v.round)}</td>
                      <td><Link to={{ page: 'version', versionId: v.versionId }}>#{v.versionId.toString()}</Link></td>
                      <td>{v.status}</td>
                      <td data-testid="version-accuracy">{(accuracyOf(v) * 100).toFixed(2)}%</td>
                      <td data-testid="version-loss">{lossOf(v).toFixed(4)}</td>
                      {language && <td data-testid="version-bpc">{bitsPerCharacter(lossOf(v)).toFixed(3)}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
              {!language && samples !== undefined && <Reliability versions={versions} samples={samples} modelId={modelId} />}
            </>
          )}
    </section>
  )
}

/** How far the accuracy can be trusted, and which version to roll back to when the last one is measurably worse. */
function Reliability ({ versions, samples, modelId }: { versions: TaskVersion[], samples: number, modelId: bigint }): React.JSX.Element | null {
  const final = versions.filter((v) => v.status === 'Final').map((v) => ({ ...v, accuracy: accuracyOf(v) }))
  const last = final.at(-1)
  if (last === undefined) return null
  const { low, high } = accuracyInterval(last.accuracy, samples)
  const advice = rollbackSuggestion(final, samples)
  return (
    <>
      <p className="muted" data-testid="metric-reliability" data-samples={samples}>
        Accuracy is measured on {samples.toLocaleString('en')} held-out samples: the last version&apos;s {percent(last.accuracy)} means {percent(low)} to {percent(high)} at 95% confidence
        {samples < 200 ? ', so differences of a few points between versions are noise.' : '.'}
      </p>
      {advice !== undefined && (
        <p className="warning" role="status" data-testid="rollback-suggestion" data-best={advice.best.versionId.toString()}>
          Version #{advice.last.versionId.toString()} (round {roundNumber(advice.last.round)}) scores {percent(advice.last.accuracy)}, below
          version #{advice.best.versionId.toString()} (round {roundNumber(advice.best.round)}) at {percent(advice.best.accuracy)}: more than the
          measure&apos;s noise ({percent(noiseMargin(advice.best.accuracy, advice.last.accuracy, samples))}). The model&apos;s head is always the last
          version, since each round trains on the one before; once the task has ended, the model&apos;s owner can roll it back to
          version #{advice.best.versionId.toString()} on <Link to={{ page: 'model', modelId }}>the model page</Link>.
        </p>
      )}
    </>
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
        <text key={`r${i}`} x={p.x} y={bottom + 14} textAnchor="middle" className="td-axis-label">{roundNumber(rounds[i] ?? 0)}</text>
      ))}
      <text x={width / 2} y={height - 4} textAnchor="middle" className="td-axis-label">round</text>
    </svg>
  )
}
