import { describe, expect, it } from 'vitest'
import { InvalidNetworkConfigError, networkConfigFromStack, parseNetworkConfig, parseStackInfo } from './networkConfig.ts'

const token = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const relay = '/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3KooWAbc'

describe('parseNetworkConfig', () => {
  it('accepts a public deployment and defaults allowLoopback to false', () => {
    const config = parseNetworkConfig({
      chainId: 84532,
      chainName: 'Base Sepolia',
      rpcUrl: 'https://rpc.example.org',
      contracts: { MLBToken: token },
      bootstrap: ['/dns4/relay.example.org/tcp/443/wss/p2p/12D3KooWAbc']
    })
    expect(config.allowLoopback).toBe(false)
    expect(config.contracts.MLBToken).toBe(token)
  })

  it('names every bad field in the error', () => {
    let error: unknown
    try {
      parseNetworkConfig({ chainId: -1, rpcUrl: 'ftp://x', contracts: { MLBToken: '0x12' }, bootstrap: ['relay'] }, 'my.json')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidNetworkConfigError)
    const message = (error as Error).message
    expect(message).toContain('my.json')
    expect(message).toContain('chainId')
    expect(message).toContain('rpcUrl')
    expect(message).toContain('contracts.MLBToken')
    expect(message).toContain('bootstrap.0')
  })

  it('rejects a config without the token address', () => {
    expect(() => parseNetworkConfig({ chainId: 1, rpcUrl: 'http://a', contracts: {}, bootstrap: [] }))
      .toThrow(/contracts\.MLBToken/)
  })
})

describe('networkConfigFromStack', () => {
  it('turns the local stack facts into a loopback-enabled config', () => {
    const stack = parseStackInfo({
      appUrl: 'http://localhost:5173',
      rpcUrl: 'http://127.0.0.1:8545',
      chainId: 31337,
      relayMultiaddr: relay,
      contracts: { MLBToken: token }
    })
    expect(networkConfigFromStack(stack)).toEqual({
      chainId: 31337,
      chainName: 'ML Bridge local',
      rpcUrl: 'http://127.0.0.1:8545',
      contracts: { MLBToken: token },
      bootstrap: [relay],
      allowLoopback: true
    })
  })

  it('carries the deployment block, where log reads start, and refuses a negative one', () => {
    const stack = parseStackInfo({ appUrl: 'http://localhost:5173', rpcUrl: 'http://127.0.0.1:8545', chainId: 31337, relayMultiaddr: relay, contracts: { MLBToken: token }, deploymentBlock: 12 })
    expect(networkConfigFromStack(stack).deploymentBlock).toBe(12)
    expect(() => parseNetworkConfig({ chainId: 1, rpcUrl: 'http://a', contracts: { MLBToken: token }, bootstrap: [], deploymentBlock: -1 })).toThrow(/deploymentBlock/)
  })

  it('keeps the operator metrics URL and the indexer URLs of the stack', () => {
    const stack = parseStackInfo({
      appUrl: 'http://localhost:5173',
      rpcUrl: 'http://127.0.0.1:8545',
      metricsUrl: 'http://127.0.0.1:9464/metrics',
      api: 'http://127.0.0.1:42069',
      graphql: 'http://127.0.0.1:42069/graphql',
      chainId: 31337,
      relayMultiaddr: relay,
      contracts: { MLBToken: token }
    })
    expect(stack.metricsUrl).toBe('http://127.0.0.1:9464/metrics')
    expect(stack).toMatchObject({ api: 'http://127.0.0.1:42069', graphql: 'http://127.0.0.1:42069/graphql' })
  })

  it('keeps the gateway URL of the stack, which is http(s) or absent', () => {
    const base = { appUrl: 'http://localhost:5173', rpcUrl: 'http://127.0.0.1:8545', chainId: 31337, relayMultiaddr: relay, contracts: { MLBToken: token } }
    expect(parseStackInfo({ ...base, gateway: 'http://127.0.0.1:4004' }).gateway).toBe('http://127.0.0.1:4004')
    expect(parseStackInfo(base).gateway).toBeUndefined()
    expect(() => parseStackInfo({ ...base, gateway: 'ws://127.0.0.1:4004' })).toThrow(/gateway/)
  })
})
