import { describe, expect, it } from 'vitest'
import type { ProtocolEvent } from '../protocolEvents.ts'
import { selectTaskEvents } from './readTaskEvents.ts'

const protocolEvent = (contract: ProtocolEvent['contract'], eventName: string, args: Record<string, unknown>): ProtocolEvent =>
  ({ contract, eventName, args, blockNumber: 1n, transactionHash: `0x${'ab'.repeat(32)}`, logIndex: 0 }) as unknown as ProtocolEvent

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
      protocolEvent('RewardDistributor', 'ReputationChanged', { provider: '0x', reputation: 1, delta: 1n })
    ]
    const kept = selectTaskEvents(events, 1n).map((e) => `${e.eventName}${'versionId' in e.args ? ` v${e.args.versionId}` : ''}`)
    expect(kept).toEqual(['TaskCreated', 'VersionRegistered v3', 'VersionProposed v3', 'VersionFinalized v3', 'HeadMoved'])
  })
})
