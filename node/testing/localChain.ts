/**
 * A private chain for integration tests: anvil on a port of its own choosing, the real contracts
 * deployed by the Foundry script, and viem clients for anvil's dev accounts.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPublicClient, createTestClient, createWalletClient, http, parseEther, type Address, type EIP1193RequestFn, type PublicClient, type TestClient, type Transport } from 'viem'
import { mnemonicToAccount, type HDAccount } from 'viem/accounts'
import { protocolChain } from '../../src/chain/chain.ts'
import type { WriteContext } from '../../src/chain/actions/index.ts'
import { deploymentOf, type ProtocolContracts } from '../../src/chain/contracts.ts'
import { DEV_MNEMONIC } from '../../src/chain/devAccounts.ts'
import { LOCAL_CHAIN_ID } from '../../src/core/networkConfig.ts'
import { startAnvil } from '../anvil.ts'
import { deployContracts } from '../deploy.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface LocalChain {
  rpcUrl: string
  wsUrl: string
  contracts: ProtocolContracts
  /** The TimelockController that holds governance (the deployer keeps no role) */
  governance: Address
  publicClient: PublicClient
  testClient: TestClient
  /**
   * Clients acting as the dev mnemonic's account `index` (anvil funds the first ten: `fund` the
   * others). With `onRequest`, the account gets clients of its own that report each JSON-RPC
   * request they send (its method), as a volunteer's own RPC endpoint would see them.
   */
  ctxOf: (index: number, opts?: { onRequest?: (method: string) => void }) => WriteContext
  /** Gives the dev mnemonic's account `index` 10,000 ETH for gas. */
  fund: (index: number) => Promise<void>
  /** Moves chain time forward and mines a block, so windows that depend on time can close. */
  timeTravel: (seconds: number) => Promise<void>
  /**
   * Mines a block at `timestamp` or later. Not `timeTravel(timestamp - latest)`: chain time runs
   * ahead of the clock that `timeTravel` adds to when blocks come faster than one a second.
   */
  timeTravelTo: (timestamp: bigint) => Promise<void>
  stop: () => Promise<void>
}

/** The dev mnemonic's account `index`, past the ten the app offers as dev wallets too. */
function mnemonicAccount (index: number): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index })
}

/** `transport`, telling `onRequest` the method of every request sent through it. */
function countedTransport (transport: Transport, onRequest: (method: string) => void): Transport {
  return (params) => {
    const inner = transport(params)
    const request = (async (args: { method: string }, options?: unknown) => {
      onRequest(args.method)
      return await inner.request(args as never, options as never)
    }) as EIP1193RequestFn
    return { ...inner, request }
  }
}

/**
 * A chain starts in about a second (anvil, then the deploy script). In CI a start has hung past a
 * test file's two-minute hook now and then, in a step nothing else bounds under that; so each step
 * has its own deadline, and a start that misses one is tried once more on a fresh anvil, saying why.
 */
const ANVIL_TIMEOUT_MS = 20_000
const DEPLOY_TIMEOUT_MS = 30_000

export async function startLocalChain (): Promise<LocalChain> {
  try {
    return await startLocalChainOnce()
  } catch (error) {
    console.warn(`the local chain did not start; trying once more on a fresh anvil: ${(error instanceof Error ? error.message : String(error)).slice(0, 4_000)}`)
    return await startLocalChainOnce()
  }
}

async function startLocalChainOnce (): Promise<LocalChain> {
  const anvil = await startAnvil({ root, host: '127.0.0.1', port: 0, chainId: LOCAL_CHAIN_ID, timeoutMs: ANVIL_TIMEOUT_MS })
  const dataDir = await mkdtemp(join(tmpdir(), 'mlb-chain-'))
  const stop = async (): Promise<void> => {
    await anvil.stop()
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5 })
  }
  try {
    const deployed = await deployContracts({ root, rpcUrl: anvil.rpcUrl, chainId: LOCAL_CHAIN_ID, dataDir, timeoutMs: DEPLOY_TIMEOUT_MS })
    const { contracts, deploymentBlock } = deploymentOf(deployed)
    const governance = deployed.contracts.TimelockController
    if (governance === undefined) throw new Error('the deployment created no TimelockController')
    const chain = protocolChain({ chainId: LOCAL_CHAIN_ID, rpcUrl: anvil.rpcUrl, name: 'anvil' })
    const transport = http(anvil.rpcUrl, { retryCount: 0 })
    const publicClient = createPublicClient({ chain, transport, pollingInterval: 20 })
    const testClient = createTestClient({ mode: 'anvil', chain, transport })
    return {
      rpcUrl: anvil.rpcUrl,
      wsUrl: anvil.wsUrl,
      contracts,
      governance,
      publicClient,
      testClient,
      ctxOf: (index, opts = {}) => {
        const own = opts.onRequest === undefined ? transport : countedTransport(transport, opts.onRequest)
        return {
          publicClient: own === transport ? publicClient : createPublicClient({ chain, transport: own, pollingInterval: 20 }),
          contracts,
          deploymentBlock,
          walletClient: createWalletClient({ account: mnemonicAccount(index), chain, transport: own, pollingInterval: 20 })
        }
      },
      fund: async (index) => { await testClient.setBalance({ address: mnemonicAccount(index).address, value: parseEther('10000') }) },
      timeTravel: async (seconds) => {
        await testClient.increaseTime({ seconds })
        await testClient.mine({ blocks: 1 })
      },
      timeTravelTo: async (timestamp) => {
        if ((await publicClient.getBlock({ blockTag: 'latest' })).timestamp >= timestamp) return
        await testClient.setNextBlockTimestamp({ timestamp })
        await testClient.mine({ blocks: 1 })
      },
      stop
    }
  } catch (error) {
    await stop()
    throw error
  }
}
