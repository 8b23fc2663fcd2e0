/**
 * `npm run bench -- NAME [--json FILE]`: runs one benchmark from `node/bench/NAME.ts`. Each
 * benchmark measures its own baseline in the same run and reports ratios against it, so figures
 * from different machines or loads stay comparable.
 */
import { readdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseCommandLine, printHelp, UsageError, type FlagOptions, type FlagValues } from './cli/args.ts'

export interface BenchContext<O extends FlagOptions> {
  /** the flags after NAME, as the benchmark declared them in its FLAGS */
  flags: Omit<FlagValues<O>, 'help'>
  log: (line: string) => void
}

/** What every benchmark module exports: its FLAGS and `run`, whose result must be JSON-serialisable. */
interface BenchModule {
  FLAGS: FlagOptions
  run: (context: BenchContext<FlagOptions>) => Promise<unknown>
}

const benchDir = join(dirname(fileURLToPath(import.meta.url)), 'bench')

function available (): string[] {
  return readdirSync(benchDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_')).map((f) => basename(f, '.ts')).sort()
}

async function main (argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  const names = available()
  const usage = `usage: npm run bench -- NAME [--json FILE]; NAME is one of: ${names.join(', ') || '(none yet)'}`
  if (name === '--help' || name === '-h') return printHelp(usage, process.stdout)
  if (name === undefined || !names.includes(name)) throw new UsageError(usage)
  const mod = await import(join(benchDir, `${name}.ts`)) as BenchModule
  const { help, json, ...flags } = parseCommandLine(rest, { ...mod.FLAGS, json: { type: 'string' } })
  if (help) return printHelp(usage, process.stdout)
  const result = await mod.run({ flags, log: (line) => console.log(line) })
  if (json !== undefined) {
    writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`)
    console.log(`wrote ${json}`)
  }
  return 0
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
})
