import { statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startLocalChain } from './testing/localChain.ts'

const sharedCache = fileURLToPath(new URL('../contracts/cache/solidity-files-cache.json', import.meta.url))

describe('deployContracts', () => {
  it('leaves the shared compiler cache as it was when it compiles nothing: deploys run at once would otherwise read it half-written and compile everything again', async () => {
    const before = statSync(sharedCache).mtimeMs
    const chain = await startLocalChain()
    try {
      expect(Object.keys(chain.contracts)).toContain('TaskManager')
      expect(statSync(sharedCache).mtimeMs).toBe(before)
    } finally {
      await chain.stop()
    }
  }, 120_000)
})
