import { describe, expect, it } from 'vitest'
import { parseCommandLine, UsageError } from '../cli/args.ts'
import { FLAGS, simulationOptions } from './args.ts'

const parseArgs = (argv: string[]) => simulationOptions(parseCommandLine(argv, FLAGS))

describe('simulate arguments', () => {
  it('reads the issue\'s flags and fills defaults', () => {
    expect(parseArgs(['--providers', '8', '--byzantine', '2', '--attack', 'alie', '--rounds=5', '--aggregator', 'trimmed', '--json', 'out.json'])).toMatchObject({
      providers: 8, byzantine: 2, attack: 'alie', rounds: 5, aggregator: 'trimmed', shards: 4, replication: 2, json: 'out.json'
    })
    expect(parseArgs([])).toMatchObject({ providers: 4, byzantine: 0, attack: 'none', aggregator: 'mean', referee: true })
    expect(parseArgs(['--referee', 'off'])).toMatchObject({ referee: false })
  })

  it('gives the matrix its own shape, so 25% and 49% are different counts, unless told otherwise', () => {
    expect(parseArgs(['--matrix'])).toMatchObject({ matrix: true, providers: 8, aggregator: 'trimmed', localSteps: 100, rounds: 3, hidden: [32] })
    expect(parseArgs(['--matrix', '--providers', '6', '--aggregator', 'median'])).toMatchObject({ providers: 6, aggregator: 'median', localSteps: 100 })
  })

  it('runs the character transformer with --task lm, with its own defaults', () => {
    expect(parseArgs([])).toMatchObject({ task: 'mnist', localSteps: 30, batchSize: 32, rounds: 3 })
    expect(parseArgs(['--task', 'lm'])).toMatchObject({ task: 'lm', localSteps: 40, batchSize: 16, rounds: 10 })
    expect(parseArgs(['--task', 'lm', '--rounds', '120', '--local-steps', '60'])).toMatchObject({ rounds: 120, localSteps: 60 })
    expect(() => parseArgs(['--task', 'lm', '--matrix'])).toThrow(/--matrix runs on the MNIST task/)
    expect(() => parseArgs(['--task', 'lm', '--hidden', '32'])).toThrow(/--hidden sizes the MNIST MLP/)
    expect(() => parseArgs(['--task', 'gpt'])).toThrow(/--task must be one of/)
    expect(parseArgs(['--task', 'lm', '--codec', 'topk2', '--seed', 'b'])).toMatchObject({ codec: 'topk2', seed: 'b' })
    expect(parseArgs([])).toMatchObject({ codec: 'int8' })
    expect(() => parseArgs(['--codec', 'zip'])).toThrow(/--codec must be one of/)
    expect(parseArgs(['--codec', 'topk4', '--topk-fraction', '0.1'])).toMatchObject({ codec: 'topk4', topkFraction: 0.1 })
    expect(() => parseArgs(['--topk-fraction', '0.1'])).toThrow(/needs --codec topk2 or topk4/)
    expect(() => parseArgs(['--codec', 'topk2', '--topk-fraction', '2'])).toThrow(/--topk-fraction must be a number in \(0, 1\]/)
  })

  it('names the bad input', () => {
    expect(() => parseArgs(['--attack', 'lazy'])).toThrow(/needs --byzantine/)
    expect(() => parseArgs(['--byzantine', '1'])).toThrow(/needs --attack/)
    expect(() => parseArgs(['--byzantine', '1', '--attack', 'boom'])).toThrow(/--attack must be one of/)
    expect(() => parseArgs(['--aggregator', 'krum'])).toThrow(/--aggregator must be one of/)
    expect(() => parseArgs(['--referee', 'maybe'])).toThrow(/--referee must be one of/)
    expect(() => parseArgs(['--providers', '4', '--byzantine', '4', '--attack', 'copy'])).toThrow(UsageError)
    expect(() => parseArgs(['--frobnicate', '1'])).toThrow(/unknown option --frobnicate/)
    expect(() => parseArgs(['--rounds', 'x'])).toThrow("--rounds must be an integer from 1 to 1000, got 'x'")
    expect(() => parseArgs(['--hidden', '32,0'])).toThrow("--hidden must be an integer from 1 to 1024, got '0'")
    expect(() => parseArgs(['--rounds'])).toThrow(/--rounds needs a value/)
    expect(() => parseArgs(['4'])).toThrow(/unexpected argument '4'/)
  })
})
