/**
 * Settings that fit the size of the data, each with the one line that says why: how much of an
 * upload is held out to score versions, and how many samples one shard trains on.
 */
import { heldOutShare } from '../../provider/uploadedData.ts'
import { DEFAULT_FORM } from './taskForm.ts'

/** Held out from a large upload: a tenth, as the bundled sets do. */
const HOLDOUT_SHARE = 0.1
/** Held-out rows that measure accuracy to about ±3% (a binomial's spread at 50%: √(0.25/250)). */
const MIN_HELD_OUT = 250
/** Beyond this many held-out rows the measure is no sharper, only slower for every provider. */
const MAX_HELD_OUT = 10_000
/** Never hold out more than this share: the rest must still train. */
const MAX_HOLDOUT_SHARE = 0.3
/** The default shard: about a minute of training for the MNIST MLP on a laptop. */
const DEFAULT_SHARD = Number(DEFAULT_FORM.samplesPerShard)

export interface Suggestion { value: string, why: string }

export interface AutoSettings {
  holdoutFraction: Suggestion
  samplesPerShard: Suggestion
}

const count = (n: number): string => n.toLocaleString('en')

/** The held-out share for `rows` samples: a tenth, within bounds that keep the score meaningful. */
export function suggestHoldout (rows: number): Suggestion {
  const wanted = Math.min(MAX_HELD_OUT, Math.max(MIN_HELD_OUT, Math.round(rows * HOLDOUT_SHARE)))
  const share = Math.min(MAX_HOLDOUT_SHARE, wanted / rows)
  // Three decimals are enough; rounding up keeps at least the rows wanted.
  const value = Math.ceil(share * 1000) / 1000
  const held = heldOutShare(rows, value)
  const why = share === MAX_HOLDOUT_SHARE
    ? `${count(held)} of ${count(rows)} rows are held out to score versions: the most that leaves enough to train on, though so few make the score rough.`
    : wanted === MIN_HELD_OUT
      ? `${count(held)} of ${count(rows)} rows are held out to score versions: fewer would make the accuracy too noisy to judge.`
      : wanted === MAX_HELD_OUT
        ? `${count(held)} of ${count(rows)} rows are held out to score versions: enough for a sharp score, and quick for every provider to check.`
        : `A tenth of the ${count(rows)} rows (${count(held)}) is held out to score versions.`
  return { value: String(value), why }
}

/** Samples per shard for `trainRows` training samples cut into `shards` shards a round. */
export function suggestShardLength (trainRows: number, shards: number): Suggestion {
  const each = Math.floor(trainRows / shards)
  if (each >= DEFAULT_SHARD) {
    return { value: String(DEFAULT_SHARD), why: `Each shard trains on ${count(DEFAULT_SHARD)} of the ${count(trainRows)} training rows, drawn afresh every round: about a minute of work per volunteer.` }
  }
  const value = Math.max(1, each)
  return { value: String(value), why: `The ${count(trainRows)} training rows are shared out between ${shards} shards of ${count(value)} each, so every round trains on ${shards * value === trainRows ? 'all of them' : 'nearly all of them'}.` }
}

/** Both settings for `rows` samples in `shards` shards (the held-out share first: the shards come from the rest). */
export function autoSettings (rows: number, shards: number): AutoSettings {
  const holdoutFraction = suggestHoldout(rows)
  const held = heldOutShare(rows, Number(holdoutFraction.value))
  return { holdoutFraction, samplesPerShard: suggestShardLength(rows - held, Math.max(1, shards)) }
}
