/**
 * Where one training step's time goes: wall time per kernel (outermost calls only) and, with
 * `--shapes`, per kernel and input shape, with GFLOP/s for the convolutions (2 FLOPs per
 * multiply-add) to hold against the ≈ 95 GFLOP/s per thread wasm SIMD ceiling of this CPU.
 * Each figure is the least of --steps timed steps (after 3 warm-ups): the machine is shared, and
 * the least time is the one least disturbed by other processes.
 *
 *   npx tsx bench/stepProfile.ts [--batch 8] [--size 176] [--classes 11] [--backbone small] [--steps 6] [--shapes] [--json]
 *
 * Defaults are CamVid's default training step (batch 8, 176² crops padded to 192², 11 classes).
 */
import { parseArgs } from 'node:util';

import type * as tf from '@tensorflow/tfjs-core';

import { type BackboneName, buildFcn, createOptimizer, selectBackend, trainStep } from '../electron/ml/engine';
import { type KernelCall, withKernelTimer } from './kernelTimer';

interface Row {
  ms: number;
  macs: number;
  calls: number;
}

type Inputs = Record<string, tf.TensorInfo | undefined>;
type Attrs = Record<string, unknown>;

const dims = (t: tf.TensorInfo | undefined) => (t ? t.shape.join('×') : '?');

/** A kernel call's label (with its shapes) and its multiply-adds where it is a convolution. */
function describeCall(name: string, inputs: Inputs, attrs: Attrs, byShape: boolean): [string, number] {
  const stride = (attrs.strides as number[] | number | undefined) ?? 1;
  const s = Array.isArray(stride) ? stride[0] : stride;
  if ((name === 'FusedConv2D' || name === 'Conv2D') && inputs.x && inputs.filter) {
    const [n, h, w, ci] = inputs.x.shape;
    const [kh, kw, , co] = inputs.filter.shape;
    return [byShape ? `${name} x ${dims(inputs.x)} k${kh}×${kw} → ${co} /${s}` : name, n * Math.ceil(h / s) * Math.ceil(w / s) * kh * kw * ci * co];
  }
  if (name === 'Conv2DBackpropInput' && inputs.dy && inputs.filter) {
    const [n, oh, ow, co] = inputs.dy.shape;
    const [kh, kw, ci] = inputs.filter.shape;
    return [byShape ? `${name} dy ${dims(inputs.dy)} k${kh}×${kw} → ${ci}` : name, n * oh * ow * kh * kw * ci * co];
  }
  if (name === 'Conv2DBackpropFilter' && inputs.dy) {
    const [n, oh, ow, co] = inputs.dy.shape;
    const [kh, kw, ci] = attrs.filterShape as number[];
    return [byShape ? `${name} dy ${dims(inputs.dy)} k${kh}×${kw} ← ${ci}` : name, n * oh * ow * kh * kw * ci * co];
  }
  const first = Object.values(inputs)[0];
  return [byShape ? `${name} ${dims(first)}` : name, 0];
}

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '8' },
    size: { type: 'string', default: '176' },
    classes: { type: 'string', default: '11' },
    backbone: { type: 'string', default: 'small' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '6' },
    top: { type: 'string', default: '40' },
    shapes: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const [n, size, classes, steps] = [values.batch, values.size, values.classes, values.steps].map(Number);

const choice = await selectBackend(values.backend as Parameters<typeof selectBackend>[0]);
const model = buildFcn({ head: 'fcn8s', backbone: values.backbone as BackboneName, numClasses: classes, dropout: 0.5, seed: 1 });
const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-3 });
let seed = 7;
const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
const batch = {
  images: Float32Array.from({ length: n * size * size * 3 }, () => random() * 255),
  masks: Uint8Array.from({ length: n * size * size }, () => Math.floor(random() * classes)),
  n,
  height: size,
  width: size,
};
const step = async () => void (await trainStep(model, optimizer, batch));
for (let i = 0; i < 3; i++) await step();

const current = new Map<string, Row>();
const least = new Map<string, Row>();
let wall = Infinity;
const record = (name: string, call: KernelCall, ms: number) => {
  const [label, macs] = describeCall(name, call.inputs as Inputs, (call.attrs ?? {}) as Attrs, values.shapes);
  const row = current.get(label) ?? { ms: 0, macs: 0, calls: 0 };
  row.ms += ms;
  row.macs += macs;
  row.calls += 1;
  current.set(label, row);
};
await withKernelTimer(record, async () => {
  for (let i = 0; i < steps; i++) {
    current.clear();
    const t0 = performance.now();
    await step();
    wall = Math.min(wall, performance.now() - t0);
    for (const [label, row] of current) if (!least.has(label) || row.ms < least.get(label)!.ms) least.set(label, { ...row });
  }
});
const rows = [...least.entries()].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = rows.reduce((sum, [, r]) => sum + r.ms, 0);
const gflops = (r: Row) => (r.macs ? (2 * r.macs) / (r.ms * 1e6) : null);
const where = `${choice.backend}${choice.threads ? ` ×${choice.threads}` : ''}`;
if (values.json) {
  const kernels = rows.map(([kernel, r]) => ({ kernel, ms: +r.ms.toFixed(2), calls: r.calls, gflopsPerS: gflops(r) && +gflops(r)!.toFixed(1) }));
  console.log(JSON.stringify({ backend: where, batch: n, size, classes, backbone: values.backbone, steps, stepMs: +wall.toFixed(1), kernelMs: +inKernels.toFixed(1), kernels }));
} else {
  console.log(`FCN-8s/${values.backbone} b${n} ${size}² ${classes} classes on ${where}: step ${wall.toFixed(1)} ms (least of ${steps}), ${inKernels.toFixed(1)} ms in kernels`);
  for (const [label, r] of rows.slice(0, Number(values.top))) {
    const rate = gflops(r);
    console.log(`${r.ms.toFixed(2).padStart(8)} ms ${String(r.calls).padStart(4)}× ${rate === null ? ''.padStart(11) : `${rate.toFixed(1).padStart(6)} GF/s`}  ${label}`);
  }
}
process.exit(0);
