import { describe, expect, it } from 'vitest'
import { logLevelFromEnv } from './log.ts'

describe('logLevelFromEnv', () => {
  it('defaults to info and reads MLBRIDGE_LOG_LEVEL', () => {
    expect(logLevelFromEnv({})).toBe('info')
    expect(logLevelFromEnv({ MLBRIDGE_LOG_LEVEL: 'debug' })).toBe('debug')
    expect(logLevelFromEnv({ MLBRIDGE_LOG_LEVEL: 'WARN' })).toBe('warn')
  })

  it('names the variable and the levels when the value is not a level', () => {
    expect(() => logLevelFromEnv({ MLBRIDGE_LOG_LEVEL: 'loud' })).toThrow('MLBRIDGE_LOG_LEVEL must be one of debug, info, warn, error; got "loud"')
  })
})
