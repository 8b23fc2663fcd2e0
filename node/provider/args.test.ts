import { describe, expect, it } from 'vitest'
import { defaultStackFile } from '../cli/stackFile.ts'
import { parseFlags, resolveConfig } from './args.ts'
import { PLACEHOLDER_CONTRACTS, usageError } from '../testing/cliArgs.ts'

const stack = JSON.stringify({
  appUrl: 'http://localhost:5173',
  rpcUrl: 'http://127.0.0.1:8545',
  chainId: 31337,
  relayMultiaddr: '/ip4/127.0.0.1/tcp/4003/ws/p2p/12D3KooWRelay',
  contracts: PLACEHOLDER_CONTRACTS
})

const resolve = (argv: string[], files: Record<string, string> = { '/data/stack.json': stack }, env: NodeJS.ProcessEnv = { MLBRIDGE_DATA_DIR: '/data' }) =>
  resolveConfig(parseFlags(argv), { env, cwd: '/repo', readStack: (file) => files[file] })

describe('provider arguments', () => {
  it('takes rpc, chain id, contracts and relay from the stack file', () => {
    const config = resolve(['--key-file', 'k'])
    expect(config).toMatchObject({
      rpcUrl: 'http://127.0.0.1:8545', chainId: 31337, relays: ['/ip4/127.0.0.1/tcp/4003/ws/p2p/12D3KooWRelay'],
      keyFile: 'k', backend: 'auto', dataDir: '/data', once: false, claim: false, faucet: false
    })
    expect(config.contracts.TaskManager).toBe(`0x${'2'.repeat(40)}`)
    expect(config.taskId).toBeUndefined()
    expect(config.api).toBeUndefined()
  })

  it('finds tasks through the stack file\'s indexer API, or the one --api names', () => {
    const withApi = { '/data/stack.json': JSON.stringify({ ...JSON.parse(stack), api: 'http://127.0.0.1:42069' }) }
    expect(resolve(['--key-file', 'k'], withApi).api).toBe('http://127.0.0.1:42069')
    expect(resolve(['--key-file', 'k', '--api', 'https://indexer.example'], withApi).api).toBe('https://indexer.example')
    expect(usageError(() => resolve(['--key-file', 'k', '--api', 'ftp://x']))).toMatch(/--api must be an http/)
  })

  it('lets flags override the stack file', () => {
    const config = resolve([
      '--key-file', 'k', '--rpc', 'http://127.0.0.1:9999', '--chain-id', '5', '--relay', '/ip4/10.0.0.1/tcp/1/ws/p2p/12D3A', '--relay', '/ip4/10.0.0.2/tcp/1/ws/p2p/12D3B',
      '--task', '7', '--backend', 'cpu', '--state-dir', '/s', '--once', '--claim', '--faucet'
    ])
    expect(config).toMatchObject({
      rpcUrl: 'http://127.0.0.1:9999', chainId: 5, relays: ['/ip4/10.0.0.1/tcp/1/ws/p2p/12D3A', '/ip4/10.0.0.2/tcp/1/ws/p2p/12D3B'],
      taskId: 7n, backend: 'cpu', stateDir: '/s', once: true, claim: true, faucet: true
    })
  })

  it('takes auto, webgpu, wasm or cpu as the backend', () => {
    for (const backend of ['auto', 'webgpu', 'wasm', 'cpu']) expect(resolve(['--key-file', 'k', '--backend', backend]).backend).toBe(backend)
  })

  it('finds the stack file by --stack, then MLBRIDGE_DATA_DIR, then .mlbridge', () => {
    expect(resolve(['--key-file', 'k', '--stack', '/elsewhere/s.json'], { '/elsewhere/s.json': stack }).dataDir).toBe('/elsewhere')
    expect(defaultStackFile({}, '/repo')).toBe('/repo/.mlbridge/stack.json')
    expect(defaultStackFile({ MLBRIDGE_DATA_DIR: '/tmp/d' }, '/repo')).toBe('/tmp/d/stack.json')
  })

  it('names the flag at fault', () => {
    expect(usageError(() => resolve([]))).toMatch(/--key-file is required/)
    expect(usageError(() => resolve(['--key-file', 'k', '--task', 'abc']))).toMatch(/--task must be an integer of at least 1, got 'abc'/)
    expect(usageError(() => resolve(['--key-file', 'k', '--task', '0']))).toMatch(/--task/)
    expect(usageError(() => resolve(['--key-file', 'k', '--chain-id', '-1']))).toMatch(/--chain-id/)
    expect(usageError(() => resolve(['--key-file', 'k', '--rpc', 'not a url']))).toMatch(/--rpc must be a URL/)
    expect(usageError(() => resolve(['--key-file', 'k', '--rpc', 'ftp://x']))).toMatch(/--rpc must be an http/)
    expect(usageError(() => resolve(['--key-file', 'k', '--relay', '/ip4/127.0.0.1/tcp/4003']))).toMatch(/--relay must be a full multiaddr/)
    expect(usageError(() => resolve(['--key-file', 'k', '--backend', 'webgl']))).toMatch(/--backend webgl only exists in a browser/)
    expect(usageError(() => resolve(['--key-file', 'k', '--backend', 'tpu']))).toMatch(/--backend must be auto, webgpu, wasm or cpu, got "tpu"/)
    expect(usageError(() => resolve(['--key-file', 'k', '--backend', '']))).toMatch(/--backend must be auto, webgpu, wasm or cpu, got ""/)
    expect(usageError(() => resolve(['--key-file', 'k', '--backend']))).toMatch(/--backend needs a value/)
    expect(usageError(() => resolve(['--key-file', 'k', '--bogus']))).toMatch(/unknown option --bogus/)
    expect(usageError(() => resolve(['--key-file']))).toMatch(/--key-file needs a value/)
    expect(usageError(() => resolve(['--key-file', 'k', '--once=yes']))).toMatch(/--once takes no value/)
    expect(usageError(() => resolve(['--key-file', 'k', 'extra']))).toMatch(/unexpected argument 'extra'/)
  })

  it('says where the stack file was looked for when there is none, and what is wrong with a bad one', () => {
    expect(usageError(() => resolve(['--key-file', 'k'], {}))).toMatch(/no stack file at \/data\/stack.json/)
    expect(usageError(() => resolve(['--key-file', 'k'], { '/data/stack.json': '{"rpcUrl": 3}' }))).toMatch(/\/data\/stack.json is not a valid stack file: .*rpcUrl/)
  })
})
