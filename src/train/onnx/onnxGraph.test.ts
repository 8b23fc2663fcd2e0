import onnxProto, { type onnx } from 'onnx-proto'
import { describe, expect, it } from 'vitest'
import { OnnxGraph } from './onnxGraph.ts'

const { ModelProto, TensorProto } = onnxProto.onnx

/** A copy of an initializer's raw_data, aligned for a typed array. */
const rawData = (t: onnx.ITensorProto | undefined): ArrayBuffer => Uint8Array.from(t?.rawData ?? []).buffer

describe('OnnxGraph', () => {
  it('encodes a ModelProto that decodes to the graph it was given: opset, attributes, initializers, inputs and outputs', () => {
    const graph = new OnnxGraph(17)
    const w = graph.floats('w', [2, 2], Float32Array.of(1, -2, 3.5, -1e9))
    const shape = graph.int64s('shape', [3], [0, -1, 4])
    const s = graph.node('Reshape', [graph.node('MatMul', ['x', w]), shape])
    graph.node('LayerNormalization', [s, graph.scalar('one', 1)], [{ name: 'axis', int: -1 }, { name: 'epsilon', float: 1e-5 }, { name: 'perm', ints: [2, 0, -1] }], 'y')
    graph.input('x', ['batch', 2])
    graph.output('y', ['batch', 2])
    const bytes = graph.encode({ docString: 'version 7' })

    expect(bytes.constructor).toBe(Uint8Array)
    expect(bytes.byteLength).toBe(bytes.buffer.byteLength)
    const model = ModelProto.decode(bytes)
    expect(ModelProto.verify(model)).toBeNull()
    const m = ModelProto.toObject(model, { longs: Number })
    expect(m.irVersion).toBe(8)
    expect(m.opsetImport).toEqual([{ domain: '', version: 17 }])
    const g = m.graph
    expect(g.docString).toBe('version 7')
    expect(g.node.map((n: { opType: string }) => n.opType)).toEqual(['MatMul', 'Reshape', 'LayerNormalization'])
    expect(g.node[2].output).toEqual(['y'])
    expect(g.node[1].input).toEqual([g.node[0].output[0], 'shape'])
    const [axis, epsilon, perm] = g.node[2].attribute
    expect(axis).toMatchObject({ name: 'axis', i: -1, type: 2 })
    expect(epsilon.name).toBe('epsilon')
    expect(epsilon.f).toBeCloseTo(1e-5, 10)
    expect(perm).toMatchObject({ name: 'perm', ints: [2, 0, -1], type: 7 })

    const [wt, st, one] = model.graph?.initializer ?? []
    expect(wt?.dataType).toBe(TensorProto.DataType.FLOAT)
    expect(Array.from(new Float32Array(rawData(wt)))).toEqual([1, -2, 3.5, -1e9])
    expect(st?.dataType).toBe(TensorProto.DataType.INT64)
    expect(Array.from(new BigInt64Array(rawData(st)))).toEqual([0n, -1n, 4n])
    expect(one?.dims).toEqual([])
    expect(g.input[0].type.tensorType.shape.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 2 }])
    expect(g.output[0].name).toBe('y')
  })
})
