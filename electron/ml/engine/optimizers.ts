import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';

import { simdKernels } from './backends/simd/simdKernels';
import { type WasmBackend, heapF32, heapOffset } from './backends/wasmHeap';

interface Slots {
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * Adam (Kingma & Ba; PyTorch's defaults, same update as tf.train.adam) that holds memory to the
 * weights, their gradients and the two moment slots.
 *
 * tf.train.adam computes every variable's update inside one tf.tidy, so about ten temporaries per
 * weight are alive at once at the end of a step (≈ 5 GB for VGG16's 134 M weights, past the wasm
 * backend's 4 GB). Here each variable is updated on its own; on wasm the update is one loop over
 * the heap that rewrites the moment slots in place (only this optimiser reads them) and writes the
 * new weights to a fresh tensor (the convolution library caches packed weights by tensor, so
 * weights are never changed in place).
 */
export class LeanAdam extends tf.Optimizer {
  static get className(): string {
    return 'FcnStudioAdam';
  }

  private readonly slots = new Map<string, Slots>();

  constructor(
    public learningRate: number,
    public readonly beta1 = 0.9,
    public readonly beta2 = 0.999,
    public readonly epsilon = 1e-8,
  ) {
    super();
  }

  private slotsFor(name: string, value: tf.Variable): Slots {
    let s = this.slots.get(name);
    if (!s) {
      s = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(value), false), v: tf.variable(tf.zerosLike(value), false) }));
      this.slots.set(name, s);
    }
    return s;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const step = this.iterations + 1;
    const correction1 = 1 - this.beta1 ** step;
    const correction2 = 1 - this.beta2 ** step;
    const onWasm = tf.getBackend() === 'wasm';
    for (const [name, gradient] of entries) {
      if (gradient == null) continue;
      const value = tf.engine().registeredVariables[name];
      if (!value) throw new Error(`LeanAdam: no variable named ${name}`);
      const { m, v } = this.slotsFor(name, value);
      if (onWasm) this.updateOnHeap(value, gradient, m, v, correction1, correction2);
      else this.updateWithOps(value, gradient, m, v, correction1, correction2);
    }
    this.incrementIterations();
  }

  private updateWithOps(value: tf.Variable, g: tf.Tensor, m: tf.Variable, v: tf.Variable, c1: number, c2: number): void {
    tf.tidy(() => {
      const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
      const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      m.assign(newM);
      v.assign(newV);
      const step = tf.div(tf.div(newM, c1), tf.add(tf.sqrt(tf.div(newV, c2)), this.epsilon));
      value.assign(tf.sub(value, tf.mul(step, this.learningRate)));
    });
  }

  private updateOnHeap(value: tf.Variable, g: tf.Tensor, m: tf.Variable, v: tf.Variable, c1: number, c2: number): void {
    const backend = tf.backend() as unknown as WasmBackend;
    const outInfo = backend.makeOutput(value.shape, 'float32');
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const [a1, a2, lr1, inv2] = [1 - b1, 1 - b2, this.learningRate / c1, 1 / c2];
    const simd = simdKernels(backend);
    if (simd) {
      // In float32 four at a time: a tenth of the JS loop's time (10 ms a step for the small FCN).
      const at = (t: tf.TensorInfo) => heapOffset(backend, t);
      simd.adam(at(value), at(g), at(m), at(v), at(outInfo), value.size, b1, a1, b2, a2, lr1, inv2, eps);
    } else {
      // Views after the allocation: it may have grown (and so replaced) the heap's buffer.
      const [w, grad, mm, vv, out] = [value, g, m, v, outInfo].map((t) => heapF32(backend, t));
      for (let i = 0; i < value.size; i++) {
        const gi = grad[i];
        const mi = b1 * mm[i] + a1 * gi;
        const vi = b2 * vv[i] + a2 * gi * gi;
        mm[i] = mi;
        vv[i] = vi;
        out[i] = w[i] - (lr1 * mi) / (Math.sqrt(vi * inv2) + eps);
      }
    }
    const next = tf.engine().makeTensorFromTensorInfo(outInfo);
    value.assign(next);
    next.dispose();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const names = [...this.slots.keys()];
    return [
      await this.saveIterations(),
      ...names.map((n) => ({ name: `${n}/m`, tensor: this.slots.get(n)!.m as tf.Tensor })),
      ...names.map((n) => ({ name: `${n}/v`, tensor: this.slots.get(n)!.v as tf.Tensor })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
    const half = rest.length / 2;
    for (let i = 0; i < half; i++) {
      const name = rest[i].name.replace(/\/m$/, '');
      // Copies: the slots are rewritten in place, so they must not share memory with the caller's tensors.
      this.slots.set(
        name,
        tf.tidy(() => ({
          m: tf.variable(tf.mul(rest[i].tensor, 1), false),
          v: tf.variable(tf.mul(rest[half + i].tensor, 1), false),
        })),
      );
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  override dispose(): void {
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
    super.dispose();
  }
}
