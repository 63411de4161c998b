import { setFlagsFromString } from 'node:v8';

import { type WasmBackend, heapMemory } from '../wasmHeap';
import { SIMD_KERNELS } from './simdKernelBinary';
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
  /** Stride-1 convolution (also a stride-1 input gradient); see convForward in simdKernelSource.ts. */
  convForward(
    x: number, w: number, bias: number, y: number, h: number, wIn: number, oh: number, ow: number, kh: number, kw: number,
    ci: number, co: number, top: number, left: number, flags: number, qFrom: number, qTo: number, zero: number,
  ): void;
  /** Whether this instance multiply-adds fused (relaxed SIMD). */
  fused: boolean;
  addInto(dst: number, src: number, count: number): void;
  /** One Adam step over `count` weights (see ADAM in simdKernelSource.ts): m and v in place, new weights to out. */
  adam(w: number, g: number, m: number, v: number, out: number, count: number, b1: number, a1: number, b2: number, a2: number, lr1: number, inv2: number, eps: number): void;
  /** count runs of `bytes` bytes from src to dst, srcStride and dstStride bytes apart. */
  copyRuns(src: number, dst: number, count: number, bytes: number, srcStride: number, dstStride: number): void;
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

const decode = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

let fusedAllowed = true;
/** Lets tests and benchmarks compare the fused and unfused modules (on heaps loaded after the call). */
export function setFusedSimd(on: boolean): void {
  fusedAllowed = on;
}

/**
 * Whether the engine compiles relaxed SIMD. V8 ships it from 11.4 (Electron, Node 22); Node 20's
 * V8 has it behind a flag, which a process may set before it compiles the module (V8 reads wasm
 * feature flags at compile time).
 */
function relaxedSimdCompiles(bytes: Uint8Array): boolean {
  if (WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) return true;
  if (typeof process === 'undefined' || !process.versions?.node) return false;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>);
}

/** The module for this heap: shared or not as the heap is, fused where the engine allows. */
function moduleBytes(memory: WebAssembly.Memory): { bytes: Uint8Array; fused: boolean } {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const fused = decode(SIMD_KERNELS[shared ? 'sharedFused' : 'unsharedFused']);
  if (fusedAllowed && relaxedSimdCompiles(fused)) return { bytes: fused, fused: true };
  return { bytes: decode(SIMD_KERNELS[shared ? 'shared' : 'unshared']), fused: false };
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
    const { bytes, fused } = moduleBytes(memory);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { env: { memory } });
    const exports = instance.exports as Record<string, (...args: number[]) => void>;
    kernels = {
      softmaxCe: exports.softmax_ce,
      exp4Probe: exports.exp4_probe,
      filterGrad: exports.filter_grad,
      inputGrad: exports.input_grad,
      convForward: exports.conv_forward,
      fused,
      addInto: exports.add_into,
      copyRuns: exports.copy_runs,
      adam: exports.adam,
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
  await startSimdHelper(memory, moduleBytes(memory).bytes);
}
