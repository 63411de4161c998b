import { type WasmBackend, heapMemory } from '../wasmHeap';
import { SIMD_KERNELS_SHARED, SIMD_KERNELS_UNSHARED } from './simdKernelBinary';
import { type SimdHelper, readySimdHelper, startSimdHelper } from './simdHelperThread';

export interface SimdKernels {
  filterGrad(
    x: number, dy: number, out: number, n: number, h: number, w: number, oh: number, ow: number,
    kh: number, kw: number, ci: number, co: number, top: number, left: number, chunkPositions: number, part: number, parts: number,
    coFrom: number, coTo: number, strideHeight: number, strideWidth: number,
  ): void;
  inputGrad(
    dy: number, wt: number, filter: number, dx: number, h: number, w: number, oh: number, ow: number, kh: number, kw: number,
    ci: number, co: number, top: number, left: number, sh: number, sw: number,
    ciFrom: number, ciTo: number, nFrom: number, nTo: number,
  ): void;
  addInto(dst: number, src: number, count: number): void;
  sumRows(src: number, rows: number, inner: number, acc: number, dst: number): void;
  maxpoolGrad2x2(x: number, g: number, dx: number, n: number, h: number, w: number, c: number): void;
  /** dy where 0 < y < hi (a clipped ReLU's gradient from its output). */
  reluGrad(dy: number, y: number, out: number, count: number, hi: number): void;
  depthwiseFilterRun(x: number, g: number, acc: number, count: number, inStep: number, c: number): void;
  depthwiseInputRun(dx: number, g: number, w: number, count: number, inStep: number, c: number): void;
  /** The second thread, once it is ready (see startSimdHelper), else null. */
  helper(): SimdHelper | null;
  softmaxCe(x: number, labels: number, w: number, g: number, pixels: number, classes: number, scale: number, z: number, t: number): void;
  exp4Probe(x: number, out: number): void;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

function moduleBytes(memory: WebAssembly.Memory): Uint8Array {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  return Uint8Array.from(atob(shared ? SIMD_KERNELS_SHARED : SIMD_KERNELS_UNSHARED), (c) => c.charCodeAt(0));
}

let enabled = true;
/** Turns our SIMD kernels off (callers take their JS paths) or back on: for tests of those paths. */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Our SIMD kernels instantiated on the backend's heap, or null where they cannot be (a backend
 * without an exposed memory, or an engine without wasm SIMD): callers then use their JS paths.
 * Instantiated once per heap, synchronously (the module is small).
 */
export function simdKernels(backend: WasmBackend): SimdKernels | null {
  const memory = enabled ? heapMemory(backend) : null;
  if (!memory) return null;
  if (instances.has(memory)) return instances.get(memory)!;
  let kernels: SimdKernels | null = null;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(memory) as Uint8Array<ArrayBuffer>), { env: { memory } });
    const exports = instance.exports as Record<string, (...args: number[]) => void>;
    kernels = {
      softmaxCe: exports.softmax_ce,
      exp4Probe: exports.exp4_probe,
      filterGrad: exports.filter_grad,
      inputGrad: exports.input_grad,
      addInto: exports.add_into,
      sumRows: exports.sum_rows,
      maxpoolGrad2x2: exports.maxpool_grad_2x2,
      reluGrad: exports.relu_grad,
      depthwiseFilterRun: exports.depthwise_filter_run,
      depthwiseInputRun: exports.depthwise_input_run,
      helper: () => readySimdHelper(memory),
    };
  } catch (error) {
    console.warn(`wasm SIMD kernels unavailable (${String(error)}); using the JS kernels`);
  }
  instances.set(memory, kernels);
  return kernels;
}

/**
 * Loads the kernels on the backend's heap and, where the heap is shared (the threaded build), starts
 * their helper thread; resolves once it can take work. Called when the wasm backend is selected.
 */
export async function prepareSimdKernels(backend: WasmBackend): Promise<void> {
  const memory = heapMemory(backend);
  if (!memory || !simdKernels(backend)) return;
  await startSimdHelper(memory, moduleBytes(memory));
}
