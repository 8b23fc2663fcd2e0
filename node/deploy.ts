import { copyFile, mkdir, rename } from 'node:fs/promises'
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
  const cache = await ownCache(opts.root, opts.dataDir)
  const output = await runCommand(forge(opts.root), [
    'script', 'script/Deploy.s.sol:Deploy', '--rpc-url', opts.rpcUrl, '--broadcast', '--private-key', toHex(key)
  ], {
    cwd: join(opts.root, 'contracts'),
    env: { ...process.env, FOUNDRY_BROADCAST: broadcastDir, FOUNDRY_CACHE_PATH: cache.dir },
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs })
  })
  if (/Compiling \d+ files?/.test(output)) await cache.publish()
  return readDeployment(join(broadcastDir, 'Deploy.s.sol', String(opts.chainId), 'run-latest.json'))
}

/**
 * `forge script` rewrites its compiler cache (`contracts/cache/solidity-files-cache.json`) on every
 * run, even one that compiles nothing, and in place. Deploys run at once (test files) could read
 * each other's half-written cache, take everything for changed and compile it all again with
 * solcjs: minutes on two cores, past a test file's hook timeout. So each deploy reads and writes
 * a copy of its own (`FOUNDRY_CACHE_PATH`), and one that had to compile (the contracts changed
 * since the last build) publishes its copy back in one rename, so the next deploy need not.
 */
async function ownCache (root: string, dataDir: string): Promise<{ dir: string, publish: () => Promise<void> }> {
  const dir = join(dataDir, 'forge-cache')
  const shared = join(root, 'contracts', 'cache', 'solidity-files-cache.json')
  const own = join(dir, 'solidity-files-cache.json')
  await mkdir(dir, { recursive: true })
  // none yet (a fresh clone): forge compiles everything and writes this one
  await copyFile(shared, own).catch(() => {})
  return {
    dir,
    publish: async () => {
      await mkdir(join(root, 'contracts', 'cache'), { recursive: true })
      const next = `${shared}.${process.pid}.${Date.now()}`
      await copyFile(own, next)
      await rename(next, shared)
    }
  }
}
