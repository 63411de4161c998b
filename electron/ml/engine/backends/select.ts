import { availableParallelism } from 'node:os';

import * as tf from '@tensorflow/tfjs-core';
// The union package registers every op's gradient; tfjs-core alone registers none.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import type { BackendChoice, BackendName, BackendPreference } from '../types';
import { prepareSimdKernels } from './simd/simdKernels';
import { probeTensorflow, tensorflowUsesGpu } from './tensorflowProbe';
import { type WasmBackend, guardHeapAllocations } from './wasmHeap';
import { registerWasmTrainingKernels } from './wasmKernels';
import { createThreadedWasmBackend } from './wasmThreaded';
import { DAWN_ATTEMPTS, describeAdapter, probeAdapterInChild } from './webgpuChildProbe';

export interface GpuAdapterSummary {
  name: string;
  vendor: string;
  architecture: string;
  /** Mesa llvmpipe/lavapipe, SwiftShader, WARP: a CPU pretending to be a GPU. */
  software: boolean;
}

let wasmThreads = 0;
let wasmFactoryReplaced = false;
let webgpuAdapter: GpuAdapterSummary | null = null;
let webgpuProbe: Promise<GpuAdapterSummary | null> | null = null;

/** Number of threads the wasm backend uses (XNNPACK pool), 0 before it started. */
export function wasmThreadCount(): number {
  return wasmThreads;
}

function prepareWasm(threads: number): void {
  registerWasmTrainingKernels();
  if (threads > 1 && !wasmFactoryReplaced) {
    wasmFactoryReplaced = true;
    const packageFactory = tf.findBackendFactory('wasm');
    tf.removeBackend('wasm');
    tf.registerBackend(
      'wasm',
      async () => {
        try {
          const backend = await createThreadedWasmBackend(threads);
          wasmThreads = (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
          return backend;
        } catch (error) {
          console.warn(`threaded wasm failed to start (${String(error)}); using one thread`);
          wasmThreads = 1;
          return packageFactory();
        }
      },
      2,
    );
  }
}

/** Makes npm `webgpu` (Dawn) the `navigator.gpu` of this process and opens an adapter, or returns null. */
export function probeWebGpu(): Promise<GpuAdapterSummary | null> {
  webgpuProbe ??= (async () => {
    try {
      process.env.EGL_PLATFORM ??= 'surfaceless';
      const dawn = (await import('webgpu')) as unknown as {
        create(options: string[]): GPU;
        globals: Record<string, unknown>;
      };
      Object.assign(globalThis, dawn.globals);
      // Loaded before navigator.gpu exists, so the package does not register its own factory.
      await import('@tensorflow/tfjs-backend-webgpu');
      for (const [flags, options] of DAWN_ATTEMPTS) {
        let gpu: GPU;
        try {
          gpu = dawn.create(flags);
        } catch {
          continue;
        }
        const adapter = await gpu.requestAdapter(options).catch(() => null);
        if (!adapter) continue;
        const summary: GpuAdapterSummary = describeAdapter(adapter.info ?? {});
        registerWebGpuBackend(adapter);
        Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis.navigator ?? {}), gpu }, configurable: true });
        webgpuAdapter = summary;
        return summary;
      }
      return null;
    } catch {
      return null;
    }
  })();
  return webgpuProbe;
}

function registerWebGpuBackend(adapter: GPUAdapter): void {
  tf.registerBackend(
    'webgpu',
    async () => {
      const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
      const limits = adapter.limits;
      const device = await adapter.requestDevice({
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        },
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return new WebGPUBackend(device as any, adapter.info as any);
    },
    1,
  );
}

async function activate(name: BackendName): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

export interface SelectOptions {
  /** Threads for the wasm backend's XNNPACK pool; default: all logical CPUs (at most 8). */
  threads?: number;
}

/**
 * Activates a compute backend. `auto` prefers a CUDA TensorFlow, then a hardware WebGPU adapter,
 * then multi-threaded wasm; a software WebGPU adapter (a CPU in disguise) loses to wasm.
 * Returns which backend runs and why, for the user to see.
 */
export async function selectBackend(pref: BackendPreference = 'auto', options: SelectOptions = {}): Promise<BackendChoice> {
  const threads = Math.max(1, Math.min(8, options.threads ?? availableParallelism()));
  const reasons: string[] = [];

  const tryWasm = async (): Promise<BackendChoice | null> => {
    prepareWasm(threads);
    if (!(await activate('wasm'))) return null;
    guardHeapAllocations(tf.backend() as unknown as WasmBackend);
    await prepareSimdKernels(tf.backend() as unknown as WasmBackend);
    const t = wasmThreads || 1;
    return { backend: 'wasm', reason: '', threads: t };
  };

  if (pref === 'cpu') {
    if (!(await activate('cpu'))) throw new Error('the cpu backend failed to start');
    return { backend: 'cpu', reason: 'requested (--backend cpu): correct but slow, last resort' };
  }
  if (pref === 'wasm') {
    const choice = await tryWasm();
    if (!choice) throw new Error('the wasm backend failed to start');
    choice.reason = `requested (--backend wasm), ${choice.threads} thread${choice.threads === 1 ? '' : 's'}`;
    return choice;
  }
  if (pref === 'webgpu') {
    const adapter = await probeWebGpu();
    if (!adapter) throw new Error('no WebGPU adapter: Dawn found no Vulkan/Metal/D3D12 or GLES device');
    if (!(await activate('webgpu'))) throw new Error(`WebGPU adapter ${adapter.name} found but the tfjs backend failed to start`);
    return { backend: 'webgpu', reason: `requested (--backend webgpu)`, adapter };
  }
  if (pref === 'tensorflow') {
    const { pkg, reasons: why } = await probeTensorflow();
    if (!pkg) throw new Error(`--backend tensorflow cannot start: ${why.join('; ')}`);
    if (!(await activate('tensorflow'))) throw new Error(`${pkg} loaded but its tensorflow backend failed to start`);
    return { backend: 'tensorflow', reason: `requested (--backend tensorflow) via ${pkg}${tensorflowUsesGpu() ? ' on CUDA' : ' on the CPU'}` };
  }

  // A GPU build without a CUDA device runs on the CPU: it then ranks like the CPU build, below a hardware WebGPU.
  const { pkg, reasons: tensorflowReasons } = await probeTensorflow();
  reasons.push(...tensorflowReasons);
  if (pkg === '@tensorflow/tfjs-node-gpu' && (await activate('tensorflow'))) {
    if (tensorflowUsesGpu()) return { backend: 'tensorflow', reason: `auto: ${pkg} loaded (CUDA found)` };
    reasons.push(`${pkg} loaded but TensorFlow sees no CUDA GPU (needs CUDA 11.2 + cuDNN 8.1)`);
  } else if (pkg) {
    reasons.push(`${pkg} loaded (CPU build)`);
  }
  // Dawn is loaded here only where a child process found a hardware adapter: its warnings on
  // machines without one stay out of the user's terminal, and a software adapter loses to wasm anyway.
  const probed = await probeAdapterInChild();
  const adapter = probed && !probed.software ? await probeWebGpu() : probed;
  if (adapter && !adapter.software && (await activate('webgpu'))) {
    return { backend: 'webgpu', reason: `auto: hardware WebGPU adapter ${adapter.name}; ${reasons.join('; ')}`, adapter };
  }
  reasons.push(adapter ? `WebGPU adapter ${adapter.name} is software rendering` : 'no WebGPU adapter');
  if (pkg && (await activate('tensorflow'))) {
    return { backend: 'tensorflow', reason: `auto: libtensorflow on the CPU; ${reasons.join('; ')}` };
  }
  const wasm = await tryWasm();
  if (wasm) {
    wasm.reason = `auto: wasm SIMD with ${wasm.threads} thread${wasm.threads === 1 ? '' : 's'}; ${reasons.join('; ')}`;
    return wasm;
  }
  if (!(await activate('cpu'))) throw new Error('no compute backend could start');
  return { backend: 'cpu', reason: `auto: every faster backend failed; ${reasons.join('; ')}` };
}

/** The adapter found by the last WebGPU probe, if any. */
export function webGpuAdapter(): GpuAdapterSummary | null {
  return webgpuAdapter;
}
