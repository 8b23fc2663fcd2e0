import * as tf from '@tensorflow/tfjs'
import type { TrainingSpec } from '../core/taskSpec.ts'

export type OptimizerSpec = Pick<TrainingSpec, 'optimizer' | 'learningRate'>

/** The task's inner optimizer, fresh for each shard (its state never crosses rounds). */
export function makeOptimizer (training: OptimizerSpec): tf.Optimizer {
  return training.optimizer === 'adam' ? tf.train.adam(training.learningRate) : tf.train.sgd(training.learningRate)
}
