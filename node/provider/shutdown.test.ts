import { describe, expect, it } from 'vitest'
import { emptyState } from '../../src/provider/state.ts'
import { leftBehind, Shutdown } from './shutdown.ts'

const said = (): { lines: string[], shutdown: Shutdown } => {
  const lines: string[] = []
  return { lines, shutdown: new Shutdown((line) => lines.push(line), 50) }
}

describe('shutdown', () => {
  it('abandons a shard still training, saying so, and stops at once', () => {
    const { lines, shutdown } = said()
    shutdown.onStep({ phase: 'training', round: 2, shard: 1 })
    expect(shutdown.request()).toBe('stopping')
    expect(shutdown.signal.aborted).toBe(true)
    expect(lines).toEqual(['stopping: abandoning round 2 shard 1 (training, not trained yet); nothing of it was committed'])
  })

  it('finishes a shard past training: stops when the loop leaves the quick steps', () => {
    const { lines, shutdown } = said()
    shutdown.onStep({ phase: 'uploading', round: 0, shard: 3 })
    expect(shutdown.request()).toBe('finishing')
    expect(lines[0]).toMatch(/round 0 shard 3 is past training \(uploading\); finishing it before exit/)
    shutdown.onStep({ phase: 'committing', round: 0, shard: 3 })
    expect(shutdown.signal.aborted).toBe(false)
    shutdown.onStep({ phase: 'waiting', round: 0, shard: 3, detail: 'committed' })
    expect(shutdown.signal.aborted).toBe(true)
    shutdown.dispose()
  })

  it('gives up finishing after its limit, and a later second request is "force"', async () => {
    const { lines, shutdown } = said()
    shutdown.onStep({ phase: 'revealing', round: 0, shard: 0 })
    expect(shutdown.request()).toBe('finishing')
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(shutdown.signal.aborted).toBe(true)
    expect(lines.at(-1)).toMatch(/stopping now: it took over/)
    expect(shutdown.request(undefined, Date.now() + 2000)).toBe('force')
  })

  it('counts signals within a second of the first as the same press', () => {
    const { lines, shutdown } = said()
    expect(shutdown.request('SIGINT received', 10_000)).toBe('stopping')
    expect(shutdown.request('SIGINT received', 10_500)).toBe('repeat')
    expect(shutdown.request('SIGINT received', 11_200)).toBe('force')
    expect(lines).toEqual(['SIGINT received', 'stopping'])
  })

  it('after dispose, a request stops nothing', () => {
    const { lines, shutdown } = said()
    shutdown.dispose()
    expect(shutdown.request()).toBe('stopping')
    expect(lines).toEqual([])
  })

  it('lists the latest round\'s results still waiting for a commit or reveal', () => {
    const state = emptyState(1n, '0x00000000000000000000000000000000000000aa')
    const result = { attempt: 0, replica: 0, deltaCid: '0x01', sealedCid: '0x03', fingerprint: [] as number[], salt: '0x02' } as const
    state.results['0/0/0'] = { ...result, round: 0, shard: 0, committed: true, revealed: false }
    state.results['1/0/0'] = { ...result, round: 1, shard: 0, committed: true, revealed: false }
    state.results['1/1/0'] = { ...result, round: 1, shard: 1, committed: false, revealed: false }
    state.results['1/2/0'] = { ...result, round: 1, shard: 2, committed: true, revealed: true }
    expect(leftBehind(state)).toEqual([
      'round 1 shard 0: committed, not revealed yet; the next start reveals it with the saved salt',
      'round 1 shard 1: trained and uploaded, not committed; the next start commits it if the commit window is still open'
    ])
  })
})
