/** What the trainer and evaluator workers expose over comlink; shared by workers and clients. */
import type { Architecture } from '../core/architecture.ts'
import type { WeightSet } from '../core/tensors.ts'
import type { BackendChoice, BackendName } from './backendChoice.ts'
import type { Dataset } from './data/dataset.ts'
import type { OrtProvider } from './onnx/runOnnx.ts'
import type { Scores } from './scores.ts'
import type { TrainProgress, TrainRequest, TrainShardResult } from './trainShard.ts'

/** A shard: given samples, or indices into the bundled MNIST training split (the worker loads it). */
export type ShardData =
  | { kind: 'samples', data: Dataset }
  | { kind: 'mnist', indices: ArrayLike<number> }

export interface TrainJob extends TrainRequest<ShardData> {
  /** names the job for `cancel` */
  id: string
  progressIntervalMs?: number
}

export interface SelectBackendRequest {
  architecture?: Architecture
  override?: BackendName
  /** the pick the main thread remembered for this kind of model */
  remembered?: BackendName
  candidates?: BackendName[]
}

export interface TrainerApi {
  selectBackend: (request: SelectBackendRequest) => Promise<BackendChoice>
  /** `onProgress` is a comlink proxy; the result's delta buffer is transferred, not copied */
  train: (job: TrainJob, onProgress?: (progress: TrainProgress) => void) => Promise<TrainShardResult>
  cancel: (id: string) => void
  /** the volunteer's share of the device (0.1 to 1) for this and later jobs: training sleeps between batches for the rest */
  setShare: (share: number) => void
  /** version 0 of a model: its seeded initial weights (needs a backend selected first) */
  initialWeights: (architecture: Architecture, seed: number) => Promise<WeightSet>
}

/** Held-out data to score a version on: given samples, or the bundled MNIST test split. */
export type EvaluationData =
  | { kind: 'samples', data: Dataset }
  | { kind: 'mnist-test' }

export interface EvaluateJob {
  architecture: Architecture
  weights: WeightSet
  data: EvaluationData
  /** tried in order; default WebGPU (where the browser has it), then WASM */
  providers?: OrtProvider[]
}

export interface Evaluation extends Scores {
  provider: OrtProvider
  onnxBytes: number
  durationMs: number
}

export interface EvaluatorApi {
  evaluate: (job: EvaluateJob) => Promise<Evaluation>
  /** the version as an ONNX file (transferred) */
  exportOnnx: (architecture: Architecture, weights: WeightSet) => Promise<Uint8Array>
}
