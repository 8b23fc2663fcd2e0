/**
 * `npm run simulate -- --providers N --byzantine F --attack A --rounds R --aggregator G [--json FILE] [--html FILE]`:
 * a whole network on a private local stack, a centralized baseline, and the report.
 */
import { writeFile } from 'node:fs/promises'
import { parseCommandLine, printHelp, printUsageError } from './cli/args.ts'
import { FLAGS, simulationOptions, USAGE, type SimulationOptions } from './simulate/args.ts'
import { formatReport } from './simulate/report.ts'
import { renderHtml } from './simulate/reportHtml.ts'
import { runSimulation } from './simulate/run.ts'

async function main (argv: readonly string[]): Promise<number> {
  let opts: SimulationOptions
  try {
    const { help, ...flags } = parseCommandLine(argv, FLAGS)
    if (help) return printHelp(USAGE, process.stdout)
    opts = simulationOptions(flags)
  } catch (error) {
    return printUsageError(error, 'simulate', USAGE, process.stderr)
  }
  const report = await runSimulation(opts, { log: (line) => { console.error(`[simulate] ${line}`) } })
  console.log(formatReport(report))
  if (opts.json !== undefined) await writeFile(opts.json, `${JSON.stringify(report, null, 2)}\n`)
  if (opts.html !== undefined) await writeFile(opts.html, renderHtml(report))
  return 0
}

main(process.argv.slice(2)).then((code) => { process.exit(code) }, (error: unknown) => {
  console.error(error)
  process.exit(1)
})
