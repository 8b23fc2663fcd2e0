/**
 * The referee's command line when it runs alone against a network: flags parsed with node:util,
 * then completed from the network's deployment file (the `mlbridge.config.json` its app is served
 * with) or the local stack's `stack.json`. Flags win over the file. Without any flag, and with an
 * IPC channel, `npm start` runs it instead (node/referee/main.ts).
 */
import { deploymentOf, type ProtocolContracts } from '../../src/chain/contracts.ts'
import { parseNetworkConfig } from '../../src/core/networkConfig.ts'
import { httpUrlFlag, integerFlag, nonEmptyFlag, parseCommandLine, rateFlag, relayFlag, UsageError } from '../cli/args.ts'
import { defaultStackFile, readStackFile } from '../cli/stackFile.ts'

export const USAGE = `Usage: npm run referee -- --key-file FILE [--deployment FILE | --stack FILE] [options]

The referee: settles split shards, audits accepted ones and judges challenges by re-executing
shards, and keeps an evidence report of each judgement on the network's pinner before its
verdict goes on chain. It runs in one of two ways:

  under the local stack   \`npm start\` forks it with no flags and an IPC channel, and hands it
                          the chain, the gateway and the referee account's key over that channel;
                          its evidence goes to the stack's own pinner.
  alone                   against any network, with the flags below: it reads the chain over
                          --rpc, the tasks' artifacts through the trustless --gateway, and pins its
                          evidence reports on the --relay's pinner over libp2p, signed by its
                          account (the pinner takes evidence only from a REFEREE_ROLE account).

Options (running alone):
  --key-file FILE       file holding the referee account's 0x private key (required; never
                        printed); the account must hold REFEREE_ROLE
  --deployment FILE     the network's deployment file: its app's mlbridge.config.json (chainId,
                        rpcUrl, contracts, bootstrap relays, gateway)
  --stack FILE          or a local stack's stack.json (default: $MLBRIDGE_DATA_DIR/stack.json or
                        .mlbridge/stack.json)
  --rpc URL             JSON-RPC endpoint (default: the file's rpcUrl)
  --chain-id N          expected chain id (default: the file's chainId)
  --gateway URL         trustless gateway the artifacts are read from (default: the file's gateway)
  --relay MULTIADDR     relay whose pinner keeps the evidence; repeatable (default: the file's
                        relays)
  --metrics-port P      serve the referee's counters at http://127.0.0.1:P/metrics (Prometheus)
                        and /metrics.json (default: none)
  --audit-rate R        share of accepted shards to audit, from 0 to 1 (default: 1)
  -h, --help            this text

Stops on Ctrl-C or SIGTERM. Exit status: 0 stopped, 1 failed, 2 bad usage.`

export interface RefereeConfig {
  rpcUrl: string
  chainId: number
  contracts: ProtocolContracts
  /** where log reads start (the network file's `deploymentBlock`) */
  deploymentBlock?: bigint | undefined
  /** where the tasks' artifacts are read */
  gateway: string
  /** whose pinners keep the evidence reports, tried in turn */
  relays: string[]
  keyFile: string
  metricsPort?: number
  auditRate?: number
}

export interface RefereeFlags {
  help: boolean
  keyFile?: string
  deployment?: string
  stack?: string
  rpc?: string
  chainId?: number
  gateway?: string
  relays: string[]
  metricsPort?: number
  auditRate?: number
}

/** Parses argv (without node and script); throws UsageError naming the flag at fault. */
export function parseRefereeFlags (argv: readonly string[]): RefereeFlags {
  const values = parseCommandLine(argv, {
    'key-file': { type: 'string' },
    deployment: { type: 'string' },
    stack: { type: 'string' },
    rpc: { type: 'string' },
    'chain-id': { type: 'string' },
    gateway: { type: 'string' },
    relay: { type: 'string', multiple: true },
    'metrics-port': { type: 'string' },
    'audit-rate': { type: 'string' }
  })
  const flags: RefereeFlags = { help: values.help, relays: (values.relay ?? []).map((relay) => relayFlag('--relay', relay)) }
  if (values['key-file'] !== undefined) flags.keyFile = nonEmptyFlag('--key-file', values['key-file'])
  if (values.deployment !== undefined) flags.deployment = nonEmptyFlag('--deployment', values.deployment)
  if (values.stack !== undefined) flags.stack = nonEmptyFlag('--stack', values.stack)
  if (values.rpc !== undefined) flags.rpc = httpUrlFlag('--rpc', values.rpc)
  if (values['chain-id'] !== undefined) flags.chainId = integerFlag('--chain-id', values['chain-id'], 1)
  if (values.gateway !== undefined) flags.gateway = httpUrlFlag('--gateway', values.gateway)
  if (values['metrics-port'] !== undefined) flags.metricsPort = integerFlag('--metrics-port', values['metrics-port'], 1, 65_535)
  if (values['audit-rate'] !== undefined) flags.auditRate = rateFlag('--audit-rate', values['audit-rate'])
  return flags
}

/** What a deployment file or a stack file tells the referee about its network. */
interface NetworkFile {
  file: string
  rpcUrl: string
  chainId: number
  contracts: ProtocolContracts
  deploymentBlock: bigint | undefined
  gateway: string | undefined
  relays: string[]
}

/**
 * Completes the flags from the deployment file, else the stack file. `readFile` returns a file's
 * text, or undefined when it does not exist.
 */
export function resolveRefereeConfig (flags: RefereeFlags, opts: { env: NodeJS.ProcessEnv, cwd: string, readFile: (file: string) => string | undefined }): RefereeConfig {
  if (flags.keyFile === undefined) throw new UsageError('--key-file is required: a file holding the referee account\'s 0x private key')
  if (flags.deployment !== undefined && flags.stack !== undefined) throw new UsageError('--deployment and --stack both name the network: pass one')
  const stackFile = flags.stack ?? defaultStackFile(opts.env, opts.cwd)
  if (flags.deployment === undefined && flags.stack === undefined && opts.readFile(stackFile) === undefined) {
    throw new UsageError(`--deployment is required: name the network's deployment file (its mlbridge.config.json), or --stack FILE; there is no local stack file at ${stackFile}`)
  }
  const network = flags.deployment === undefined ? stackNetwork(stackFile, opts.readFile) : deploymentNetwork(flags.deployment, opts.readFile)
  const gateway = flags.gateway ?? network.gateway
  if (gateway === undefined) throw new UsageError(`--gateway is required: ${network.file} names no gateway to read the tasks' artifacts from`)
  const relays = flags.relays.length > 0 ? flags.relays : network.relays
  if (relays.length === 0) throw new UsageError(`--relay is required: ${network.file} names no relay whose pinner keeps the evidence reports`)
  return {
    rpcUrl: flags.rpc ?? network.rpcUrl,
    chainId: flags.chainId ?? network.chainId,
    contracts: network.contracts,
    deploymentBlock: network.deploymentBlock,
    gateway,
    relays,
    keyFile: flags.keyFile,
    ...(flags.metricsPort === undefined ? {} : { metricsPort: flags.metricsPort }),
    ...(flags.auditRate === undefined ? {} : { auditRate: flags.auditRate })
  }
}

function stackNetwork (file: string, readFile: (file: string) => string | undefined): NetworkFile {
  const stack = readStackFile(file, readFile)
  return { file, rpcUrl: stack.rpcUrl, chainId: stack.chainId, ...deploymentIn(stack, file), gateway: stack.gateway, relays: [stack.relayMultiaddr] }
}

function deploymentNetwork (file: string, readFile: (file: string) => string | undefined): NetworkFile {
  const text = readFile(file)
  if (text === undefined) throw new UsageError(`--deployment: no file at ${file}`)
  let config
  try {
    config = parseNetworkConfig(JSON.parse(text) as unknown, file)
  } catch (error) {
    throw new UsageError(`--deployment: ${file} is not a deployment file (a network's mlbridge.config.json): ${error instanceof Error ? error.message : String(error)}`)
  }
  // a relay the app bootstraps from must name its peer, or the pinner's receipt cannot be checked
  const relays = config.bootstrap.map((relay) => relayFlag(`--deployment: ${file}'s bootstrap`, relay))
  return { file, rpcUrl: config.rpcUrl, chainId: config.chainId, ...deploymentIn(config, file), gateway: config.gateway, relays }
}

function deploymentIn (network: Parameters<typeof deploymentOf>[0], file: string): ReturnType<typeof deploymentOf> {
  try {
    return deploymentOf(network)
  } catch (error) {
    throw new UsageError(`${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
}
