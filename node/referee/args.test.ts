import { describe, expect, it } from 'vitest'
import { main } from './main.ts'
import { parseRefereeFlags, resolveRefereeConfig } from './args.ts'
import { PLACEHOLDER_CONTRACTS, usageError } from '../testing/cliArgs.ts'

const contracts = PLACEHOLDER_CONTRACTS
const RELAY = '/ip4/127.0.0.1/tcp/4003/ws/p2p/12D3KooWRelay'
const stack = JSON.stringify({ appUrl: 'http://localhost:5173', rpcUrl: 'http://127.0.0.1:8545', gateway: 'http://127.0.0.1:8080', chainId: 31337, relayMultiaddr: RELAY, contracts })
/** a public network's mlbridge.config.json */
const deployment = JSON.stringify({
  chainId: 84532, rpcUrl: 'https://rpc.example', contracts, gateway: 'https://gateway.example',
  bootstrap: ['/dns4/relay.example/tcp/443/wss/p2p/12D3KooWA', '/dns4/relay2.example/tcp/443/wss/p2p/12D3KooWB']
})

const resolve = (argv: string[], files: Record<string, string> = { '/data/stack.json': stack, '/net/config.json': deployment }) =>
  resolveRefereeConfig(parseRefereeFlags(argv), { env: { MLBRIDGE_DATA_DIR: '/data' }, cwd: '/repo', readFile: (file) => files[file] })

describe('referee arguments (running alone)', () => {
  it('takes the network from a deployment file: rpc, chain id, contracts, its relays and gateway', () => {
    const config = resolve(['--key-file', 'k', '--deployment', '/net/config.json'])
    expect(config).toEqual({
      rpcUrl: 'https://rpc.example', chainId: 84532, contracts, gateway: 'https://gateway.example',
      relays: ['/dns4/relay.example/tcp/443/wss/p2p/12D3KooWA', '/dns4/relay2.example/tcp/443/wss/p2p/12D3KooWB'], keyFile: 'k'
    })
  })

  it('takes it from the local stack file by default, or the one --stack names', () => {
    expect(resolve(['--key-file', 'k'])).toMatchObject({ rpcUrl: 'http://127.0.0.1:8545', chainId: 31337, gateway: 'http://127.0.0.1:8080', relays: [RELAY] })
    expect(resolve(['--key-file', 'k', '--stack', '/s.json'], { '/s.json': stack }).relays).toEqual([RELAY])
  })

  it('lets flags override the file', () => {
    const config = resolve([
      '--key-file', 'k', '--deployment', '/net/config.json', '--rpc', 'http://10.0.0.1:8545', '--chain-id', '5', '--gateway', 'http://10.0.0.2:8080',
      '--relay', '/ip4/10.0.0.3/tcp/4003/ws/p2p/12D3C', '--metrics-port', '9465', '--audit-rate', '0.25'
    ])
    expect(config).toMatchObject({ rpcUrl: 'http://10.0.0.1:8545', chainId: 5, gateway: 'http://10.0.0.2:8080', relays: ['/ip4/10.0.0.3/tcp/4003/ws/p2p/12D3C'], metricsPort: 9465, auditRate: 0.25 })
  })

  it('names the flag at fault', () => {
    expect(usageError(() => resolve([]))).toMatch(/--key-file is required/)
    expect(usageError(() => resolve(['--key-file']))).toMatch(/--key-file needs a value/)
    expect(usageError(() => resolve(['--key', '0xabc']))).toMatch(/unknown option --key/)
    expect(usageError(() => resolve(['--key-file', 'k', '--deployment', '/net/config.json', '--stack', '/data/stack.json']))).toMatch(/--deployment and --stack both name the network: pass one/)
    expect(usageError(() => resolve(['--key-file', 'k', '--rpc', 'ftp://x']))).toMatch(/--rpc must be an http/)
    expect(usageError(() => resolve(['--key-file', 'k', '--gateway', 'nowhere']))).toMatch(/--gateway must be a URL/)
    expect(usageError(() => resolve(['--key-file', 'k', '--relay', '/ip4/127.0.0.1/tcp/4003']))).toMatch(/--relay must be a full multiaddr/)
    expect(usageError(() => resolve(['--key-file', 'k', '--chain-id', '0']))).toMatch(/--chain-id must be an integer of at least 1, got '0'/)
    expect(usageError(() => resolve(['--key-file', 'k', '--metrics-port', '70000']))).toMatch(/--metrics-port must be an integer from 1 to 65535/)
    expect(usageError(() => resolve(['--key-file', 'k', '--audit-rate', '2']))).toMatch(/--audit-rate must be a number from 0 to 1, got "2"/)
  })

  it('says which file lacks what, and where none was found', () => {
    expect(usageError(() => resolve(['--key-file', 'k'], {}))).toMatch(/--deployment is required: .* or --stack FILE; there is no local stack file at \/data\/stack.json/)
    expect(usageError(() => resolve(['--key-file', 'k', '--stack', '/s.json'], {}))).toMatch(/no stack file at \/s.json/)
    expect(usageError(() => resolve(['--key-file', 'k', '--deployment', '/none.json'], {}))).toMatch(/--deployment: no file at \/none.json/)
    expect(usageError(() => resolve(['--key-file', 'k', '--deployment', '/d.json'], { '/d.json': '{"chainId":1}' }))).toMatch(/--deployment: \/d.json is not a deployment file .*rpcUrl/)
    const { gateway: _, ...noGateway } = JSON.parse(stack) as Record<string, unknown>
    expect(usageError(() => resolve(['--key-file', 'k'], { '/data/stack.json': JSON.stringify(noGateway) }))).toMatch(/--gateway is required: \/data\/stack.json names no gateway/)
    const noRelays = JSON.stringify({ ...JSON.parse(deployment) as object, bootstrap: [] })
    expect(usageError(() => resolve(['--key-file', 'k', '--deployment', '/d.json'], { '/d.json': noRelays }))).toMatch(/--relay is required: \/d.json names no relay/)
    const { ConsensusVerifier: __, ...fewer } = contracts
    const partial = JSON.stringify({ ...JSON.parse(deployment) as object, contracts: fewer })
    expect(usageError(() => resolve(['--key-file', 'k', '--deployment', '/d.json'], { '/d.json': partial }))).toMatch(/\/d.json: .*ConsensusVerifier/)
  })
})

describe('npm run referee', () => {
  const run = async (argv: string[]): Promise<{ code: number, out: string, err: string }> => {
    const out: string[] = []
    const err: string[] = []
    const code = await main(argv, { env: {}, cwd: '/nowhere', out: { write: (t: string) => out.push(t) }, err: { write: (t: string) => err.push(t) } })
    return { code, out: out.join(''), err: err.join('') }
  }

  it('documents both ways it runs in --help', async () => {
    const { code, out } = await run(['--help'])
    expect(code).toBe(0)
    expect(out).toMatch(/under the local stack {3}`npm start` forks it with no flags and an IPC channel/)
    expect(out).toMatch(/alone {19}against any network/)
    for (const flag of ['--key-file', '--deployment', '--stack', '--rpc', '--chain-id', '--gateway', '--relay', '--metrics-port']) expect(out).toContain(`  ${flag} `)
  })

  it('prints a usage error naming the flag, with the usage, and exits 2', async () => {
    const { code, err } = await run(['--deployment', '/none.json'])
    expect(code).toBe(2)
    expect(err).toMatch(/^referee: --key-file is required/)
    expect(err).toContain('Usage: npm run referee')
  })
})
