import { errorKind } from '../core/errors.ts'

/** Every error the training engine raises on purpose, so callers can tell bad input from bugs. */
export class TrainError extends errorKind('TRAIN') {
  override name = 'TrainError'
}

/** Weights that do not fit the model: a missing, extra or wrongly shaped tensor. */
export class WeightMismatchError extends TrainError {
  override name = 'WeightMismatchError'
  override readonly code: string = 'WEIGHT_MISMATCH'
}

/** A data set file that cannot be parsed; `location` names the row or file. */
export class DataFormatError extends TrainError {
  override name = 'DataFormatError'
  override readonly code: string = 'DATA_FORMAT'
  constructor (readonly location: string, detail: string) {
    super(`${location}: ${detail}`)
  }
}

/** No requested backend could be initialised on this device. */
export class BackendUnavailableError extends TrainError {
  override name = 'BackendUnavailableError'
  override readonly code: string = 'BACKEND_UNAVAILABLE'
}

/** Training stopped because its AbortSignal fired. */
export class TrainingCancelledError extends TrainError {
  override name = 'TrainingCancelledError'
  override readonly code: string = 'TRAINING_CANCELLED'
  constructor () {
    super('training was cancelled')
  }
}
