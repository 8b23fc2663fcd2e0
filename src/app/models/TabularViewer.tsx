import { useEffect, useId, useState } from 'react'
import { explainError } from '../../chain/explainError.ts'
import { scaleRow } from '../../train/data/tableScale.ts'
import type { TableDescription } from '../../train/data/tableColumns.ts'
import { DataFormatError } from '../../train/errors.ts'
import { scorePredictions } from '../../train/scores.ts'
import { useCsvTable } from '../tasks/useCsvTable.ts'
import { formatFraction } from './format.ts'
import type { ModelRunner } from './modelRunner.ts'
import { Prediction } from './Prediction.tsx'
import { parseFeatureRow, topClasses, type ClassScore } from './prediction.ts'
import { confusionMatrix, rawFeatures } from './tabularModel.ts'
import { useTabularModel } from './useTabularModel.ts'
import type { VersionModel } from './versionModel.ts'

/** Classes whose probabilities are listed under a prediction. */
const SHOWN_CLASSES = 5

/**
 * A model of `features` numbers per sample. Where its data set's manifest describes the table it
 * was trained on, values are entered per column in the table's own units and held-out CSV files
 * are scored; otherwise it takes one row of already scaled features.
 */
export function TabularViewer ({ runner, model, features }: { runner: ModelRunner | undefined, model: VersionModel, features: number }): React.JSX.Element {
  const described = useTabularModel(model)
  if (described.isPending) return <p className="muted">Reading the data set's description…</p>
  const classNames = described.data?.classNames
  const table = described.data?.table
  return (
    <div>
      {described.error !== null && <p className="error" role="alert" data-testid="viewer-problem">Could not read the data set's description: {explainError(described.error)}</p>}
      {table === undefined
        ? <ScaledRow runner={runner} features={features} classes={model.task.architecture.classes} {...(classNames === undefined ? {} : { classNames })} />
        : (
            <>
              <RawValues runner={runner} table={table} />
              <HeldOutFile runner={runner} table={table} />
            </>
          )}
    </div>
  )
}

async function scores (runner: ModelRunner, x: Float32Array, classNames: readonly string[] | undefined, classes: number): Promise<ClassScore[]> {
  return topClasses(await runner.predict(x), Math.min(SHOWN_CLASSES, classes), classNames ?? Array.from({ length: classes }, (_, i) => `class ${i}`))
}

/** One row's answer: `run` builds the model's input (its error, in words, is the problem shown) and predicts. */
function usePrediction (runner: ModelRunner | undefined, classNames: readonly string[] | undefined, classes: number): {
  result: ClassScore[] | undefined, problem: string | undefined, run: (input: () => Float32Array) => Promise<void>
} {
  const [result, setResult] = useState<ClassScore[]>()
  const [problem, setProblem] = useState<string>()
  const run = async (input: () => Float32Array): Promise<void> => {
    if (runner === undefined) return
    try {
      setProblem(undefined)
      setResult(await scores(runner, input(), classNames, classes))
    } catch (e) {
      setResult(undefined)
      setProblem(explainError(e))
    }
  }
  return { result, problem, run }
}

/** One labelled field per feature column, in the table's own units, scaled here as at upload. */
function RawValues ({ runner, table }: { runner: ModelRunner | undefined, table: TableDescription }): React.JSX.Element {
  const [cells, setCells] = useState(() => table.columns.map(() => ''))
  const { result, problem, run } = usePrediction(runner, table.classNames, table.classNames.length)
  const predict = async (): Promise<void> => { await run(() => scaleRow(rawFeatures(cells, table.columns), table.scale)) }
  return (
    <form onSubmit={(e) => { e.preventDefault(); void predict() }}>
      <fieldset className="viewer-features">
        <legend>One row, in the units of the uploaded table (scaled as the model was trained)</legend>
        {table.columns.map((name, i) => (
          <label key={name}>
            <span>{name}</span>
            <input
              inputMode="decimal" size={8} value={cells[i]} data-testid={`viewer-feature-${i}`}
              onChange={(e) => { const value = e.target.value; setCells((c) => c.map((v, j) => j === i ? value : v)) }}
            />
          </label>
        ))}
      </fieldset>
      <button type="submit" data-testid="viewer-predict" disabled={runner === undefined}>Predict {table.label}</button>
      {result !== undefined && <Prediction scores={result} />}
      {problem !== undefined && <p className="error" role="alert" data-testid="viewer-problem">{problem}</p>}
    </form>
  )
}

interface HeldOutScores { accuracy: number, loss: number, count: number, confusion: number[][] }

/** A CSV of the same columns, label included, read in the table worker and scored in this tab. */
function HeldOutFile ({ runner, table }: { runner: ModelRunner | undefined, table: TableDescription }): React.JSX.Element {
  const [file, setFile] = useState<File>()
  const csv = useCsvTable(file)
  const [result, setResult] = useState<HeldOutScores | { problem: string }>()
  const inputId = useId()
  useEffect(() => {
    if (csv.status !== 'read' || runner === undefined) return
    let live = true
    const score = async (): Promise<HeldOutScores> => {
      const { quoteError } = csv.read
      if (quoteError !== undefined) throw new DataFormatError(`row ${quoteError.row}`, quoteError.message)
      const { x, labels } = await csv.table.modelSamples(table)
      const probabilities = await runner.predict(x)
      const classes = table.classNames.length
      return { ...scorePredictions(probabilities, labels, classes), confusion: confusionMatrix(probabilities, labels, classes) }
    }
    score().then((r) => { if (live) setResult(r) }, (e: unknown) => { if (live) setResult({ problem: explainError(e) }) })
    return () => { live = false }
  }, [csv, runner, table])
  const problem = csv.status === 'failed' ? csv.error : result !== undefined && 'problem' in result ? result.problem : undefined
  return (
    <div className="viewer-heldout">
      <h3>Score a held-out file</h3>
      <label htmlFor={inputId}>A CSV file with the columns {[...table.columns, table.label].map((c) => `"${c}"`).join(', ')} (others are ignored)</label>
      <input
        id={inputId} type="file" accept=".csv,text/csv" data-testid="viewer-heldout-file"
        onChange={(e) => { setResult(undefined); setFile(e.target.files?.[0]) }}
      />
      {(csv.status === 'reading' || (csv.status === 'read' && result === undefined)) && <p className="pending">Reading and scoring {file?.name}…</p>}
      {problem !== undefined && <p className="error" role="alert" data-testid="viewer-heldout-problem">{file?.name}: {problem}</p>}
      {result !== undefined && !('problem' in result) && (
        <>
          <p>
            Accuracy on {result.count} rows (ONNX Runtime):{' '}
            <strong data-testid="viewer-heldout-accuracy" data-accuracy={String(result.accuracy)} data-loss={String(result.loss)}>{formatFraction(result.accuracy)}</strong>,
            loss {result.loss.toFixed(4)}
          </p>
          <ConfusionMatrix counts={result.confusion} classNames={table.classNames} label={table.label} />
        </>
      )}
    </div>
  )
}

function ConfusionMatrix ({ counts, classNames, label }: { counts: number[][], classNames: string[], label: string }): React.JSX.Element {
  return (
    <table className="viewer-confusion" data-testid="viewer-confusion">
      <caption>Confusion matrix: a row per {label} in the file, a column per prediction</caption>
      <thead>
        <tr>
          <th scope="col">{label} \ predicted</th>
          {classNames.map((name) => <th scope="col" key={name}>{name}</th>)}
        </tr>
      </thead>
      <tbody>
        {counts.map((row, actual) => (
          <tr key={classNames[actual]}>
            <th scope="row">{classNames[actual]}</th>
            {row.map((n, predicted) => <td key={classNames[predicted]} className={actual === predicted ? 'viewer-hit' : undefined}>{n}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** A table uploaded before manifests recorded its columns and scaling: one row of scaled features. */
function ScaledRow ({ runner, features, classes, classNames }: { runner: ModelRunner | undefined, features: number, classes: number, classNames?: string[] }): React.JSX.Element {
  const [row, setRow] = useState('')
  const { result, problem, run } = usePrediction(runner, classNames, classes)
  const predict = async (): Promise<void> => { await run(() => parseFeatureRow(row, features)) }
  return (
    <div>
      <p className="muted">
        One row of {features} features, comma-separated, scaled as the model was trained on them: this data set does not record its
        columns and scaling (uploaded tables are z-scored).
      </p>
      <div className="row">
        <input aria-label={`${features} features`} data-testid="viewer-row" size={40} value={row} placeholder={Array.from({ length: Math.min(features, 4) }, () => '0').join(', ') + (features > 4 ? ', …' : '')} onChange={(e) => { setRow(e.target.value) }} />
        <button type="button" data-testid="viewer-predict" disabled={runner === undefined} onClick={() => { void predict() }}>Predict</button>
      </div>
      {result !== undefined && <Prediction scores={result} />}
      {problem !== undefined && <p className="error" role="alert" data-testid="viewer-problem">{problem}</p>}
    </div>
  )
}
