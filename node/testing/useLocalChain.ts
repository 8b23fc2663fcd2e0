/** A local chain shared by the tests of one vitest file (kept apart so the simulator never loads vitest). */
import { afterAll, beforeAll } from 'vitest'
import { startLocalChain, type LocalChain } from './localChain.ts'

/**
 * Starts the chain before the file's tests, stops it after them, and returns a getter (the chain
 * exists only once `beforeAll` ran).
 */
export function useLocalChain (): () => LocalChain {
  let local: LocalChain | undefined
  beforeAll(async () => { local = await startLocalChain() }, 120_000)
  afterAll(async () => { await local?.stop() })
  return () => {
    if (local === undefined) throw new Error('the local chain is not started yet: call it inside a test')
    return local
  }
}
