/**
 * `npm run simulate -- --providers N --byzantine F --attack A --rounds R --aggregator G [--json FILE] [--html FILE]`:
 * a whole network on a private local stack, a centralized baseline, and the report; with
 * `--matrix`, every attack at 25% and 49% of the providers against an honest run.
 */
import { writeFile } from 'node:fs/promises'
import { parseCommandLine, printHelp, printUsageError } from './cli/args.ts'
import { FLAGS, simulationOptions, USAGE, type SimulationOptions } from './simulate/args.ts'
import { formatMatrix, matrixRow, matrixRuns, type MatrixRow } from './simulate/matrix.ts'
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
  const log = (line: string): void => { console.error(`[simulate] ${line}`) }
  if (opts.matrix) return await matrix(opts, log)
  const report = await runSimulation(opts, { log })
  console.log(formatReport(report))
  if (opts.json !== undefined) await writeFile(opts.json, `${JSON.stringify(report, null, 2)}\n`)
  if (opts.html !== undefined) await writeFile(opts.html, renderHtml(report))
  return 0
}

/** The honest run, then each attack at each share, one fresh stack each; rows to --json. */
async function matrix (opts: SimulationOptions, log: (line: string) => void): Promise<number> {
  const runs = matrixRuns(opts)
  log(`matrix: the honest run, then ${runs.attacked.length} attacked runs`)
  const honest = await runSimulation(runs.honest, { log })
  const rows: MatrixRow[] = []
  for (const run of runs.attacked) {
    log(`matrix: ${run.attack} at ${Math.round(run.fraction * 100)}% (${run.opts.byzantine} of ${run.opts.providers})`)
    const report = await runSimulation(run.opts, { log })
    rows.push(matrixRow(run.attack, run.fraction, report, honest))
    if (opts.json !== undefined) await writeFile(opts.json, `${JSON.stringify(rows, null, 2)}\n`)
  }
  console.log(formatMatrix(rows, honest))
  return 0
}

main(process.argv.slice(2)).then((code) => { process.exit(code) }, (error: unknown) => {
  console.error(error)
  process.exit(1)
})
