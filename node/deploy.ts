import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { toHex, type Address } from 'viem'
import { devAccount } from '../src/chain/devAccounts.ts'
import { readDeployment } from './deployment.ts'
import { runCommand } from './processes.ts'

const forge = (root: string): string => join(root, 'node_modules/.bin/forge')

/**
 * Compiles what the deploy script needs, so later deploys find it in forge's cache. Several
 * deploys started at once on a clean checkout would each compile it (solc runs as WebAssembly here).
 */
export async function compileDeployScript (opts: { root: string }): Promise<void> {
  await runCommand(forge(opts.root), ['build', 'script/Deploy.s.sol'], { cwd: join(opts.root, 'contracts') })
}

/**
 * Deploys the contract set with the Foundry deploy script, signed by anvil's first dev account.
 * Each stack keeps its own broadcast log (FOUNDRY_BROADCAST) so parallel stacks do not race.
 */
export async function deployContracts (opts: { root: string; rpcUrl: string; chainId: number; dataDir: string; timeoutMs?: number }): Promise<{ contracts: Record<string, Address>, deploymentBlock: number }> {
  const key = devAccount(0).getHdKey().privateKey
  if (key === null) throw new Error('could not derive the deployer key')
  const broadcastDir = join(opts.dataDir, 'broadcast')
  await runCommand(forge(opts.root), [
    'script', 'script/Deploy.s.sol:Deploy', '--rpc-url', opts.rpcUrl, '--broadcast', '--private-key', toHex(key)
  ], {
    cwd: join(opts.root, 'contracts'),
    env: { ...process.env, FOUNDRY_BROADCAST: broadcastDir, ...await privateCache(opts.root, opts.dataDir) },
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs })
  })
  return readDeployment(join(broadcastDir, 'Deploy.s.sol', String(opts.chainId), 'run-latest.json'))
}

/**
 * `forge script` rewrites the compiler cache (`contracts/cache/solidity-files-cache.json`) on every
 * run, even one that compiles nothing. Deploys run at once (test files, stacks) could read each
 * other's half-written cache, take everything for changed and compile it all again with solcjs:
 * minutes on two cores, past a test file's hook timeout. So a deploy reads and writes its own copy
 * (`FOUNDRY_CACHE_PATH`); with no cache yet, it compiles into the shared one for later deploys.
 */
async function privateCache (root: string, dataDir: string): Promise<Record<string, string>> {
  const dir = join(dataDir, 'forge-cache')
  await mkdir(dir, { recursive: true })
  try {
    await copyFile(join(root, 'contracts', 'cache', 'solidity-files-cache.json'), join(dir, 'solidity-files-cache.json'))
  } catch {
    return {}
  }
  return { FOUNDRY_CACHE_PATH: dir }
}

