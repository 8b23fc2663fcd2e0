import { z } from './zod.ts'
import { MLBridgeError } from './errors.ts'

/**
 * What the app needs to know about the network it joins: the chain, where the contracts live and
 * which libp2p peers to bootstrap from. The local stack derives it from `.mlbridge/stack.json`; a
 * public deployment ships its own file.
 */
export type NetworkConfig = z.infer<typeof networkConfigSchema>

export const LOCAL_CHAIN_ID = 31337

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address')
  .transform((value) => value as `0x${string}`)

const multiaddr = z.string().regex(/^\/(ip4|ip6|dns4|dns6|dnsaddr)\//, 'must be a multiaddr such as /ip4/127.0.0.1/tcp/9090/ws/p2p/…')

export const networkConfigSchema = z.object({
  chainId: z.number().int().positive(),
  chainName: z.string().min(1).default('ML Bridge local'),
  rpcUrl: z.url({ protocol: /^(https?|wss?)$/ }),
  contracts: z.object({ MLBToken: address }).catchall(address),
  /** the block the contracts were deployed in: log reads start there (0, genesis, when left out) */
  deploymentBlock: z.number().int().nonnegative().optional(),
  bootstrap: z.array(multiaddr),
  /** the indexer's REST API: task lists, the market and live figures read from it rather than by scanning the chain */
  api: z.url({ protocol: /^https?$/ }).optional(),
  /** a trustless gateway: models downloaded from it, every block verified, with no libp2p node */
  gateway: z.url({ protocol: /^https?$/ }).optional(),
  /** Browsers refuse to dial private addresses unless told otherwise; only the local stack needs it. */
  allowLoopback: z.boolean().default(false)
})

/** The facts `npm start` writes to `.mlbridge/stack.json` for tools and tests. */
export const stackInfoSchema = z.object({
  appUrl: z.url(),
  rpcUrl: z.url(),
  /** the operator's metrics endpoint; `npm start` always writes it, a stack file made by hand for a provider need not */
  metricsUrl: z.url().optional(),
  /** the pinner's trustless gateway (base URL; content under /ipfs/{cid}); optional for the same reason */
  gateway: z.url({ protocol: /^https?$/ }).optional(),
  /** the indexer's REST base URL and its GraphQL endpoint (base + /graphql); optional for the same reason */
  api: z.url().optional(),
  graphql: z.url().optional(),
  /** the webhook service's base URL (POST /webhooks); optional for the same reason */
  webhooks: z.url({ protocol: /^https?$/ }).optional(),
  chainId: z.number().int().positive(),
  relayMultiaddr: multiaddr,
  contracts: z.object({ MLBToken: address }).catchall(address),
  /** the block the contracts were deployed in; optional for a stack file made by hand */
  deploymentBlock: z.number().int().nonnegative().optional()
})

export type StackInfo = z.infer<typeof stackInfoSchema>

export class InvalidNetworkConfigError extends MLBridgeError {
  override name = 'InvalidNetworkConfigError'
  constructor (readonly source: string, readonly issues: string[], options?: { cause?: unknown }) {
    super('NETWORK_CONFIG_INVALID', `Invalid network configuration in ${source}: ${issues.join('; ')}`, options)
  }
}

function parseWith<T extends z.ZodType> (schema: T, json: unknown, source: string): z.output<T> {
  const result = schema.safeParse(json)
  if (result.success) return result.data
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
  throw new InvalidNetworkConfigError(source, issues, { cause: result.error })
}

export function parseNetworkConfig (json: unknown, source = 'network config'): NetworkConfig {
  return parseWith(networkConfigSchema, json, source)
}

export function parseStackInfo (json: unknown, source = 'stack.json'): StackInfo {
  return parseWith(stackInfoSchema, json, source)
}

/** The local stack is all on loopback, so the browser must be allowed to dial it. */
export function networkConfigFromStack (stack: StackInfo): NetworkConfig {
  return parseNetworkConfig({
    chainId: stack.chainId,
    rpcUrl: stack.rpcUrl,
    contracts: stack.contracts,
    deploymentBlock: stack.deploymentBlock,
    bootstrap: [stack.relayMultiaddr],
    ...(stack.api === undefined ? {} : { api: stack.api }),
    ...(stack.gateway === undefined ? {} : { gateway: stack.gateway }),
    allowLoopback: true
  }, 'stack.json')
}
