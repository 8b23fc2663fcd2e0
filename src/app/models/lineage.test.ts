import { describe, expect, it } from 'vitest'
import { ancestorPath, ancestorsOf, layoutLineage, LAYOUT, NotAnAncestorError, type LineageVersion } from './lineage.ts'

const v = (versionId: number, parent = 0, mergeParent = 0, modelId = 1): LineageVersion =>
  ({ versionId: BigInt(versionId), parent: BigInt(parent), mergeParent: BigInt(mergeParent), modelId: BigInt(modelId), status: 'Final' })

// 1 → 2 → 3 → 5 (merge of 3 and 4), 1 → 4
const graph = [v(1), v(2, 1), v(3, 2), v(4, 1), v(5, 3, 4)]

describe('layoutLineage', () => {
  it('puts each version one column right of its deepest parent and stacks a column in id order', () => {
    const layout = layoutLineage({ modelId: 1n, versions: graph, head: 5n })
    const pos = Object.fromEntries(layout.nodes.map((n) => [n.versionId.toString(), [n.depth, n.lane]]))
    expect(pos).toEqual({ 1: [0, 0], 2: [1, 0], 3: [2, 0], 4: [1, 1], 5: [3, 0] })
    const four = layout.nodes.find((n) => n.versionId === 4n)
    expect(four?.x).toBe(LAYOUT.margin + LAYOUT.column)
    expect(four?.y).toBe(LAYOUT.margin + LAYOUT.row)
  })

  it('draws parent edges and a second, merge edge into a merge', () => {
    const { edges } = layoutLineage({ modelId: 1n, versions: graph, head: 5n })
    expect(edges).toContainEqual({ from: 3n, to: 5n, kind: 'parent', span: 1 })
    expect(edges).toContainEqual({ from: 4n, to: 5n, kind: 'merge', span: 2 })
    expect(edges).toHaveLength(5)
  })

  it('marks the head and versions of other models', () => {
    const forked = [v(2, 0, 0, 1), v(7, 2, 0, 3)]
    const layout = layoutLineage({ modelId: 3n, versions: forked, head: 7n })
    expect(layout.nodes.map((n) => [n.versionId, n.isHead, n.external])).toEqual([[2n, false, true], [7n, true, false]])
    expect(layout.edges).toEqual([{ from: 2n, to: 7n, kind: 'parent', span: 1 }])
  })

  it('places forks to other models next to the version they start from, and ignores unknown ones', () => {
    const layout = layoutLineage({ modelId: 1n, versions: graph, head: 5n, forks: [{ modelId: 2n, from: 3n }, { modelId: 9n, from: 99n }, { modelId: 4n, from: 3n }] })
    expect(layout.forks.map((f) => f.modelId)).toEqual([2n, 4n])
    expect(layout.forks[1]!.y).toBeGreaterThan(layout.forks[0]!.y)
  })

  it('sizes an empty lineage without throwing', () => {
    const layout = layoutLineage({ modelId: 1n, versions: [], head: 0n })
    expect(layout.nodes).toEqual([])
    expect(layout.width).toBeGreaterThan(0)
  })
})

describe('ancestorPath', () => {
  it('runs from a parent of the head down to the target', () => {
    expect(ancestorPath(graph, 5n, 2n)).toEqual([3n, 2n])
    expect(ancestorPath(graph, 5n, 3n)).toEqual([3n])
  })

  it('may go through the merge parent, taking the shortest way', () => {
    expect(ancestorPath(graph, 5n, 4n)).toEqual([4n])
    expect(ancestorPath(graph, 5n, 1n)).toEqual([4n, 1n])
  })

  it('refuses the head itself and versions that are not ancestors', () => {
    expect(() => ancestorPath(graph, 5n, 5n)).toThrow(NotAnAncestorError)
    expect(() => ancestorPath(graph, 3n, 4n)).toThrow('version 4 is not an ancestor of the head 3')
  })

  it('lists every ancestor as a rollback target, newest first', () => {
    expect(ancestorsOf(graph, 5n)).toEqual([4n, 3n, 2n, 1n])
    expect(ancestorsOf(graph, 4n)).toEqual([1n])
  })
})
