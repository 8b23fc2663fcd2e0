/** Every error the training engine raises on purpose, so callers can tell bad input from bugs. */
export class TrainError extends Error {
  override name = 'TrainError'
}

/** A model spec (template or tfjs layers JSON) that the engine cannot build or export. */
export class ModelSpecError extends TrainError {
  override name = 'ModelSpecError'
}

/** Weights that do not fit the model: a missing, extra or wrongly shaped tensor. */
export class WeightMismatchError extends TrainError {
  override name = 'WeightMismatchError'
}

/** A data set file that cannot be parsed; `location` names the row or file. */
export class DataFormatError extends TrainError {
  override name = 'DataFormatError'
  constructor (readonly location: string, detail: string) {
    super(`${location}: ${detail}`)
  }
}

/** No requested backend could be initialised on this device. */
export class BackendUnavailableError extends TrainError {
  override name = 'BackendUnavailableError'
}

/** Training stopped because its AbortSignal fired. */
export class TrainingCancelledError extends TrainError {
  override name = 'TrainingCancelledError'
  constructor () {
    super('training was cancelled')
  }
}
