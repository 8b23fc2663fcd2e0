/** The landing page's network figures: pure formatting of what GET /stats answers. */
import { formatUnits } from 'viem'
import type { NetworkStats } from '../../sdk/index.ts'

export interface Figure {
  key: 'providers' | 'tasks' | 'versions' | 'results' | 'rewards'
  label: string
  /** the figure, or "—" while it is unknown (no API, or not answered yet) */
  value: string
  /** what is counted, in a visitor's words */
  note: string
}

export const UNKNOWN = '—'

const count = (n: number): string => n.toLocaleString('en-US')

/** Whole MLB with thousands separators, two decimals at most: 1234.5 MLB rather than 1234500000000000000000 wei. */
export function formatMlb (wei: string): string {
  const [whole = '0', fraction = ''] = formatUnits(BigInt(wei), 18).split('.')
  const cents = fraction.slice(0, 2).replace(/0+$/, '')
  return `${BigInt(whole).toLocaleString('en-US')}${cents === '' ? '' : `.${cents}`} MLB`
}

export function landingFigures (stats: NetworkStats | undefined): Figure[] {
  const of = (value: (s: NetworkStats) => string): string => stats === undefined ? UNKNOWN : value(stats)
  return [
    { key: 'providers', label: 'Providers online', value: of((s) => count(s.providersOnline)), note: 'volunteers in a task that is joining or running' },
    { key: 'tasks', label: 'Tasks running', value: of((s) => count(s.tasksRunning)), note: stats === undefined ? 'training now' : `training now; ${count(stats.tasksJoining)} more open to join` },
    { key: 'versions', label: 'Versions trained', value: of((s) => count(s.versionsTrained)), note: 'model versions the rounds produced' },
    { key: 'results', label: 'Results verified', value: of((s) => count(s.resultsVerified)), note: 'shard results replicas agreed on, on-chain' },
    { key: 'rewards', label: 'Rewards paid', value: of((s) => formatMlb(s.rewardsPaid)), note: 'credited to volunteers for accepted results' }
  ]
}
