import * as tf from '@tensorflow/tfjs'
import { deriveSeed } from '../core/random.ts'

/**
 * Dropout whose mask is new at every training step and yet the same on every replica of a shard.
 * tfjs's own Dropout takes one fixed seed and so draws the same mask at every step; this layer
 * derives each call's seed from the model seed and a call counter, and a model is built fresh for
 * each shard, so replicas count the same calls. Outside training it is the identity.
 */
export class SteppedDropout extends tf.layers.Layer {
  static className = 'MLBSteppedDropout'
  private calls = 0

  constructor (private readonly rate: number, private readonly seed: number, args: { name: string, inputShape?: number[] }) {
    super(args)
  }

  override computeOutputShape (inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape
  }

  override call (inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] as tf.Tensor : inputs
    if (kwargs.training !== true || this.rate === 0) return input
    const seed = deriveSeed(this.seed, 'dropout', this.calls++)
    return tf.tidy(() => {
      const keep = tf.randomUniform(input.shape, 0, 1, 'float32', seed).greaterEqual(this.rate)
      return tf.mul(input, tf.div(tf.cast(keep, input.dtype), 1 - this.rate))
    })
  }

  override getConfig (): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed }
  }
}
