/**
 * `npm run bench -- simulate [FLAGS]`: the simulator's goal runs, one after another on fresh local
 * stacks: no attack, then 25% Byzantine providers with each attack and a robust aggregator. Each
 * run reports against baselines measured in the same run: the centralized model trained on the
 * same samples, synchronous data-parallel SGD's bytes for the same steps, and (for the attacks)
 * the no-attack run. FLAGS (e.g. `--rounds 2`) apply to every run; `--attacks a,b` picks attacks.
 */
import type { BenchContext } from '../bench.ts'
import { choiceListFlag } from '../cli/args.ts'
import { FLAGS as SIMULATE_FLAGS, simulationOptions, type SimulationFlags, type SimulationOptions } from '../simulate/args.ts'
import { ATTACKS } from '../simulate/attacks.ts'
import type { SimulationReport } from '../simulate/report.ts'
import { runSimulation } from '../simulate/run.ts'

const DEFAULTS: SimulationFlags = { providers: '4', rounds: '4', hidden: '64', 'local-steps': '200' }

export const FLAGS = { ...SIMULATE_FLAGS, attacks: { type: 'string' } } as const

interface Row {
  run: string
  accuracy: number | null
  baseline: number
  gapToBaselinePp: number | null
  gapToNoAttackPp: number | null
  bytesRatio: number
  gasPerAcceptedResult: number | null
  honestSlashed: number
  freeRiderRewardsWei: string
  byzantinePaidWei: string
}

function row (name: string, r: SimulationReport, clean: SimulationReport | undefined): Row {
  const byzantinePaid = r.providers.filter((p) => p.role === 'byzantine').reduce((sum, p) => sum + BigInt(p.rewards), 0n)
  const acc = r.final.networkAccuracy
  const cleanAcc = clean?.final.networkAccuracy
  return {
    run: name,
    accuracy: acc,
    baseline: r.final.baselineAccuracy,
    gapToBaselinePp: r.final.gapPp,
    gapToNoAttackPp: acc === null || cleanAcc === null || cleanAcc === undefined ? null : 100 * (acc - cleanAcc),
    bytesRatio: r.final.maxBytesRatio,
    gasPerAcceptedResult: r.final.gasPerAcceptedResult,
    honestSlashed: r.final.honestSlashed,
    freeRiderRewardsWei: r.final.freeRiderRewards,
    byzantinePaidWei: byzantinePaid.toString()
  }
}

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<{ runs: Row[] }> {
  const { attacks: attackList, ...simulatorFlags } = flags
  const attacks = attackList === undefined ? [...ATTACKS] : choiceListFlag('--attacks', attackList, ATTACKS)
  // The flags given win over the run's own settings, as later flags win on a command line.
  const options = (extra: SimulationFlags): SimulationOptions => simulationOptions({ ...DEFAULTS, ...extra, ...simulatorFlags })
  const rows: Row[] = []
  const clean = await runSimulation(options({ byzantine: '0', attack: 'none', aggregator: 'mean' }), { log })
  rows.push(row('no attack, mean', clean, undefined))
  log(JSON.stringify(rows.at(-1)))
  for (const attack of attacks) {
    const report = await runSimulation(options({ byzantine: '1', attack, aggregator: 'trimmed' }), { log })
    rows.push(row(`${attack}, trimmed`, report, clean))
    log(JSON.stringify(rows.at(-1)))
  }
  log('')
  log('run                 acc     base   vs base  vs clean  bytes ratio  gas/result  honest slashed  byzantine paid (wei)  free riders paid (wei)')
  for (const r of rows) {
    const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}%`)
    const pp = (x: number | null): string => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(2)}`)
    log(`${r.run.padEnd(18)} ${pct(r.accuracy).padStart(7)} ${pct(r.baseline).padStart(7)} ${pp(r.gapToBaselinePp).padStart(8)} ${pp(r.gapToNoAttackPp).padStart(9)}  1/${Math.round(1 / r.bytesRatio).toString().padEnd(9)} ${(r.gasPerAcceptedResult === null ? '-' : Math.round(r.gasPerAcceptedResult).toString()).padStart(10)}  ${String(r.honestSlashed).padStart(14)}  ${r.byzantinePaidWei.padStart(20)}  ${r.freeRiderRewardsWei}`)
  }
  return { runs: rows }
}
