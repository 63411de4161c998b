import type { WasmBackend } from '../wasmHeap';
import { SIMD_KERNELS_SHARED, SIMD_KERNELS_UNSHARED } from './simdKernelBinary';
import { GEMM_COLS, GEMM_ROWS } from './simdKernelSource';

type GemmTile = (
  a: number,
  b: number,
  out: number,
  rows: number,
  len: number,
  aRow: number,
  bRow: number,
  aStep: number,
  bStep: number,
  ldo: number,
) => void;

export interface SimdKernels {
  softmaxCe(x: number, labels: number, w: number, g: number, pixels: number, classes: number, scale: number, z: number, t: number): void;
  exp4Probe(x: number, out: number): void;
  /** gemmTile[rows][cols] for rows 1–4 and cols 8, 4, 1. */
  gemmTile: Record<number, Record<number, GemmTile>>;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

function backendMemory(backend: WasmBackend): WebAssembly.Memory | null {
  return backend.wasm.wasmMemory ?? null;
}

/**
 * Our SIMD kernels instantiated on the backend's heap, or null where they cannot be (a backend
 * without an exposed memory, or an engine without wasm SIMD): callers then use their JS paths.
 * Instantiated once per heap, synchronously (the module is small).
 */
export function simdKernels(backend: WasmBackend): SimdKernels | null {
  const memory = backendMemory(backend);
  if (!memory) return null;
  if (instances.has(memory)) return instances.get(memory)!;
  let kernels: SimdKernels | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Uint8Array.from(atob(shared ? SIMD_KERNELS_SHARED : SIMD_KERNELS_UNSHARED), (c) => c.charCodeAt(0));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    const exports = instance.exports as Record<string, (...args: number[]) => void>;
    const gemmTile: SimdKernels['gemmTile'] = {};
    for (const r of GEMM_ROWS) {
      gemmTile[r] = {};
      for (const c of GEMM_COLS) gemmTile[r][c] = exports[`gemm_tile_${r}x${c}`] as GemmTile;
    }
    kernels = { softmaxCe: exports.softmax_ce, exp4Probe: exports.exp4_probe, gemmTile };
  } catch (error) {
    console.warn(`wasm SIMD kernels unavailable (${String(error)}); using the JS kernels`);
  }
  instances.set(memory, kernels);
  return kernels;
}
