import { describe, expect, it } from 'vitest'
import { createLogger, formatLogLine } from './log.ts'

describe('formatLogLine', () => {
  it('puts ts, level, component and event first and writes bigints as strings', () => {
    const line = formatLogLine({ ts: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), level: 'warn', component: 'pinner', event: 'pin-refused' }, { peer: '12D3KooWA', reason: 'too big', taskId: 7n })
    expect(line).toBe('{"ts":"2026-01-02T03:04:05.000Z","level":"warn","component":"pinner","event":"pin-refused","peer":"12D3KooWA","reason":"too big","taskId":"7"}')
  })

  it('keeps each line on one line whatever the fields hold', () => {
    const line = formatLogLine({ ts: new Date(0), level: 'info', component: 'relay', event: 'x' }, { reason: 'two\nlines' })
    expect(line).not.toContain('\n')
    expect(JSON.parse(line)).toMatchObject({ reason: 'two\nlines' })
  })
})

describe('createLogger', () => {
  it('writes one JSON object per line at or above its level', () => {
    const lines: string[] = []
    const log = createLogger('referee', { level: 'info', write: (l) => lines.push(l), now: () => new Date(0) })
    log.debug('noise')
    log.info('verdict', { taskId: '1' })
    log.error('failed', { reason: 'rpc down' })
    expect(lines.map(l => JSON.parse(l) as unknown)).toEqual([
      { ts: '1970-01-01T00:00:00.000Z', level: 'info', component: 'referee', event: 'verdict', taskId: '1' },
      { ts: '1970-01-01T00:00:00.000Z', level: 'error', component: 'referee', event: 'failed', reason: 'rpc down' }
    ])
  })
})
