import { describe, expect, it } from 'vitest'
import { MissingContractError, protocolContracts } from './contracts.ts'

const a = (n: number): `0x${string}` => `0x${n.toString(16).padStart(40, '0')}`

describe('protocolContracts', () => {
  it('picks the five protocol addresses out of a config map', () => {
    const contracts = { MLBToken: a(1), TaskManager: a(2), ConsensusVerifier: a(3), RewardDistributor: a(4), ModelRegistry: a(5), ResultChallenges: a(7), DataRegistry: a(8), Other: a(6) }
    expect(protocolContracts({ contracts })).toEqual({ MLBToken: a(1), TaskManager: a(2), ConsensusVerifier: a(3), RewardDistributor: a(4), ModelRegistry: a(5), ResultChallenges: a(7), DataRegistry: a(8) })
  })

  it('names every missing contract', () => {
    expect(() => protocolContracts({ contracts: { MLBToken: a(1), TaskManager: a(2) } })).toThrow(MissingContractError)
    expect(() => protocolContracts({ contracts: { MLBToken: a(1) } })).toThrow('no address for TaskManager, ConsensusVerifier, RewardDistributor, ModelRegistry, ResultChallenges, DataRegistry')
  })
})
