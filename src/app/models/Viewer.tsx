import { useEffect, useRef, useState } from 'react'
import { explainError } from '../../chain/explainError.ts'
import { MNIST_SIDE, rgbaToGrey, toMnistInput } from './digitImage.ts'
import { formatFraction } from './format.ts'
import { scoreHeldOut, type ModelRunner } from './modelRunner.ts'
import { startOnnxRunner } from './onnxRunner.ts'
import { Prediction } from './Prediction.tsx'
import { topClasses, type ClassScore } from './prediction.ts'
import { TabularViewer } from './TabularViewer.tsx'
import type { VersionModel } from './versionModel.ts'
import { TextGenerator } from './TextGenerator.tsx'

const isDigitModel = (shape: readonly number[]): boolean =>
  (shape.length === 1 && shape[0] === MNIST_SIDE * MNIST_SIDE) || (shape.length === 3 && shape[0] === MNIST_SIDE && shape[1] === MNIST_SIDE && shape[2] === 1)

/** Runs the version in this tab with ONNX Runtime Web: draw a digit, enter a row of features, or continue a text. */
export function Viewer ({ model }: { model: VersionModel }): React.JSX.Element {
  const [runner, setRunner] = useState<ModelRunner>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    let live = true
    let started: ModelRunner | undefined
    setRunner(undefined)
    setError(undefined)
    startOnnxRunner(model.task.architecture, model.weights).then((r) => {
      started = r
      if (live) setRunner(r)
      else void r.release()
    }, (e: unknown) => { if (live) setError(`ONNX Runtime could not load the model: ${explainError(e)}`) })
    return () => { live = false; if (started !== undefined) void started.release() }
  }, [model])
  const shape = model.task.architecture.inputShape
  return (
    <section className="panel" data-testid="viewer">
      <h2>Try it</h2>
      {error !== undefined && <p className="error" role="alert" data-testid="viewer-error">{error}</p>}
      {error === undefined && runner === undefined && <p className="muted">Starting ONNX Runtime…</p>}
      {model.task.architecture.transformer !== undefined
        ? <TextGenerator runner={runner} model={model} />
        : isDigitModel(shape)
          ? <DigitViewer runner={runner} model={model} />
          : shape.length === 1
            ? <TabularViewer runner={runner} model={model} features={shape[0] as number} />
            : <p className="muted" data-testid="viewer-unsupported">The viewer runs 28×28 digit models, tabular models and character transformers; this one takes [{shape.join(', ')}].</p>}
    </section>
  )
}

const CANVAS = 280

function DigitViewer ({ runner, model }: { runner: ModelRunner | undefined, model: VersionModel }): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null)
  const drawing = useRef(false)
  const [scores, setScores] = useState<ClassScore[]>()
  const [problem, setProblem] = useState<string>()
  const [heldOut, setHeldOut] = useState<{ accuracy: number, count: number } | 'running'>()

  const clear = (): void => {
    const c = canvas.current?.getContext('2d')
    if (c === null || c === undefined) return
    c.fillStyle = '#000'
    c.fillRect(0, 0, CANVAS, CANVAS)
    setScores(undefined)
    setProblem(undefined)
  }
  useEffect(clear, [])

  const point = (e: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
    const rect = e.currentTarget.getBoundingClientRect()
    return [(e.clientX - rect.left) * (CANVAS / rect.width), (e.clientY - rect.top) * (CANVAS / rect.height)]
  }
  const start = (e: React.PointerEvent<HTMLCanvasElement>): void => {
    const c = e.currentTarget.getContext('2d')
    if (c === null) return
    drawing.current = true
    e.currentTarget.setPointerCapture(e.pointerId)
    c.strokeStyle = '#fff'
    c.lineWidth = 20
    c.lineCap = 'round'
    c.lineJoin = 'round'
    c.beginPath()
    c.moveTo(...point(e))
    c.lineTo(...point(e))
    c.stroke()
  }
  const move = (e: React.PointerEvent<HTMLCanvasElement>): void => {
    const c = e.currentTarget.getContext('2d')
    if (!drawing.current || c === null) return
    c.lineTo(...point(e))
    c.stroke()
  }
  const end = (): void => { drawing.current = false }

  const predict = async (): Promise<void> => {
    const c = canvas.current?.getContext('2d')
    if (runner === undefined || c === null || c === undefined) return
    try {
      setProblem(undefined)
      const pixels = c.getImageData(0, 0, CANVAS, CANVAS).data
      const probabilities = await runner.predict(toMnistInput(rgbaToGrey(pixels, CANVAS, CANVAS), CANVAS, CANVAS))
      setScores(topClasses(probabilities, 3))
    } catch (e) {
      setScores(undefined)
      setProblem(explainError(e))
    }
  }

  const runHeldOut = async (): Promise<void> => {
    if (runner === undefined) return
    setHeldOut('running')
    setProblem(undefined)
    try {
      const { fetchMnist } = await import('../../train/data/mnistAsset.ts')
      const { test } = await fetchMnist(new URL(import.meta.env.BASE_URL, window.location.href))
      const { accuracy, count } = await scoreHeldOut(runner, test)
      setHeldOut({ accuracy, count })
    } catch (e) {
      setHeldOut(undefined)
      setProblem(`Could not score the held-out digits: ${explainError(e)}`)
    }
  }

  return (
    <div>
      <p className="muted">Draw a digit (white on black); it is scaled to 28×28 and centred like MNIST.</p>
      <canvas
        ref={canvas} width={CANVAS} height={CANVAS} className="viewer-canvas" data-testid="viewer-canvas"
        onPointerDown={start} onPointerMove={move} onPointerUp={end} onPointerLeave={end}
      />
      <div className="row">
        <button type="button" data-testid="viewer-predict" disabled={runner === undefined} onClick={() => { void predict() }}>Predict</button>
        <button type="button" data-testid="viewer-clear" onClick={clear}>Clear</button>
        {model.task.spec.dataset.name === 'mnist' && (
          <button type="button" data-testid="viewer-run-heldout" disabled={runner === undefined || heldOut === 'running'} onClick={() => { void runHeldOut() }}>
            Score the held-out MNIST digits
          </button>
        )}
      </div>
      {scores !== undefined && <Prediction scores={scores} />}
      {heldOut === 'running' && <p className="pending">Scoring the held-out digits…</p>}
      {heldOut !== undefined && heldOut !== 'running' && (
        <p>
          Held-out accuracy (ONNX Runtime, {heldOut.count} digits):{' '}
          <strong data-testid="viewer-accuracy" data-accuracy={String(heldOut.accuracy)}>{formatFraction(heldOut.accuracy)}</strong>
        </p>
      )}
      {problem !== undefined && <p className="error" role="alert" data-testid="viewer-problem">{problem}</p>}
    </div>
  )
}
