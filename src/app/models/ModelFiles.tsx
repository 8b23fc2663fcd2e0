import { useState } from 'react'
import { explainError } from '../../chain/explainError.ts'
import { saveFile } from './download.ts'
import { tfjsModelFiles } from './tfjsExport.ts'
import type { VersionModel } from './versionModel.ts'

/** Downloads of a checked version: a tfjs layers model (model.json + weights) and an ONNX file. */
export function ModelFiles ({ versionId, model }: { versionId: bigint, model: VersionModel }): React.JSX.Element {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const base = `version-${versionId}`
  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      await work()
    } catch (e) {
      setError(explainError(e))
    } finally {
      setBusy(false)
    }
  }
  const downloadTfjs = async (): Promise<void> => {
    const weightsFile = `${base}.weights.bin`
    const files = await tfjsModelFiles(model.task.architecture, model.weights, weightsFile)
    saveFile(files.modelJson, `${base}.model.json`, 'application/json')
    saveFile(files.weights, weightsFile, 'application/octet-stream')
  }
  const downloadOnnx = async (): Promise<void> => {
    const { exportOnnx } = await import('../../train/onnx/exportOnnx.ts')
    saveFile(exportOnnx(model.task.architecture, model.weights, { docString: `ML Bridge version ${versionId}` }), `${base}.onnx`, 'application/octet-stream')
  }
  return (
    <div data-testid="model-files">
      <div className="row">
        <button type="button" data-testid="download-tfjs" disabled={busy} onClick={() => { void run(downloadTfjs) }}>Download tfjs model</button>
        <button type="button" data-testid="download-onnx" disabled={busy} onClick={() => { void run(downloadOnnx) }}>Download ONNX</button>
      </div>
      {model.task.architecture.transformer === undefined
        ? (
            <p className="muted">
              The tfjs model is two files: keep them in one folder and load <code>{base}.model.json</code> with <code>tf.loadLayersModel</code>.
              The ONNX file takes <code>input</code> [batch, {model.task.architecture.inputShape.join(', ')}] and gives <code>probabilities</code>.
            </p>
          )
        : (
            <p className="muted">
              The tfjs files are the weights with a standard manifest (<code>tf.io.loadWeights</code>) and the transformer&apos;s shape as the topology.
              The ONNX file takes <code>input</code> [batch, {model.task.architecture.inputShape.join(', ')}] token ids (the task&apos;s vocabulary, as floats)
              and gives <code>logits</code> and <code>probabilities</code> [batch, {model.task.architecture.inputShape.join(', ')}, {model.task.architecture.classes}]: position i predicts the character after it.
            </p>
          )}
      {error !== undefined && <p className="error" role="alert" data-testid="download-error">{error}</p>}
    </div>
  )
}
