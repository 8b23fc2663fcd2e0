/**
 * `npm run bench -- NAME [--json FILE]`: runs one benchmark from `node/bench/NAME.ts`. Each
 * benchmark measures its own baseline in the same run and reports ratios against it, so figures
 * from different machines or loads stay comparable.
 */
import { readdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface BenchContext {
  /** arguments after NAME, minus `--json FILE` */
  args: string[]
  log: (line: string) => void
}

/** What every benchmark module exports as `run`. The result must be JSON-serialisable. */
export type Benchmark = (context: BenchContext) => Promise<unknown>

const benchDir = join(dirname(fileURLToPath(import.meta.url)), 'bench')

function available (): string[] {
  return readdirSync(benchDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_')).map((f) => basename(f, '.ts')).sort()
}

async function main (argv: string[]): Promise<void> {
  const [name, ...rest] = argv
  const names = available()
  if (name === undefined || !names.includes(name)) {
    throw new Error(`usage: npm run bench -- NAME [--json FILE]; NAME is one of: ${names.join(', ') || '(none yet)'}`)
  }
  const jsonAt = rest.indexOf('--json')
  let jsonFile: string | undefined
  if (jsonAt !== -1) {
    jsonFile = rest[jsonAt + 1]
    if (jsonFile === undefined) throw new Error('--json needs a file name')
    rest.splice(jsonAt, 2)
  }
  const mod = await import(join(benchDir, `${name}.ts`)) as { run: Benchmark }
  const result = await mod.run({ args: rest, log: (line) => console.log(line) })
  if (jsonFile !== undefined) {
    writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`)
    console.log(`wrote ${jsonFile}`)
  }
}

main(process.argv.slice(2)).then(() => process.exit(0), (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
})
