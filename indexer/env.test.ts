import { describe, expect, it } from 'vitest'
import { indexerEnv } from './env.ts'

const A = '0x00000000000000000000000000000000000000aa'
const contracts = JSON.stringify({ TaskManager: A, ConsensusVerifier: A, ModelRegistry: A, RewardDistributor: A, DataRegistry: A, ResultChallenges: A, MLBToken: A })

describe('indexerEnv', () => {
  it('reads the chain, addresses and start block its starter sets', () => {
    expect(indexerEnv({ MLBRIDGE_RPC_URL: 'http://127.0.0.1:8545', MLBRIDGE_CHAIN_ID: '31337', MLBRIDGE_CONTRACTS: contracts, MLBRIDGE_START_BLOCK: '7' }))
      .toEqual({ rpcUrl: 'http://127.0.0.1:8545', chainId: 31337, startBlock: 7, pollingIntervalMs: 1000, contracts: { TaskManager: A, ConsensusVerifier: A, ModelRegistry: A, RewardDistributor: A, DataRegistry: A, ResultChallenges: A } })
    expect(indexerEnv({ MLBRIDGE_RPC_URL: 'http://127.0.0.1:8545', MLBRIDGE_WS_URL: 'ws://127.0.0.1:8545', MLBRIDGE_CHAIN_ID: '31337', MLBRIDGE_CONTRACTS: contracts }).wsUrl).toBe('ws://127.0.0.1:8545')
  })

  it('names what is missing or malformed', () => {
    expect(() => indexerEnv({ MLBRIDGE_CHAIN_ID: '1', MLBRIDGE_CONTRACTS: contracts })).toThrow('the indexer needs MLBRIDGE_RPC_URL')
    expect(() => indexerEnv({ MLBRIDGE_RPC_URL: 'x', MLBRIDGE_CHAIN_ID: '1', MLBRIDGE_CONTRACTS: '{' })).toThrow('MLBRIDGE_CONTRACTS must be a JSON object')
    expect(() => indexerEnv({ MLBRIDGE_RPC_URL: 'x', MLBRIDGE_CHAIN_ID: '1', MLBRIDGE_CONTRACTS: JSON.stringify({ TaskManager: A }) })).toThrow('MLBRIDGE_CONTRACTS has no address for ConsensusVerifier')
    expect(() => indexerEnv({ MLBRIDGE_RPC_URL: 'x', MLBRIDGE_CHAIN_ID: 'one', MLBRIDGE_CONTRACTS: contracts })).toThrow('MLBRIDGE_CHAIN_ID must be a non-negative integer, got "one"')
    expect(() => indexerEnv({ MLBRIDGE_RPC_URL: 'x', MLBRIDGE_WS_URL: 'http://127.0.0.1:8545', MLBRIDGE_CHAIN_ID: '1', MLBRIDGE_CONTRACTS: contracts })).toThrow('MLBRIDGE_WS_URL must be a ws:// or wss:// URL, got "http://127.0.0.1:8545"')
  })
})
