/**
 * An ONNX graph under construction: nodes in execution order, initializers, inputs and outputs,
 * encoded as a ModelProto by onnx-proto (protobufjs code generated from ONNX's own onnx.proto), so
 * no field number or wire type is spelled out here. Node outputs get fresh names unless one is
 * asked for, and every node is named after its op and position.
 */
import onnxProto, { type onnx } from 'onnx-proto'

const { AttributeProto, ModelProto, TensorProto } = onnxProto.onnx

/** The element type a Cast to int64 names. */
export const INT64 = TensorProto.DataType.INT64

/** ONNX IR version 8 (ONNX 1.10+), which every opset up to 17 allows. */
const IR_VERSION = 8

export type Attribute =
  | { name: string, int: number }
  | { name: string, ints: readonly number[] }
  | { name: string, float: number }

function attribute (a: Attribute): onnx.IAttributeProto {
  if ('int' in a) return { name: a.name, type: AttributeProto.AttributeType.INT, i: a.int }
  if ('ints' in a) return { name: a.name, type: AttributeProto.AttributeType.INTS, ints: [...a.ints] }
  return { name: a.name, type: AttributeProto.AttributeType.FLOAT, f: a.float }
}

/** A dimension: a size, or a name for one given at run time (e.g. "batch"). */
export type Dim = number | string

function valueInfo (name: string, dims: readonly Dim[]): onnx.IValueInfoProto {
  const dim = dims.map((d): onnx.TensorShapeProto.IDimension => typeof d === 'number' ? { dimValue: d } : { dimParam: d })
  return { name, type: { tensorType: { elemType: TensorProto.DataType.FLOAT, shape: { dim } } } }
}

/**
 * raw_data is little-endian, as typed arrays are on every platform browsers run on. The copy makes
 * the bytes exactly this tensor's, whatever view the caller passed.
 */
function rawBytes (values: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(values.slice().buffer)
}

export interface ModelOptions {
  producerVersion?: string
  /** stored as the graph's doc string, e.g. the version's CID */
  docString?: string
}

export class OnnxGraph {
  private readonly nodes: onnx.INodeProto[] = []
  private readonly initializers: onnx.ITensorProto[] = []
  private readonly inputs: onnx.IValueInfoProto[] = []
  private readonly outputs: onnx.IValueInfoProto[] = []

  /** `opset`: the version of the default ONNX operator set the nodes are written against. */
  constructor (readonly opset: number) {}

  get nodeCount (): number {
    return this.nodes.length
  }

  /** Adds `op` and returns the name of its output: `output` when given, else a fresh one. */
  node (op: string, inputs: readonly string[], attributes: readonly Attribute[] = [], output?: string): string {
    const index = this.nodes.length
    const out = output ?? `t${index}_${op.toLowerCase()}`
    this.nodes.push({ input: [...inputs], output: [out], name: `${op}_${index}`, opType: op, attribute: attributes.map(attribute) })
    return out
  }

  /** A float32 initializer; returns its name. */
  floats (name: string, dims: readonly number[], values: Float32Array): string {
    this.initializers.push({ name, dims: [...dims], dataType: TensorProto.DataType.FLOAT, rawData: rawBytes(values) })
    return name
  }

  /** A float32 scalar initializer (dims []), for constants broadcast against a tensor. */
  scalar (name: string, value: number): string {
    return this.floats(name, [], Float32Array.of(value))
  }

  /** An int64 initializer (shapes, indices); returns its name. */
  int64s (name: string, dims: readonly number[], values: readonly number[]): string {
    this.initializers.push({ name, dims: [...dims], dataType: TensorProto.DataType.INT64, rawData: rawBytes(BigInt64Array.from(values, BigInt)) })
    return name
  }

  /** Declares a float32 graph input. */
  input (name: string, dims: readonly Dim[]): void {
    this.inputs.push(valueInfo(name, dims))
  }

  /** Declares a float32 graph output, the output of some node. */
  output (name: string, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, dims))
  }

  /** The serialized ModelProto, in a Uint8Array of its own (transferable to another thread). */
  encode (options: ModelOptions = {}): Uint8Array {
    const bytes = ModelProto.encode({
      irVersion: IR_VERSION,
      producerName: 'ml-bridge',
      producerVersion: options.producerVersion ?? '1',
      opsetImport: [{ domain: '', version: this.opset }],
      graph: {
        name: 'ml-bridge',
        node: this.nodes,
        initializer: this.initializers,
        docString: options.docString ?? '',
        input: this.inputs,
        output: this.outputs
      }
    }).finish()
    // In Node protobufjs writes into a Buffer, which may be a slice of a shared pool.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.constructor === Uint8Array
    return own ? bytes : new Uint8Array(bytes)
  }
}
