import { routeHref } from '../router.tsx'
import { formatBps, formatLoss } from './format.ts'
import { LAYOUT, layoutLineage, type LineageFork, type LineageVersion } from './lineage.ts'

const RADIUS = 16

/** The version's scores for its name, when it has any (a task's initial model and an unscored merge have none). */
const metrics = ({ accuracyBps, loss }: LineageVersion): string =>
  accuracyBps === undefined || loss === undefined || (accuracyBps === 0 && loss === 0n) ? '' : `, accuracy ${formatBps(accuracyBps)}, loss ${formatLoss(loss)}`

/**
 * The lineage as inline SVG: columns by depth, parent → child edges, merges dashed, the head ringed.
 * A group, not an image: its versions and forks are links a keyboard reaches, each named for itself.
 */
export function LineageGraph ({ modelId, versions, head, forks }: { modelId: bigint, versions: readonly LineageVersion[], head: bigint, forks: readonly LineageFork[] }): React.JSX.Element {
  const layout = layoutLineage({ modelId, versions, head, forks })
  const at = new Map(layout.nodes.map((n) => [n.versionId, n]))
  return (
    <svg className="lineage" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label={`Lineage of model ${modelId}`} data-testid="lineage-graph">
      <defs>
        <marker id="lineage-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="lineage-arrowhead" />
        </marker>
      </defs>
      {layout.edges.map((edge) => {
        const from = at.get(edge.from)
        const to = at.get(edge.to)
        if (from === undefined || to === undefined) return null
        const key = `${edge.from}-${edge.to}-${edge.kind}`
        if (edge.span > 1) {
          // An edge that skips columns would run through the versions between: arc over them.
          const lift = Math.min(from.y, to.y) - LAYOUT.margin * 0.8
          return <path key={key} className={`lineage-edge ${edge.kind}`} d={`M ${from.x} ${from.y - RADIUS} Q ${(from.x + to.x) / 2} ${lift} ${to.x} ${to.y - RADIUS}`} fill="none" markerEnd="url(#lineage-arrow)" />
        }
        const dx = to.x - from.x
        const dy = to.y - from.y
        const length = Math.hypot(dx, dy)
        return (
          <line
            key={key}
            className={`lineage-edge ${edge.kind}`}
            x1={from.x + (dx / length) * RADIUS} y1={from.y + (dy / length) * RADIUS}
            x2={to.x - (dx / length) * RADIUS} y2={to.y - (dy / length) * RADIUS}
            markerEnd="url(#lineage-arrow)"
          />
        )
      })}
      {layout.forks.map((fork) => {
        const from = at.get(fork.from)
        if (from === undefined) return null
        return (
          <a key={`fork-${fork.modelId}`} href={routeHref({ page: 'model', modelId: fork.modelId })} data-testid="lineage-fork" data-model-id={fork.modelId.toString()}>
            <line className="lineage-edge fork" x1={from.x} y1={from.y + RADIUS} x2={fork.x - 4} y2={fork.y} />
            <text className="lineage-fork-label" x={fork.x} y={fork.y + 4}>fork → model {fork.modelId.toString()}</text>
          </a>
        )
      })}
      {layout.nodes.map((node) => (
        <a
          key={node.versionId.toString()}
          href={routeHref({ page: 'version', versionId: node.versionId })}
          data-testid="lineage-node"
          data-version-id={node.versionId.toString()}
          data-head={node.isHead ? 'true' : undefined}
          data-accuracy-bps={node.accuracyBps}
          data-loss={node.loss?.toString()}
        >
          {/* the link's name: an aria-label would hide the number it shows (axe label-content-name-mismatch) */}
          <title>{`Version ${node.versionId} (${node.status})${node.external ? `, model ${node.modelId}` : ''}${node.isHead ? ', head' : ''}${metrics(node)}`}</title>
          {node.isHead && <circle className="lineage-head-ring" cx={node.x} cy={node.y} r={RADIUS + 5} />}
          <circle className={`lineage-node ${node.status.toLowerCase()}${node.external ? ' external' : ''}`} cx={node.x} cy={node.y} r={RADIUS} />
          <text className="lineage-label" x={node.x} y={node.y + 4} textAnchor="middle">{node.versionId.toString()}</text>
          {node.isHead && <text className="lineage-caption" x={node.x} y={node.y - RADIUS - 8} textAnchor="middle">head</text>}
          {node.external && <text className="lineage-caption" x={node.x} y={node.y + RADIUS + 14} textAnchor="middle">model {node.modelId.toString()}</text>}
        </a>
      ))}
    </svg>
  )
}
