/**
 * The lineage of a model as a drawing: versions are nodes placed in columns by depth (a version
 * sits one column right of its deepest parent, so task rounds read left to right), edges run
 * parent → child, a merge has two incoming edges. Versions of other models that this one grew
 * from (the version a fork started at) are drawn too, marked external.
 */
import { MLBridgeError } from '../../core/errors.ts'

export interface LineageVersion {
  versionId: bigint
  modelId: bigint
  /** 0n: none */
  parent: bigint
  /** 0n: none; set for merges */
  mergeParent: bigint
  status: string
  /** the registry's metrics (basis points, loss × 1e6); both zero for a version nobody scored */
  accuracyBps?: number
  loss?: bigint
}

/** A model started from a version of this lineage (`fork`). */
export interface LineageFork {
  modelId: bigint
  from: bigint
}

export interface LineageNode extends LineageVersion {
  depth: number
  lane: number
  x: number
  y: number
  isHead: boolean
  /** a version of another model (where this one forked from) */
  external: boolean
}

export interface LineageEdge {
  from: bigint
  to: bigint
  kind: 'parent' | 'merge'
  /** columns the edge crosses: more than 1 means it passes other versions and is drawn as an arc */
  span: number
}

export interface ForkMark {
  modelId: bigint
  from: bigint
  x: number
  y: number
}

export interface LineageLayout {
  nodes: LineageNode[]
  edges: LineageEdge[]
  forks: ForkMark[]
  width: number
  height: number
}

export const LAYOUT = { column: 90, row: 60, margin: 40, forkOffset: 36 } as const

const byId = (a: { versionId: bigint }, b: { versionId: bigint }): number => (a.versionId < b.versionId ? -1 : a.versionId > b.versionId ? 1 : 0)

/**
 * Lays out `versions` (the model's own and any external ancestors it references). Parents have
 * smaller ids than children (the registry guarantees it), so one pass in id order settles depths.
 */
export function layoutLineage (input: { modelId: bigint, versions: readonly LineageVersion[], head: bigint, forks?: readonly LineageFork[] }): LineageLayout {
  const sorted = [...input.versions].sort(byId)
  const depth = new Map<bigint, number>()
  for (const v of sorted) {
    const parents = [v.parent, v.mergeParent].filter((p) => p !== 0n && depth.has(p))
    depth.set(v.versionId, parents.length === 0 ? 0 : Math.max(...parents.map((p) => depth.get(p) as number)) + 1)
  }
  const lanes = new Map<number, number>()
  const nodes: LineageNode[] = sorted.map((v) => {
    const d = depth.get(v.versionId) as number
    const lane = lanes.get(d) ?? 0
    lanes.set(d, lane + 1)
    return {
      ...v,
      depth: d,
      lane,
      x: LAYOUT.margin + d * LAYOUT.column,
      y: LAYOUT.margin + lane * LAYOUT.row,
      isHead: v.versionId === input.head,
      external: v.modelId !== input.modelId
    }
  })
  const at = new Map(nodes.map((n) => [n.versionId, n]))
  const edges: LineageEdge[] = []
  for (const n of nodes) {
    for (const [from, kind] of [[n.parent, 'parent'], [n.mergeParent, 'merge']] as const) {
      const parent = at.get(from)
      if (parent !== undefined) edges.push({ from, to: n.versionId, kind, span: n.depth - parent.depth })
    }
  }
  const forkCount = new Map<bigint, number>()
  const forks: ForkMark[] = []
  for (const fork of input.forks ?? []) {
    const node = at.get(fork.from)
    if (node === undefined || fork.modelId === input.modelId) continue
    const k = forkCount.get(fork.from) ?? 0
    forkCount.set(fork.from, k + 1)
    forks.push({ modelId: fork.modelId, from: fork.from, x: node.x + LAYOUT.column / 2, y: node.y + LAYOUT.forkOffset + k * 18 })
  }
  const maxX = Math.max(0, ...nodes.map((n) => n.x), ...forks.map((f) => f.x + 40))
  const maxY = Math.max(0, ...nodes.map((n) => n.y), ...forks.map((f) => f.y))
  return { nodes, edges, forks, width: maxX + LAYOUT.margin * 2, height: maxY + LAYOUT.margin * 2 }
}

export class NotAnAncestorError extends MLBridgeError {
  override name = 'NotAnAncestorError'
  constructor (readonly head: bigint, readonly target: bigint) {
    super('NOT_AN_ANCESTOR', `version ${target} is not an ancestor of the head ${head}`)
  }
}

/**
 * The rollback path the registry checks: from a parent of `head` down to `target`, each entry a
 * parent (or merge parent) of the one before. Shortest such path; throws NotAnAncestorError when
 * `target` is not reachable (or is the head itself).
 */
export function ancestorPath (versions: readonly LineageVersion[], head: bigint, target: bigint): bigint[] {
  const at = new Map(versions.map((v) => [v.versionId, v]))
  const cameFrom = new Map<bigint, bigint>()
  const queue: bigint[] = [head]
  while (queue.length > 0) {
    const current = queue.shift() as bigint
    const v = at.get(current)
    if (v === undefined) continue
    for (const p of [v.parent, v.mergeParent]) {
      if (p === 0n || cameFrom.has(p) || p === head) continue
      cameFrom.set(p, current)
      if (p === target) {
        const path: bigint[] = [p]
        let step = current
        while (step !== head) {
          path.unshift(step)
          step = cameFrom.get(step) as bigint
        }
        return path
      }
      queue.push(p)
    }
  }
  throw new NotAnAncestorError(head, target)
}

/** Ancestors of `head` among `versions`, nearest first by id descending (the rollback targets). */
export function ancestorsOf (versions: readonly LineageVersion[], head: bigint): bigint[] {
  const out: bigint[] = []
  for (const v of versions) {
    if (v.versionId === head) continue
    try {
      ancestorPath(versions, head, v.versionId)
      out.push(v.versionId)
    } catch (error) {
      if (!(error instanceof NotAnAncestorError)) throw error
    }
  }
  return out.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
}
