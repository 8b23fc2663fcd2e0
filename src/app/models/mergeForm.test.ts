import { describe, expect, it } from 'vitest'
import { mergeData, type MergeForm } from './mergeForm.ts'

const hash = `0x${'ab'.repeat(32)}`
const good: MergeForm = { modelCid: '0x0171', commitHash: hash, deltaRoot: '', dataHash: hash, accuracy: '91.25', loss: '0.3' }

describe('mergeData', () => {
  it('turns the fields into VersionData: basis points, loss ×1e6, empty hashes as zero', () => {
    expect(mergeData(good)).toEqual({ data: { modelCid: '0x0171', commitHash: hash, deltaRoot: `0x${'0'.repeat(64)}`, dataHash: hash, accuracyBps: 9125, loss: 300000n } })
  })

  it('names the first bad field', () => {
    expect(mergeData({ ...good, modelCid: '' })).toEqual({ problem: 'The model CID must be the published blob\'s binary CID as 0x hex.' })
    expect(mergeData({ ...good, modelCid: '0x017' })).toHaveProperty('problem')
    expect(mergeData({ ...good, commitHash: '0x12' })).toEqual({ problem: 'The commit hash must be 32 bytes of hex (keccak256 of the model blob).' })
    expect(mergeData({ ...good, deltaRoot: '0x1' })).toEqual({ problem: 'The delta root must be 32 bytes of hex, or empty for none.' })
    expect(mergeData({ ...good, accuracy: '101' })).toEqual({ problem: 'The accuracy must be a percentage from 0 to 100.' })
    expect(mergeData({ ...good, loss: '-1' })).toEqual({ problem: 'The loss must be a number of at least 0.' })
  })
})
