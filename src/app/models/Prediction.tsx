import { formatFraction } from './format.ts'
import type { ClassScore } from './prediction.ts'

/** The most probable class and the probabilities of the first few, as every viewer shows them. */
export function Prediction ({ scores }: { scores: ClassScore[] }): React.JSX.Element | null {
  const best = scores[0]
  if (best === undefined) return null
  return (
    <>
      <p>Prediction: <strong data-testid="viewer-prediction" data-class={best.index}>{best.label}</strong></p>
      <ul className="viewer-probs" data-testid="viewer-probabilities">
        {scores.map((s) => (
          <li key={s.index}><span>{s.label}</span><span className="viewer-bar" style={{ width: `${Math.max(1, s.probability * 160)}px` }} /><span>{formatFraction(s.probability)}</span></li>
        ))}
      </ul>
    </>
  )
}
