import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emptyState, stateKey } from '../../src/provider/state.ts'
import { FileStateStore } from './fileStateStore.ts'

const ACCOUNT = '0x00000000000000000000000000000000000000Aa'
let dir: string

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mlb-state-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true, maxRetries: 5 }) })

describe('file state store', () => {
  it('gives back what it saved, across store instances (a restart)', async () => {
    const key = stateKey(3n, ACCOUNT)
    const state = emptyState(3n, ACCOUNT)
    state.joined = true
    state.results['0/1/0'] = { round: 0, shard: 1, attempt: 0, replica: 1, deltaCid: '0x01', sealedCid: '0x03', fingerprint: [1, -2], salt: `0x${'5'.repeat(64)}`, committed: true, revealed: false }
    state.step = { phase: 'waiting', round: 0, shard: 1, detail: 'committed' }
    await new FileStateStore(dir).save(key, state)
    expect(await new FileStateStore(dir).load(key)).toEqual(state)
    expect(await new FileStateStore(dir).load(stateKey(4n, ACCOUNT))).toBeUndefined()
  })

  it('writes by rename: no temporary file is left and the file is the last state, owner-only', async () => {
    const store = new FileStateStore(join(dir, 'atomic'))
    const key = stateKey(1n, ACCOUNT)
    const saves = Array.from({ length: 20 }, async (_, i) => {
      const state = emptyState(1n, ACCOUNT)
      state.accepted = i
      await store.save(key, state)
    })
    await Promise.all(saves)
    const files = await readdir(join(dir, 'atomic'))
    expect(files).toEqual([`mlbridge.provider_${ACCOUNT.toLowerCase()}_1.json`])
    const saved = JSON.parse(await readFile(store.fileOf(key), 'utf8')) as { accepted: number }
    expect(saved.accepted).toBeGreaterThanOrEqual(0)
    expect((await stat(store.fileOf(key))).mode & 0o077).toBe(0)
  })

  it('names the file when its content is not JSON', async () => {
    const store = new FileStateStore(join(dir, 'bad'))
    const key = stateKey(9n, ACCOUNT)
    await store.save(key, emptyState(9n, ACCOUNT))
    const { writeFile } = await import('node:fs/promises')
    await writeFile(store.fileOf(key), '{ half')
    await expect(store.load(key)).rejects.toThrow(`the provider state file ${store.fileOf(key)} is not valid JSON`)
  })
})
