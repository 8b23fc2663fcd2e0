import { useState } from 'react'
import { explainError } from '../../chain/explainError.ts'
import { generateText } from '../../core/lm/generate.ts'
import type { ModelRunner } from './modelRunner.ts'
import { startTfjsRunner } from './tfjsRunner.ts'
import type { VersionModel } from './versionModel.ts'

type Runtime = 'onnx' | 'tfjs'

/** A prompt, sampling settings and the text the version writes, with ONNX Runtime Web or tfjs. */
export function TextGenerator ({ runner, model }: { runner: ModelRunner | undefined, model: VersionModel }): React.JSX.Element {
  const spec = model.task.spec.model
  const vocabulary = 'vocabulary' in spec ? spec.vocabulary : []
  const context = model.task.architecture.inputShape[0] as number
  const [prompt, setPrompt] = useState(() => vocabulary.includes('T') && vocabulary.includes('h') && vocabulary.includes('e') ? 'The ' : vocabulary.slice(0, 1).join(''))
  const [temperature, setTemperature] = useState('0.8')
  const [topK, setTopK] = useState('10')
  const [length, setLength] = useState('120')
  const [seed, setSeed] = useState('1')
  const [runtime, setRuntime] = useState<Runtime>('onnx')
  const [tfjs, setTfjs] = useState<ModelRunner>()
  const [out, setOut] = useState<{ text: string, runtime: Runtime, ms: number } | 'running'>()
  const [problem, setProblem] = useState<string>()

  const generate = async (): Promise<void> => {
    setProblem(undefined)
    setOut('running')
    const started = performance.now()
    try {
      let run = runtime === 'onnx' ? runner : tfjs
      if (run === undefined && runtime === 'tfjs') {
        run = await startTfjsRunner(model.task.architecture, model.weights)
        setTfjs(run)
      }
      if (run === undefined) throw new Error('ONNX Runtime is still starting')
      const text = await generateText({
        vocabulary, context, prompt,
        length: Number(length), temperature: Number(temperature), topK: Number(topK), seed: Number(seed) >>> 0,
        predict: run.predict
      })
      setOut({ text, runtime, ms: performance.now() - started })
    } catch (e) {
      setOut(undefined)
      setProblem(explainError(e))
    }
  }

  return (
    <div>
      <p className="muted">The model continues your prompt one character at a time ({vocabulary.length} characters in its vocabulary, {context} characters of context).</p>
      <label className="wizard-field wide">
        <span>Prompt</span>
        <textarea data-testid="viewer-prompt" rows={2} value={prompt} onChange={(e) => { setPrompt(e.target.value) }} />
      </label>
      <div className="row">
        <label className="wizard-field"><span>Temperature</span><input type="number" step="0.1" min="0" data-testid="viewer-temperature" value={temperature} onChange={(e) => { setTemperature(e.target.value) }} /></label>
        <label className="wizard-field"><span>Top-k (0: all)</span><input type="number" min="0" data-testid="viewer-top-k" value={topK} onChange={(e) => { setTopK(e.target.value) }} /></label>
        <label className="wizard-field"><span>Length</span><input type="number" min="1" data-testid="viewer-length" value={length} onChange={(e) => { setLength(e.target.value) }} /></label>
        <label className="wizard-field"><span>Seed</span><input type="number" min="0" data-testid="viewer-seed" value={seed} onChange={(e) => { setSeed(e.target.value) }} /></label>
        <label className="wizard-field">
          <span>Runtime</span>
          <select data-testid="viewer-runtime" value={runtime} onChange={(e) => { setRuntime(e.target.value as Runtime) }}>
            <option value="onnx">ONNX Runtime Web</option>
            <option value="tfjs">TensorFlow.js</option>
          </select>
        </label>
      </div>
      <button type="button" data-testid="viewer-generate" disabled={out === 'running' || (runtime === 'onnx' && runner === undefined)} onClick={() => { void generate() }}>Generate</button>
      {out === 'running' && <p className="pending">Generating…</p>}
      {out !== undefined && out !== 'running' && (
        <>
          <pre className="viewer-text" data-testid="viewer-generated" data-runtime={out.runtime}>{out.text}</pre>
          <p className="muted">{out.runtime === 'onnx' ? 'ONNX Runtime Web' : 'TensorFlow.js'}, {(out.ms / 1000).toFixed(1)} s.</p>
        </>
      )}
      {problem !== undefined && <p className="error" role="alert" data-testid="viewer-problem">{problem}</p>}
    </div>
  )
}
