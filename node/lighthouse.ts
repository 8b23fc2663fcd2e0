/**
 * `npm run lighthouse [-- --json FILE] [--runs N]`: Lighthouse over the built app (`npm run build`
 * first) as `vite preview` serves it, on a fresh local chain with the real contracts, and Chrome's
 * own installability check. Exits 1 if a category scores under the goal or the app is not
 * installable.
 *
 * The landing page is what is audited: the task list needs the indexer, which takes longer to
 * start than the audit itself, and without it the page only says so.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LOCAL_CHAIN_ID, parseNetworkConfig } from '../src/core/networkConfig.ts'
import { startAnvil } from './anvil.ts'
import { integerFlag, parseCommandLine, printHelp, printUsageError } from './cli/args.ts'
import { deployContracts } from './deploy.ts'
import { auditPage, CATEGORIES, type Category, type PageAudit } from './lighthouse/audit.ts'
import { checkInstallability } from './lighthouse/installability.ts'
import { assertBuilt, RPC_PATH, startPreview } from './lighthouse/preview.ts'

const USAGE = 'usage: npm run lighthouse [-- --json FILE] [--runs N]   (after npm run build; N runs, 3 by default, each category scored by its median)'
const GOAL = 90

const root = fileURLToPath(new URL('..', import.meta.url))

function lighthouseVersion (): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules/lighthouse/package.json'), 'utf8')) as { version: string }).version
}

/** Performance varies from run to run on a busy machine; Lighthouse's own advice is the median of several. */
function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function main (argv: string[]): Promise<number> {
  const { help, json, runs: runsText } = parseCommandLine(argv, { json: { type: 'string' }, runs: { type: 'string', default: '3' } })
  if (help) return printHelp(USAGE, process.stdout)
  const runs = integerFlag('--runs', runsText, 1, 9)
  assertBuilt(join(root, 'dist'))
  const started = performance.now()
  const dataDir = mkdtempSync(join(tmpdir(), 'mlbridge-lighthouse-'))
  const anvil = await startAnvil({ root, host: '127.0.0.1', port: 0, chainId: LOCAL_CHAIN_ID })
  try {
    const { contracts, deploymentBlock } = await deployContracts({ root, rpcUrl: anvil.rpcUrl, chainId: LOCAL_CHAIN_ID, dataDir })
    const app = await startPreview({
      root,
      rpcUrl: anvil.rpcUrl,
      network: (origin) => parseNetworkConfig({ chainId: LOCAL_CHAIN_ID, rpcUrl: `${origin}${RPC_PATH}`, contracts, deploymentBlock, bootstrap: [], allowLoopback: true })
    })
    try {
      const audits: PageAudit[] = []
      for (let run = 1; run <= runs; run++) {
        const audit = await auditPage(`${app.url}/`)
        audits.push(audit)
        console.log(`run ${run}: ${CATEGORIES.map((c) => `${c} ${audit.scores[c]}`).join(', ')}`)
      }
      const installability = await checkInstallability(`${app.url}/`)
      const score = (category: Category): number => median(audits.map((audit) => audit.scores[category]))
      const report = {
        performance: score('performance'),
        accessibility: score('accessibility'),
        bestPractices: score('best-practices'),
        ...installability,
        goal: GOAL,
        page: '/',
        preset: 'desktop',
        lighthouse: lighthouseVersion(),
        runs: audits.map(({ scores, metrics, failing }) => ({ scores, metrics, failing }))
      }
      const failing = new Map(audits.flatMap((audit) => audit.failing.map((f) => [`${f.category}: ${f.title}`, f.score] as const)))
      for (const [title, worst] of failing) console.log(`  lost points: ${title} (${worst})`)
      let ok = true
      for (const [name, value] of [['performance', report.performance], ['accessibility', report.accessibility], ['best practices', report.bestPractices]] as const) {
        ok &&= value >= GOAL
        console.log(`${name.padEnd(15)} ${String(value).padStart(3)}  ${value >= GOAL ? 'meets' : 'BELOW'} the goal of ${GOAL}`)
      }
      ok &&= installability.installable
      console.log(`installable     ${installability.installable ? 'yes' : `NO: ${installability.installabilityErrors.join('; ')}`}`)
      console.log(`(Lighthouse ${report.lighthouse}, desktop preset, median of ${runs}, ${((performance.now() - started) / 1000).toFixed(0)} s)`)
      if (json !== undefined) {
        writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`)
        console.log(`wrote ${json}`)
      }
      return ok ? 0 : 1
    } finally {
      await app.stop()
    }
  } finally {
    await anvil.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  try {
    process.exit(printUsageError(error, 'lighthouse', USAGE, process.stderr))
  } catch {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
})
