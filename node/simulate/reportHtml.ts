/** The self-contained HTML report: inline SVG charts, no scripts, no external assets. */
import { formatReport, type SimulationReport, type TimeCategory } from './report.ts'

interface Series { name: string, color: string, values: Array<number | null> }

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

/** A line chart of several series over rounds, with a y axis from 0 (or min) to the max. */
/** `zero: false` zooms the y axis to the data (accuracy curves that differ by a point or two). */
export function lineChart (title: string, xs: number[], series: Series[], opts: { unit?: string, log?: boolean, zero?: boolean } = {}): string {
  const w = 520
  const h = 240
  const pad = { l: 64, r: 16, t: 28, b: 36 }
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v))
  const f = (v: number): number => (opts.log === true ? Math.log10(Math.max(v, 1)) : v)
  const hi = Math.max(...all.map(f), 1e-9)
  const min = Math.min(...all.map(f))
  const lo = opts.zero === false ? min - 0.1 * Math.max(hi - min, 1e-3) : Math.min(0, min)
  const x = (i: number): number => pad.l + (xs.length <= 1 ? 0 : (i * (w - pad.l - pad.r)) / (xs.length - 1))
  const y = (v: number): number => h - pad.b - ((f(v) - lo) / (hi - lo || 1)) * (h - pad.t - pad.b)
  const label = (v: number): string => (opts.log === true ? `1e${v.toFixed(0)}` : Math.abs(v) >= 1000 ? v.toExponential(1) : v.toFixed(v < 10 ? 3 : 0))
  const ticks = [0, 0.5, 1].map((t) => lo + t * (hi - lo))
  const lines = series.map((s) => {
    const pts = s.values.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter((p) => p !== null)
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(' ')}"/>` +
      s.values.map((v, i) => (v === null ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(s.name)} round ${xs[i]}: ${v}</title></circle>`)).join('')
  }).join('')
  let legendX = pad.l
  const legend = series.map((s) => {
    const item = `<text x="${legendX}" y="${h - 6}" fill="${s.color}" font-size="12">■ ${esc(s.name)}</text>`
    legendX += 7 * s.name.length + 36
    return item
  }).join('')
  const axis = ticks.map((t) => {
    const yy = h - pad.b - ((t - lo) / (hi - lo || 1)) * (h - pad.t - pad.b)
    return `<line x1="${pad.l}" x2="${w - pad.r}" y1="${yy}" y2="${yy}" stroke="#ddd"/><text x="${pad.l - 6}" y="${yy + 4}" text-anchor="end" font-size="11">${label(t)}</text>`
  }).join('') + xs.map((r, i) => `<text x="${x(i)}" y="${h - pad.b + 14}" text-anchor="middle" font-size="11">r${r}</text>`).join('')
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(title)}"><text x="${pad.l}" y="16" font-size="13" font-weight="bold">${esc(title)}${opts.unit === undefined ? '' : ` (${esc(opts.unit)})`}</text>${axis}${lines}${legend}</svg></figure>`
}

/** One horizontal stacked bar per provider: seconds per step kind. */
export function timeChart (report: SimulationReport): string {
  const colors: Record<TimeCategory, string> = { train: '#2a7', transfer: '#27c', chain: '#c72', aggregate: '#a3c', wait: '#bbb' }
  const kinds = Object.keys(colors) as TimeCategory[]
  const w = 520
  const rowH = 22
  const h = 40 + report.providers.length * rowH + 24
  const max = Math.max(1e-9, ...report.providers.map((p) => kinds.reduce((s, k) => s + p.time[k], 0)))
  const rows = report.providers.map((p, i) => {
    let x0 = 110
    const y0 = 30 + i * rowH
    const bars = kinds.map((k) => {
      const bw = (p.time[k] / max) * (w - 130)
      const rect = `<rect x="${x0.toFixed(1)}" y="${y0}" width="${bw.toFixed(1)}" height="${rowH - 6}" fill="${colors[k]}"><title>${k}: ${p.time[k].toFixed(1)} s</title></rect>`
      x0 += bw
      return rect
    }).join('')
    return `<text x="4" y="${y0 + 12}" font-size="11">${esc(p.account.slice(0, 8))} ${p.role === 'byzantine' ? '(byz)' : ''}</text>${bars}`
  }).join('')
  const legend = kinds.map((k, i) => `<text x="${110 + i * 80}" y="${h - 6}" fill="${colors[k]}" font-size="12">■ ${k}</text>`).join('')
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="time split"><text x="4" y="16" font-size="13" font-weight="bold">Wall time per provider (s, max ${max.toFixed(0)})</text>${rows}${legend}</svg></figure>`
}

export function renderHtml (report: SimulationReport): string {
  const xs = report.rounds.map((r) => r.round)
  const charts = [
    lineChart('Validation accuracy', xs, [
      { name: 'network', color: '#27c', values: report.rounds.map((r) => r.network?.accuracy ?? null) },
      { name: 'centralized baseline', color: '#2a7', values: report.rounds.map((r) => r.baseline.accuracy) }
    ], { zero: false }),
    lineChart('Validation loss', xs, [
      { name: 'network', color: '#27c', values: report.rounds.map((r) => r.network?.loss ?? null) },
      { name: 'centralized baseline', color: '#2a7', values: report.rounds.map((r) => r.baseline.loss) }
    ]),
    lineChart('Bytes per provider per round', xs, [
      { name: 'ML Bridge (sent + received)', color: '#27c', values: report.rounds.map((r) => r.bytesPerProvider.sent + r.bytesPerProvider.received) },
      { name: 'sync data-parallel SGD', color: '#c33', values: report.rounds.map((r) => r.syncDataParallelBytesPerProvider) }
    ], { unit: 'log10 bytes', log: true }),
    lineChart('Gas', xs, [
      { name: 'per round', color: '#c72', values: report.rounds.map((r) => r.gas.total) },
      { name: 'per accepted result', color: '#a3c', values: report.rounds.map((r) => r.gas.perAcceptedResult) }
    ]),
    timeChart(report)
  ]
  const o = report.options
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ML Bridge simulation</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}figure{display:inline-block;margin:8px}pre{background:#f6f6f6;padding:12px;overflow:auto;font-size:12px}</style></head>
<body><h1>ML Bridge simulation</h1>
<p>${o.providers} providers, ${o.byzantine} Byzantine (${esc(o.attack)}), ${o.rounds} rounds, aggregator ${esc(report.setup.aggregationRule)}. ${esc(report.setup.nodes)}.</p>
<p>Synchronous data-parallel SGD bytes per provider and round = 2 x params x 4 bytes x H steps (${report.setup.params} params, H = ${report.setup.localSteps}).</p>
${charts.join('\n')}
<h2>Tables</h2><pre>${esc(formatReport(report))}</pre>
</body></html>
`
}
