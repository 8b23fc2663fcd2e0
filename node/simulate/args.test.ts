import { describe, expect, it } from 'vitest'
import { UsageError } from '../cli/args.ts'
import { parseArgs } from './args.ts'

describe('simulate arguments', () => {
  it('reads the issue\'s flags and fills defaults', () => {
    expect(parseArgs(['--providers', '8', '--byzantine', '2', '--attack', 'alie', '--rounds=5', '--aggregator', 'trimmed', '--json', 'out.json'])).toMatchObject({
      providers: 8, byzantine: 2, attack: 'alie', rounds: 5, aggregator: 'trimmed', shards: 4, replication: 2, json: 'out.json'
    })
    expect(parseArgs([])).toMatchObject({ providers: 4, byzantine: 0, attack: 'none', aggregator: 'mean' })
  })

  it('names the bad input', () => {
    expect(() => parseArgs(['--attack', 'lazy'])).toThrow(/needs --byzantine/)
    expect(() => parseArgs(['--byzantine', '1'])).toThrow(/needs --attack/)
    expect(() => parseArgs(['--byzantine', '1', '--attack', 'boom'])).toThrow(/--attack must be one of/)
    expect(() => parseArgs(['--aggregator', 'krum'])).toThrow(/--aggregator must be one of/)
    expect(() => parseArgs(['--providers', '4', '--byzantine', '4', '--attack', 'copy'])).toThrow(UsageError)
    expect(() => parseArgs(['--frobnicate', '1'])).toThrow(/unknown option --frobnicate/)
  })
})
