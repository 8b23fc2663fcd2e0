import { getContract, type Address, type PublicClient, type WalletClient } from 'viem'
import type { NetworkConfig } from '../core/networkConfig.ts'
import {
  ConsensusVerifierAbi,
  MLBTokenAbi,
  ModelRegistryAbi,
  RewardDistributorAbi,
  TaskManagerAbi,
  type ContractName
} from './generated/abis.ts'

/** The deployed protocol: one address per contract (what `deployContracts` and `stack.json` give). */
export type ProtocolContracts = Readonly<Record<ContractName, Address>>

export const PROTOCOL_CONTRACT_NAMES = [
  'MLBToken', 'TaskManager', 'ConsensusVerifier', 'RewardDistributor', 'ModelRegistry'
] as const satisfies readonly ContractName[]

export class MissingContractError extends Error {
  override name = 'MissingContractError'
  constructor (readonly missing: string[]) {
    super(`The network configuration has no address for ${missing.join(', ')}. Redeploy the contracts or fix the "contracts" map.`)
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
 * Typed `getContract` instances for every protocol contract. Give a wallet client to get `write`
 * methods; reads always go through the public client.
 */
export function getProtocolContracts<
  TPublic extends PublicClient,
  TWallet extends WalletClient | undefined = undefined
> (contracts: ProtocolContracts, clients: { publicClient: TPublic, walletClient?: TWallet }) {
  const client = (clients.walletClient === undefined
    ? { public: clients.publicClient }
    : { public: clients.publicClient, wallet: clients.walletClient }) as
    TWallet extends WalletClient ? { public: TPublic, wallet: TWallet } : { public: TPublic }
  return {
    token: getContract({ address: contracts.MLBToken, abi: MLBTokenAbi, client }),
    taskManager: getContract({ address: contracts.TaskManager, abi: TaskManagerAbi, client }),
    verifier: getContract({ address: contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, client }),
    distributor: getContract({ address: contracts.RewardDistributor, abi: RewardDistributorAbi, client }),
    registry: getContract({ address: contracts.ModelRegistry, abi: ModelRegistryAbi, client })
  }
}

