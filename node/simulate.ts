/**
 * `npm run simulate -- --providers N --byzantine F --attack A --rounds R --aggregator G [--json FILE] [--html FILE]`:
 * a whole network on a private local stack, a centralized baseline, and the report.
 */
import { writeFile } from 'node:fs/promises'
import { UsageError } from './cli/args.ts'
import { parseArgs } from './simulate/args.ts'
import { formatReport } from './simulate/report.ts'
import { renderHtml } from './simulate/reportHtml.ts'
import { runSimulation } from './simulate/run.ts'

async function main (): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  const report = await runSimulation(opts, { log: (line) => { console.error(`[simulate] ${line}`) } })
  console.log(formatReport(report))
  if (opts.json !== undefined) await writeFile(opts.json, `${JSON.stringify(report, null, 2)}\n`)
  if (opts.html !== undefined) await writeFile(opts.html, renderHtml(report))
}

main().then(() => { process.exit(0) }, (error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error)
  process.exit(error instanceof UsageError ? 2 : 1)
})
