/**
 * Ponder's view of the protocol: the six contracts whose events make the tables. ABIs come from
 * the generated bindings (built from contracts/), addresses and chain from the environment.
 */
import { createConfig } from 'ponder'
import { ConsensusVerifierAbi, DataRegistryAbi, ModelRegistryAbi, ResultChallengesAbi, RewardDistributorAbi, TaskManagerAbi } from '../src/chain/generated/abis.ts'
import { indexerEnv } from './env.ts'

const env = indexerEnv(process.env)
const contract = <const A>(abi: A, address: `0x${string}`) => ({ abi, address, chain: 'mlbridge' as const, startBlock: env.startBlock })

export default createConfig({
  // Postgres when DATABASE_URL is set (Ponder reads it itself); PGlite, in the stack's data folder, otherwise.
  ...(process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== ''
    ? { database: { kind: 'postgres' as const } }
    : { database: { kind: 'pglite' as const, ...(env.pgliteDir === undefined ? {} : { directory: env.pgliteDir }) } }),
  // a local chain restarts with the same ID and new blocks: a cached RPC answer would be wrong
  chains: {
    mlbridge: { id: env.chainId, rpc: env.rpcUrl, ...(env.wsUrl === undefined ? {} : { ws: env.wsUrl }), pollingInterval: env.pollingIntervalMs, disableCache: env.chainId === 31337 }
  },
  contracts: {
    TaskManager: contract(TaskManagerAbi, env.contracts.TaskManager),
    ConsensusVerifier: contract(ConsensusVerifierAbi, env.contracts.ConsensusVerifier),
    ModelRegistry: contract(ModelRegistryAbi, env.contracts.ModelRegistry),
    RewardDistributor: contract(RewardDistributorAbi, env.contracts.RewardDistributor),
    DataRegistry: contract(DataRegistryAbi, env.contracts.DataRegistry),
    ResultChallenges: contract(ResultChallengesAbi, env.contracts.ResultChallenges)
  }
})
