import type { Address } from 'viem'
import { MLBridgeError } from '../core/errors.ts'
import type { NetworkConfig } from '../core/networkConfig.ts'
import type { ContractName } from './generated/abis.ts'

/** The deployed protocol: one address per contract (what `deployContracts` and `stack.json` give). */
export type ProtocolContracts = Readonly<Record<ContractName, Address>>

export const PROTOCOL_CONTRACT_NAMES = [
  'MLBToken', 'TaskManager', 'ConsensusVerifier', 'RewardDistributor', 'ModelRegistry', 'ResultChallenges', 'DataRegistry'
] as const satisfies readonly ContractName[]

export class MissingContractError extends MLBridgeError {
  override name = 'MissingContractError'
  constructor (readonly missing: string[]) {
    super('CONTRACT_ADDRESS_MISSING', `The network configuration has no address for ${missing.join(', ')}. Redeploy the contracts or fix the "contracts" map.`)
  }
}

/** Picks the protocol's addresses out of a network config's `contracts` map; fails naming what is missing. */
export function protocolContracts (config: Pick<NetworkConfig, 'contracts'> | { contracts: Record<string, Address> }): ProtocolContracts {
  const contracts: Record<string, Address | undefined> = config.contracts
  const missing = PROTOCOL_CONTRACT_NAMES.filter((name) => contracts[name] === undefined)
  if (missing.length > 0) throw new MissingContractError(missing)
  return Object.fromEntries(PROTOCOL_CONTRACT_NAMES.map((name) => [name, contracts[name] as Address])) as ProtocolContracts
}

/**
 * A network config's deployment, as a read context carries it: the protocol's addresses and the
 * block they were deployed in, where log reads start.
 */
export function deploymentOf (config: { contracts: Record<string, Address>, deploymentBlock?: number | undefined }): { contracts: ProtocolContracts, deploymentBlock: bigint | undefined } {
  return { contracts: protocolContracts(config), deploymentBlock: config.deploymentBlock === undefined ? undefined : BigInt(config.deploymentBlock) }
}
