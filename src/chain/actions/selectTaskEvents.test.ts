import { describe, expect, it } from 'vitest'
import { protocolEvent, txHash } from '../../testing/taskEvents.ts'
import { selectTaskEvents } from './selectTaskEvents.ts'
import { resultKeyOf } from './resultRef.ts'

const A = '0x00000000000000000000000000000000000000aa'

describe('selectTaskEvents', () => {
  it('keeps events naming the task and the registry events of its versions only', () => {
    const events = [
      protocolEvent('TaskManager', 'TaskCreated', { taskId: 1n, creator: '0x', modelId: 1n, initialVersionId: 1n, specCid: '0x', datasetCid: '0x', escrow: 0n }),
      protocolEvent('TaskManager', 'TaskCreated', { taskId: 2n, creator: '0x', modelId: 2n, initialVersionId: 2n, specCid: '0x', datasetCid: '0x', escrow: 0n }),
      protocolEvent('MLBToken', 'Transfer', { from: '0x', to: '0x', value: 1n }),
      protocolEvent('ModelRegistry', 'VersionRegistered', { versionId: 3n, modelId: 1n }),
      protocolEvent('ModelRegistry', 'VersionProposed', { versionId: 3n, taskId: 1n, round: 0n, aggregator: '0x', signature: '0x' }),
      protocolEvent('ModelRegistry', 'VersionFinalized', { versionId: 3n, modelId: 1n }),
      protocolEvent('ModelRegistry', 'VersionFinalized', { versionId: 4n, modelId: 2n }),
      protocolEvent('ModelRegistry', 'HeadMoved', { modelId: 1n, from: 1n, to: 3n, rollback: false }),
      // a fork of version 3 rolled back to it: the fork's history
      protocolEvent('ModelRegistry', 'HeadMoved', { modelId: 5n, from: 6n, to: 3n, rollback: true }),
      protocolEvent('RewardDistributor', 'ReputationChanged', { provider: '0x', reputation: 1, delta: 1n })
    ]
    const kept = selectTaskEvents(events, 1n).map((e) => `${e.eventName}${'versionId' in e.args ? ` v${e.args.versionId}` : ''}`)
    expect(kept).toEqual(['TaskCreated', 'VersionRegistered v3', 'VersionProposed v3', 'VersionFinalized v3', 'HeadMoved'])
  })

  it("keeps the distributor's side of the task's slashes, their fraud proofs and the closing of its result challenges", () => {
    const ref = { taskId: 1n, round: 0n, shard: 0n, attempt: 0n, replica: 1n }
    const otherRef = { ...ref, taskId: 2n }
    const key = (r: typeof ref): string => resultKeyOf({ taskId: r.taskId, round: 0, shard: 0, attempt: 0, replica: 1 })
    const slash = (r: typeof ref, tx: number) => [
      protocolEvent('ResultChallenges', 'InvalidDeltaProven', { resultKey: key(r), prover: A, reporter: A, deltaHash: '0x' }, { transactionHash: txHash(tx) }),
      protocolEvent('RewardDistributor', 'EarningsForfeited', { provider: A, amount: 1n }, { transactionHash: txHash(tx) }),
      protocolEvent('RewardDistributor', 'Slashed', { provider: A, amount: 1n, burned: 1n, reporter: A, reporterShare: 0n }, { transactionHash: txHash(tx) }),
      protocolEvent('ConsensusVerifier', 'ResultSlashed', { ...r, provider: A, reason: 0, evidence: '0x', amount: 1n }, { transactionHash: txHash(tx) })
    ]
    const events = [
      protocolEvent('ResultChallenges', 'ResultChallenged', { ...ref, challenger: A, bond: 1n, resolveBy: 9n }),
      protocolEvent('ResultChallenges', 'ResultChallenged', { ...otherRef, challenger: A, bond: 1n, resolveBy: 9n }),
      protocolEvent('ResultChallenges', 'ResultChallengeResolved', { resultKey: key(ref), challenger: A, upheld: true }, { transactionHash: txHash(1) }),
      ...slash(ref, 1),
      protocolEvent('ResultChallenges', 'ResultChallengeExpired', { resultKey: key(otherRef), challenger: A }),
      ...slash(otherRef, 2),
      protocolEvent('RewardDistributor', 'Claimed', { account: A, amount: 1n }, { transactionHash: txHash(1) })
    ]
    const kept = selectTaskEvents(events, 1n).map((e) => `${e.eventName}${'taskId' in e.args ? ` t${e.args.taskId}` : ''}`)
    expect(kept).toEqual(['ResultChallenged t1', 'ResultChallengeResolved', 'InvalidDeltaProven', 'EarningsForfeited', 'Slashed', 'ResultSlashed t1'])
  })
})
