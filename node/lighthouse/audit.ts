/**
 * One Lighthouse run over one URL in headless Chromium, scored on the desktop preset (Lighthouse's
 * `desktop-config`: simulated 40 ms RTT and 10 Mbit/s, no CPU slowdown, a 1350x940 screen). The
 * app is a desktop tool (volunteers lend a GPU), and the mobile preset's 4x CPU slowdown on top of
 * a shared 2-core VM would measure the VM rather than the app.
 */
import { launch } from 'chrome-launcher'
import lighthouse, { desktopConfig } from 'lighthouse'
import { MLBridgeError } from '../../src/core/errors.ts'

export const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const
export type Category = typeof CATEGORIES[number]

export interface PageAudit {
  url: string
  /** 0 to 100 per category */
  scores: Record<Category, number>
  /** the performance metrics, in ms (CLS unitless), as Lighthouse simulated them */
  metrics: Record<typeof METRICS[number], number>
  /** the audits that lost points, worst first, for whoever fixes them */
  failing: Array<{ category: Category, id: string, title: string, score: number }>
}

const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'speed-index', 'cumulative-layout-shift'] as const

/** Chrome's own traffic stays off: the audit must reach nothing but the app on loopback. */
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps', '--no-first-run']

export class AuditFailedError extends MLBridgeError {
  override name = 'AuditFailedError'
  constructor (message: string) {
    super('LIGHTHOUSE_AUDIT_FAILED', message)
  }
}

export async function auditPage (url: string): Promise<PageAudit> {
  const chrome = await launch({ chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', chromeFlags: CHROME_FLAGS, logLevel: 'silent' })
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] }, desktopConfig)
    if (result === undefined) throw new AuditFailedError(`Lighthouse returned no result for ${url}`)
    const { lhr } = result
    if (lhr.runtimeError !== undefined) throw new AuditFailedError(`Lighthouse could not audit ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`)
    const scores = {} as Record<Category, number>
    const failing: PageAudit['failing'] = []
    for (const category of CATEGORIES) {
      const { score, auditRefs } = lhr.categories[category] ?? {}
      if (score === undefined || score === null) throw new AuditFailedError(`Lighthouse gave ${url} no ${category} score`)
      scores[category] = Math.round(score * 100)
      for (const { id, weight } of auditRefs ?? []) {
        const audit = lhr.audits[id]
        if (weight > 0 && audit?.score !== null && audit?.score !== undefined && audit.score < 1) {
          failing.push({ category, id, title: audit.title, score: Math.round(audit.score * 100) })
        }
      }
    }
    failing.sort((a, b) => a.score - b.score)
    const metrics = {} as PageAudit['metrics']
    for (const id of METRICS) metrics[id] = Number((lhr.audits[id]?.numericValue ?? Number.NaN).toFixed(id === 'cumulative-layout-shift' ? 3 : 0))
    return { url, scores, metrics, failing }
  } finally {
    chrome.kill()
  }
}
