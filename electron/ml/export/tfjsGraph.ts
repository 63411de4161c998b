import type { Activation, FcnConfig } from '../engine';
import { type ExportWeight, type FcnGraphWriter, type PreprocessSpec, writeFcn } from './fcnGraph';

/** A node of a TensorFlow GraphDef in the JSON form tf.loadGraphModel reads. */
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

/** A constant of the graph, stored in the weights manifest under its node name. */
export interface GraphConstant {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

const f32 = (values: number[], shape = [values.length]) => ({ dtype: 'float32' as const, shape, data: Float32Array.from(values) });
const i32 = (values: number[], shape = [values.length]) => ({ dtype: 'int32' as const, shape, data: Int32Array.from(values) });

const base64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const typeAttr = (dtype: 'DT_FLOAT' | 'DT_INT32') => ({ type: dtype });
const listAttr = (values: number[]) => ({ list: { i: values.map(String) } });
const stringAttr = (s: string) => ({ s: base64(s) });
const FLOAT = typeAttr('DT_FLOAT');
const INT = typeAttr('DT_INT32');

/** Builds a GraphDef in NHWC (TF.js's native layout); every constant travels in the weights manifest. */
class TfGraphWriter implements FcnGraphWriter<string> {
  readonly nodes: GraphNode[] = [];
  readonly constants: GraphConstant[] = [];
  private counter = 0;

  constructor(private readonly weights: Map<string, ExportWeight>) {}

  private node(op: string, inputs: string[], attr: Record<string, unknown> = {}, name?: string): string {
    const id = name ?? `${op}_${this.counter++}`;
    this.nodes.push({ name: id, op, input: inputs, attr });
    return id;
  }

  private constant(value: Omit<GraphConstant, 'name'>, name?: string): string {
    const id = name ?? `const_${this.counter++}`;
    const dtype = value.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    this.nodes.push({
      name: id,
      op: 'Const',
      attr: {
        value: { tensor: { dtype, tensorShape: { dim: value.shape.map((size) => ({ size: String(size) })) } } },
        dtype: typeAttr(dtype),
      },
    });
    this.constants.push({ name: id, ...value });
    return id;
  }

  private layerWeight(name: string): string {
    const w = this.weights.get(name);
    if (!w) throw new Error(`checkpoint has no weight ${name}`);
    return this.constant({ dtype: 'float32', shape: w.shape, data: w.data }, name);
  }

  input(): string {
    this.nodes.push({
      name: 'image',
      op: 'Placeholder',
      attr: { dtype: FLOAT, shape: { shape: { dim: [-1, -1, -1, 3].map((size) => ({ size: String(size) })) } } },
    });
    return 'image';
  }

  preprocess(x: string, spec: PreprocessSpec): string {
    let y = spec.bgr ? this.node('ReverseV2', [x, this.constant(i32([3]))], { T: FLOAT, Tidx: INT }) : x;
    y = this.node('Sub', [y, this.constant(f32(spec.mean))], { T: FLOAT });
    return spec.std ? this.node('RealDiv', [y, this.constant(f32(spec.std))], { T: FLOAT }) : y;
  }

  private fusedAttrs(activation: Activation, stride: number): Record<string, unknown> {
    const fused = activation === 'linear' ? ['BiasAdd'] : ['BiasAdd', activation === 'relu' ? 'Relu' : 'Relu6'];
    return {
      T: FLOAT,
      num_args: { i: '1' },
      fused_ops: { list: { s: fused.map(base64) } },
      strides: listAttr([1, stride, stride, 1]),
      padding: stringAttr('SAME'),
      data_format: stringAttr('NHWC'),
      dilations: listAttr([1, 1, 1, 1]),
      epsilon: { f: 0 },
    };
  }

  conv(x: string, layer: string, activation: Activation, stride = 1): string {
    return this.node('_FusedConv2D', [x, this.layerWeight(`${layer}/kernel`), this.layerWeight(`${layer}/bias`)], this.fusedAttrs(activation, stride));
  }

  depthwiseConv(x: string, layer: string, activation: Activation, stride: number): string {
    const inputs = [x, this.layerWeight(`${layer}/depthwise_kernel`), this.layerWeight(`${layer}/bias`)];
    return this.node('FusedDepthwiseConv2dNative', inputs, this.fusedAttrs(activation, stride));
  }

  dropout(x: string): string {
    return x;
  }

  maxPool(x: string): string {
    return this.node('MaxPool', [x], {
      T: FLOAT,
      ksize: listAttr([1, 2, 2, 1]),
      strides: listAttr([1, 2, 2, 1]),
      padding: stringAttr('SAME'),
      data_format: stringAttr('NHWC'),
    });
  }

  upsample(x: string, layer: string, stride: number): string {
    // Input and output channels are both numClasses, so the output shape is the input's scaled by [1, s, s, 1].
    const outputShape = this.node('Mul', [this.node('Shape', [x], { T: FLOAT, out_type: INT }), this.constant(i32([1, stride, stride, 1]))], { T: INT });
    return this.node('Conv2DBackpropInput', [outputShape, this.layerWeight(`${layer}/kernel`), x], {
      T: FLOAT,
      strides: listAttr([1, stride, stride, 1]),
      padding: stringAttr('SAME'),
      data_format: stringAttr('NHWC'),
      dilations: listAttr([1, 1, 1, 1]),
    });
  }

  add(a: string, b: string): string {
    return this.node('AddV2', [a, b], { T: FLOAT });
  }

  cropToInput(x: string, input: string): string {
    return this.cropTo(x, input);
  }

  cropTo(x: string, like: string): string {
    const inputShape = this.node('Shape', [like], { T: FLOAT, out_type: INT });
    // size = [-1, H, W, -1]
    const size = this.node('AddV2', [this.node('Mul', [inputShape, this.constant(i32([0, 1, 1, 0]))], { T: INT }), this.constant(i32([-1, 0, 0, -1]))], { T: INT });
    return this.node('Slice', [x, this.constant(i32([0, 0, 0, 0])), size], { T: FLOAT, Index: INT });
  }

  output(x: string): void {
    this.node('Identity', [x], { T: FLOAT }, 'logits');
  }
}

export interface TfjsGraphArtifacts {
  /** model.json content (without the weights manifest, which depends on how the weights are sharded). */
  modelTopology: { node: GraphNode[]; library: Record<string, never>; versions: Record<string, never> };
  signature: Record<string, unknown>;
  /** Every constant of the graph, weights included, by node name . */
  constants: GraphConstant[];
}

function tensorSignature(name: string, dims: number[]) {
  return { name: `${name}:0`, dtype: 'DT_FLOAT', tensorShape: { dim: dims.map((size) => ({ size: String(size) })) } };
}

/** A TF GraphDef (JSON, as tf.loadGraphModel reads it) computing FcnModel.forward, preprocessing and padding included. */
export function buildTfjsGraph(config: FcnConfig, weights: Map<string, ExportWeight>): TfjsGraphArtifacts {
  const writer = new TfGraphWriter(weights);
  writeFcn(writer, config);
  return {
    modelTopology: { node: writer.nodes, library: {}, versions: {} },
    signature: {
      inputs: { image: tensorSignature('image', [-1, -1, -1, 3]) },
      outputs: { logits: tensorSignature('logits', [-1, -1, -1, config.numClasses]) },
    },
    constants: writer.constants,
  };
}
