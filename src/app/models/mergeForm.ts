/** The merge form: what the owner types, checked and turned into the registry's VersionData. */
import { isHex, type Hex } from 'viem'
import type { VersionData } from '../../chain/actions/index.ts'

const BYTES32 = /^0x[0-9a-fA-F]{64}$/
const ZERO32: Hex = `0x${'0'.repeat(64)}`

export type MergeForm = Record<'modelCid' | 'commitHash' | 'deltaRoot' | 'dataHash' | 'accuracy' | 'loss', string>

/** The merge form's fields as VersionData (accuracy in percent, loss unscaled), or the first problem in words. */
export function mergeData (form: MergeForm): { data: VersionData } | { problem: string } {
  if (!isHex(form.modelCid) || form.modelCid.length <= 2 || form.modelCid.length % 2 !== 0) return { problem: 'The model CID must be the published blob\'s binary CID as 0x hex.' }
  if (!BYTES32.test(form.commitHash)) return { problem: 'The commit hash must be 32 bytes of hex (keccak256 of the model blob).' }
  for (const [name, value] of [['delta root', form.deltaRoot], ['data hash', form.dataHash]] as const) {
    if (value !== '' && !BYTES32.test(value)) return { problem: `The ${name} must be 32 bytes of hex, or empty for none.` }
  }
  const accuracy = Number(form.accuracy)
  if (form.accuracy === '' || !Number.isFinite(accuracy) || accuracy < 0 || accuracy > 100) return { problem: 'The accuracy must be a percentage from 0 to 100.' }
  const loss = Number(form.loss)
  if (form.loss === '' || !Number.isFinite(loss) || loss < 0) return { problem: 'The loss must be a number of at least 0.' }
  return {
    data: {
      modelCid: form.modelCid as Hex,
      commitHash: form.commitHash as Hex,
      deltaRoot: form.deltaRoot === '' ? ZERO32 : form.deltaRoot as Hex,
      dataHash: form.dataHash === '' ? ZERO32 : form.dataHash as Hex,
      accuracyBps: Math.round(accuracy * 100),
      loss: BigInt(Math.round(loss * 1e6))
    }
  }
}
