// onnx-proto is CommonJS whose named exports Node's ESM loader cannot see: take the default export.
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

import { type Activation, type FcnConfig, preprocessAsConv } from '../engine';
import { type ExportWeight, type FcnGraphWriter, type PreprocessSpec, samePadding, writeFcn } from './fcnGraph';

/** Opset of the exported graph: 13 gives Pad with a `pads` input; everything used is unchanged up to 21. */
export const ONNX_OPSET = 13;
const IR_VERSION = 7;

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

function floatTensor(name: string, shape: number[], data: Float32Array): Onnx.ITensorProto {
  return { name, dims: shape, dataType: DataType.FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function int64Tensor(name: string, values: number[]): Onnx.ITensorProto {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { name, dims: [values.length], dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) };
}

function ints(name: string, values: number[]): Onnx.IAttributeProto {
  return { name, type: AttributeType.INTS, ints: values };
}

function sameUpper(): Onnx.IAttributeProto {
  return { name: 'auto_pad', type: AttributeType.STRING, s: new TextEncoder().encode('SAME_UPPER') };
}

function int(name: string, value: number): Onnx.IAttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

/** Reorders an [a, b, c, d] float32 array by axis permutation `perm` (TF layouts → ONNX layouts). */
function transposeData(data: Float32Array, shape: number[], perm: number[]): { data: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const s = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  let o = 0;
  for (let i0 = 0; i0 < outShape[0]; i0++) {
    for (let i1 = 0; i1 < outShape[1]; i1++) {
      for (let i2 = 0; i2 < outShape[2]; i2++) {
        const base = i0 * s[0] + i1 * s[1] + i2 * s[2];
        for (let i3 = 0; i3 < outShape[3]; i3++) out[o++] = data[base + i3 * s[3]];
      }
    }
  }
  return { data: out, shape: outShape };
}

/** Builds the graph in NCHW (what ONNX's Conv wants) between an NHWC input and an NHWC output. */
class OnnxWriter implements FcnGraphWriter<string> {
  readonly nodes: Onnx.INodeProto[] = [];
  readonly initializers: Onnx.ITensorProto[] = [];
  private counter = 0;

  constructor(
    private readonly weights: Map<string, ExportWeight>,
    private readonly numClasses: number,
  ) {}

  private node(opType: string, inputs: string[], attribute: Onnx.IAttributeProto[] = [], output?: string): string {
    const name = output ?? `${opType.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ opType, input: inputs, output: [name], name, attribute });
    return name;
  }

  private constInt64(values: number[]): string {
    const name = `const_${this.counter++}`;
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  private constScalar(value: number): string {
    const name = `const_${this.counter++}`;
    this.initializers.push(floatTensor(name, [], Float32Array.of(value)));
    return name;
  }

  private weight(name: string): ExportWeight {
    const w = this.weights.get(name);
    if (!w) throw new Error(`checkpoint has no weight ${name}`);
    return w;
  }

  /**
   * The kernel as an ONNX initializer. TF.js conv kernels are [kh, kw, in, out], transposed-conv
   * kernels [kh, kw, out, in] and depthwise kernels [kh, kw, channels, 1]; ONNX wants [out, in, kh, kw],
   * [in, out, kh, kw] and [channels, 1, kh, kw] (a grouped Conv): the same permutation for the first
   * two, the depthwise one swaps its last two axes to the front as they are.
   */
  private kernelInitializer(layer: string, weightName = `${layer}/kernel`, perm = [3, 2, 0, 1]): { name: string; size: number } {
    const w = this.weight(weightName);
    const t = transposeData(w.data, w.shape, perm);
    this.initializers.push(floatTensor(`${layer}.weight`, t.shape, t.data));
    return { name: `${layer}.weight`, size: w.shape[0] };
  }

  private activation(y: string, activation: Activation): string {
    if (activation === 'relu') return this.node('Relu', [y]);
    if (activation === 'relu6') return this.node('Clip', [y, this.constScalar(0), this.constScalar(6)]);
    return y;
  }

  /**
   * A 'same'-padded convolution with bias. Stride 1: explicit pads. Strided: SAME_UPPER, ONNX's
   * name for TF's rule at every size (odd sides get a pad before as well).
   */
  private convNode(x: string, layer: string, kernel: { name: string; size: number }, stride: number, group: number): string {
    const bias = this.weight(`${layer}/bias`);
    this.initializers.push(floatTensor(`${layer}.bias`, bias.shape, bias.data));
    const [before, after] = samePadding(kernel.size, stride);
    return this.node('Conv', [x, kernel.name, `${layer}.bias`], [
      ints('kernel_shape', [kernel.size, kernel.size]),
      stride === 1 ? ints('pads', [before, before, after, after]) : sameUpper(),
      ints('strides', [stride, stride]),
      ...(group > 1 ? [int('group', group)] : []),
    ]);
  }

  input(): string {
    return 'image';
  }

  preprocess(x: string, spec: PreprocessSpec): string {
    const nchw = this.node('Transpose', [x], [ints('perm', [0, 3, 1, 2])]);
    const { filter, bias, channels } = preprocessAsConv(spec);
    const weight = transposeData(filter, [1, 1, channels, channels], [3, 2, 0, 1]);
    const name = `preprocess_${this.counter++}`;
    this.initializers.push(floatTensor(`${name}.weight`, weight.shape, weight.data), floatTensor(`${name}.bias`, [channels], bias));
    return this.node('Conv', [nchw, `${name}.weight`, `${name}.bias`], [ints('kernel_shape', [1, 1])]);
  }

  conv(x: string, layer: string, activation: Activation, stride = 1): string {
    return this.activation(this.convNode(x, layer, this.kernelInitializer(layer), stride, 1), activation);
  }

  depthwiseConv(x: string, layer: string, activation: Activation, stride: number): string {
    const channels = this.weight(`${layer}/depthwise_kernel`).shape[2];
    const kernel = this.kernelInitializer(layer, `${layer}/depthwise_kernel`, [2, 3, 0, 1]);
    return this.activation(this.convNode(x, layer, kernel, stride, channels), activation);
  }

  dropout(x: string): string {
    return x;
  }

  maxPool(x: string): string {
    // Rounding up (TF's 'same'): an odd side's last window is one row or column, padding ignored.
    return this.node('MaxPool', [x], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2]), sameUpper()]);
  }

  /**
   * The learnable ×s upsampling (TF's conv2dTranspose, kernel 2s, 'same'). For k = 2s it is
   * written as the engine computes it (upsampleByPhases): every output phase (ry, rx) reads a 2 × 2
   * window of x, so for each quadrant (a, b) and phase row ry' one 2 × 2 convolution gives the
   * (rx', C) channels of rows y·s + a·s/2 + ry'; concatenated in (a, ry', b) order they are
   * DepthToSpace's DCR layout. ONNX Runtime's ConvTranspose took as long as all the network's
   * convolutions together (col2im); these are its fast convolutions.
   */
  upsample(x: string, layer: string, stride: number): string {
    const w = this.weight(`${layer}/kernel`);
    const [k, , cout, cin] = w.shape;
    if (k !== 2 * stride || stride % 2 !== 0) return this.convTranspose(x, layer, stride);
    const half = stride / 2;
    // Kernel row (or column) of the transposed convolution that quadrant q's tap t uses for phase r.
    const tap = (q: number, t: number, r: number) => r + (q === 0 ? (t === 0 ? 3 * half : half) : t === 0 ? stride : 0);
    const pieces: string[] = [];
    for (let a = 0; a < 2; a++) {
      for (let ry = 0; ry < half; ry++) {
        for (let b = 0; b < 2; b++) {
          const data = new Float32Array(half * cout * cin * 4);
          for (let rx = 0; rx < half; rx++)
            for (let co = 0; co < cout; co++)
              for (let ci = 0; ci < cin; ci++)
                for (let ty = 0; ty < 2; ty++)
                  for (let tx = 0; tx < 2; tx++)
                    data[((((rx * cout + co) * cin + ci) * 2 + ty) * 2) + tx] = w.data[((tap(a, ty, ry) * k + tap(b, tx, rx)) * cout + co) * cin + ci];
          const name = `${layer}.phase_${a}_${ry}_${b}`;
          this.initializers.push(floatTensor(name, [half * cout, cin, 2, 2], data));
          pieces.push(this.node('Conv', [x, name], [ints('kernel_shape', [2, 2]), ints('pads', [1 - a, 1 - b, a, b])]));
        }
      }
    }
    const phases = this.node('Concat', pieces, [int('axis', 1)]);
    return this.node('DepthToSpace', [phases], [int('blocksize', stride), { name: 'mode', type: AttributeType.STRING, s: new TextEncoder().encode('DCR') }]);
  }

  private convTranspose(x: string, layer: string, stride: number): string {
    const kernel = this.kernelInitializer(layer);
    const [before, after] = samePadding(kernel.size, stride);
    return this.node('ConvTranspose', [x, kernel.name], [
      ints('kernel_shape', [kernel.size, kernel.size]),
      ints('pads', [before, before, after, after]),
      ints('strides', [stride, stride]),
    ]);
  }

  add(a: string, b: string): string {
    return this.node('Add', [a, b]);
  }

  cropTo(x: string, like: string): string {
    const hw = this.node('Gather', [this.node('Shape', [like]), this.constInt64([2, 3])], [int('axis', 0)]);
    return this.node('Slice', [x, this.constInt64([0, 0]), hw, this.constInt64([2, 3])]);
  }

  cropToInput(x: string, input: string): string {
    const hw = this.node('Gather', [this.node('Shape', [input]), this.constInt64([1, 2])], [int('axis', 0)]);
    return this.node('Slice', [x, this.constInt64([0, 0]), hw, this.constInt64([2, 3])]);
  }

  output(x: string): void {
    this.node('Transpose', [x], [ints('perm', [0, 2, 3, 1])], 'logits');
  }

  tensorInfo(name: string, dims: (number | string)[]): Onnx.IValueInfoProto {
    return {
      name,
      type: {
        tensorType: {
          elemType: DataType.FLOAT,
          shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    };
  }

  model(docString: string): Onnx.IModelProto {
    return {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: 'FCN Studio',
      docString,
      graph: {
        name: 'fcn',
        node: this.nodes,
        initializer: this.initializers,
        input: [this.tensorInfo('image', ['N', 'H', 'W', 3])],
        output: [this.tensorInfo('logits', ['N', 'H', 'W', this.numClasses])],
      },
    };
  }
}

/** The serialised ONNX model (ModelProto bytes) computing FcnModel.forward, preprocessing and padding included. */
export function buildOnnxModel(config: FcnConfig, weights: Map<string, ExportWeight>, docString = ''): Uint8Array {
  const writer = new OnnxWriter(weights, config.numClasses);
  writeFcn(writer, config);
  return onnx.ModelProto.encode(onnx.ModelProto.create(writer.model(docString))).finish();
}
