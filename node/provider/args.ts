/**
 * The headless provider's command line: flags parsed with node:util, then completed from the local
 * stack's `stack.json` (rpc, chain id, contracts, relay). Flags win over the stack file.
 */
import { dirname, join } from 'node:path'
import { deploymentOf, type ProtocolContracts } from '../../src/chain/contracts.ts'
import type { NodeBackendRequest } from '../../src/train/nodeBackend.ts'
import { httpUrlFlag, integerFlag, nonEmptyFlag, parseCommandLine, relayFlag, UsageError } from '../cli/args.ts'
import { defaultStackFile, readStackFile } from '../cli/stackFile.ts'

export type ProviderBackend = NodeBackendRequest

export interface ProviderConfig {
  rpcUrl: string
  /** the indexer's REST API, where tasks are picked from; without one every task is read from the chain on each look */
  api?: string
  chainId: number
  contracts: ProtocolContracts
  /** where log reads start (the stack file's `deploymentBlock`) */
  deploymentBlock?: bigint | undefined
  relays: string[]
  keyFile: string
  backend: ProviderBackend
  /** Work on this task only; else pick tasks the way the Contribute switch does. */
  taskId?: bigint
  /** Where the provider's state and blocks live; default `<dataDir>/provider-<address>`. */
  stateDir?: string
  dataDir: string
  /** Exit after one task ends instead of looking for the next. */
  once: boolean
  /** Claim the rewards when a task completes. */
  claim: boolean
  /** Take test tokens from the token's faucet when short of the task's stake. */
  faucet: boolean
}

export const USAGE = `Usage: npm run provider -- --key-file FILE [options]

  --key-file FILE     file holding the account's 0x private key (required; never printed)
  --rpc URL           JSON-RPC endpoint (default: stack.json rpcUrl)
  --api URL           indexer REST API to find tasks with (default: stack.json api; without one,
                      every task is read from the chain on each look)
  --relay MULTIADDR   relay to dial and pin on; repeatable (default: stack.json relayMultiaddr)
  --chain-id N        expected chain id (default: stack.json chainId)
  --stack FILE        stack file (default: $MLBRIDGE_DATA_DIR/stack.json or .mlbridge/stack.json)
  --task ID           work on this task only (default: pick like the Contribute switch)
  --backend NAME      auto (default: webgpu where there is a GPU, else wasm), webgpu, wasm or cpu
  --state-dir DIR     provider state and blocks (default: <data dir>/provider-<address>)
  --once              exit when the task ends instead of looking for the next
  --claim             claim the rewards when a task completes
  --faucet            take test tokens from the token faucet when short of stake (test networks)
  --help              this text`

export interface ParsedFlags {
  help: boolean
  keyFile?: string
  rpc?: string
  api?: string
  relays: string[]
  chainId?: number
  stack?: string
  taskId?: bigint
  backend: ProviderBackend
  stateDir?: string
  once: boolean
  claim: boolean
  faucet: boolean
}

/** Parses argv (without node and script); throws UsageError naming the flag at fault. */
export function parseFlags (argv: readonly string[]): ParsedFlags {
  const values = parseCommandLine(argv, {
    'key-file': { type: 'string' },
    rpc: { type: 'string' },
    api: { type: 'string' },
    relay: { type: 'string', multiple: true },
    'chain-id': { type: 'string' },
    stack: { type: 'string' },
    task: { type: 'string' },
    backend: { type: 'string' },
    'state-dir': { type: 'string' },
    once: { type: 'boolean', default: false },
    claim: { type: 'boolean', default: false },
    faucet: { type: 'boolean', default: false }
  })
  const flags: ParsedFlags = { help: values.help, relays: values.relay ?? [], backend: 'auto', once: values.once, claim: values.claim, faucet: values.faucet }
  if (values['key-file'] !== undefined) flags.keyFile = nonEmptyFlag('--key-file', values['key-file'])
  if (values.rpc !== undefined) flags.rpc = httpUrlFlag('--rpc', values.rpc)
  if (values.api !== undefined) flags.api = httpUrlFlag('--api', values.api)
  for (const relay of flags.relays) relayFlag('--relay', relay)
  if (values['chain-id'] !== undefined) flags.chainId = integerFlag('--chain-id', values['chain-id'], 1)
  if (values.stack !== undefined) flags.stack = nonEmptyFlag('--stack', values.stack)
  if (values.task !== undefined) flags.taskId = BigInt(integerFlag('--task', values.task, 1))
  if (values.backend !== undefined) flags.backend = backendFlag(values.backend)
  if (values['state-dir'] !== undefined) flags.stateDir = nonEmptyFlag('--state-dir', values['state-dir'])
  return flags
}

/**
 * Completes the flags from the stack file. `readStack` returns the file's text, or undefined when
 * it does not exist; a stack file is needed for the contract addresses.
 */
export function resolveConfig (flags: ParsedFlags, opts: { env: NodeJS.ProcessEnv, cwd: string, readStack: (file: string) => string | undefined }): ProviderConfig {
  if (flags.keyFile === undefined) throw new UsageError('--key-file is required: a file holding the account\'s 0x private key')
  const stackFile = flags.stack ?? defaultStackFile(opts.env, opts.cwd)
  const stack = readStackFile(stackFile, opts.readStack)
  const config: ProviderConfig = {
    rpcUrl: flags.rpc ?? stack.rpcUrl,
    chainId: flags.chainId ?? stack.chainId,
    ...deploymentOf(stack),
    relays: flags.relays.length > 0 ? flags.relays : [stack.relayMultiaddr],
    keyFile: flags.keyFile,
    backend: flags.backend,
    dataDir: flags.stack === undefined ? (opts.env.MLBRIDGE_DATA_DIR ?? join(opts.cwd, '.mlbridge')) : dirname(stackFile),
    once: flags.once,
    claim: flags.claim,
    faucet: flags.faucet
  }
  const api = flags.api ?? stack.api
  if (api !== undefined) config.api = api
  if (flags.taskId !== undefined) config.taskId = flags.taskId
  if (flags.stateDir !== undefined) config.stateDir = flags.stateDir
  return config
}

function backendFlag (value: string): ProviderBackend {
  if (value === 'auto' || value === 'webgpu' || value === 'wasm' || value === 'cpu') return value
  if (value === 'webgl') throw new UsageError('--backend webgl only exists in a browser; use auto, webgpu, wasm or cpu')
  throw new UsageError(`--backend must be auto, webgpu, wasm or cpu, got "${value}"`)
}
