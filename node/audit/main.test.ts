import { describe, expect, it } from 'vitest'
import { UsageError } from '../cli/args.ts'
import { resolveAuditConfig } from './main.ts'

const stack = {
  appUrl: 'http://localhost:5173',
  rpcUrl: 'http://127.0.0.1:8545',
  chainId: 31337,
  relayMultiaddr: '/ip4/127.0.0.1/tcp/4003/ws/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp',
  gateway: 'http://127.0.0.1:4004',
  contracts: {
    MLBToken: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    TaskManager: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    ConsensusVerifier: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
    RewardDistributor: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9',
    ModelRegistry: '0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9',
    ResultChallenges: '0x5FC8d32690cc91D4c39d9d3abcBD16989F875707',
    DataRegistry: '0x0165878A594ca255338adfa4d48449f69242Eb8F'
  }
}
const opts = (text: string | undefined) => ({ env: {}, cwd: '/work', readStack: () => { if (text === undefined) throw new Error('ENOENT'); return text } })

describe('npm run audit flags', () => {
  it('takes the RPC, chain and gateway from the stack file, flags winning', () => {
    expect(resolveAuditConfig(['--task', '3'], opts(JSON.stringify(stack)))).toMatchObject({ taskId: 3n, rpcUrl: stack.rpcUrl, gateway: stack.gateway })
    expect(resolveAuditConfig(['--task', '3', '--gateway', 'http://127.0.0.1:9999', '--json', 'a.json'], opts(JSON.stringify(stack)))).toMatchObject({ gateway: 'http://127.0.0.1:9999', json: 'a.json' })
    expect(resolveAuditConfig(['--help'], opts(undefined))).toBe('help')
  })

  it('names what is missing or wrong', () => {
    expect(() => resolveAuditConfig([], opts(JSON.stringify(stack)))).toThrow(/--task is required/)
    expect(() => resolveAuditConfig(['--task', 'x'], opts(JSON.stringify(stack)))).toThrow(UsageError)
    expect(() => resolveAuditConfig(['--task', '1'], opts(undefined))).toThrow(/cannot read the stack file .*stack\.json/)
    const { gateway: _gone, ...noGateway } = stack
    expect(() => resolveAuditConfig(['--task', '1'], opts(JSON.stringify(noGateway)))).toThrow(/names no gateway: pass --gateway/)
  })
})
