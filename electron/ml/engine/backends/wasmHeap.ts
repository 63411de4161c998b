import * as tf from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-wasm our kernels reach into: tensors live in one WebAssembly heap, and
 * a kernel written in JS reads and writes them there through typed views (no copies in or out).
 */
export type WasmBackend = tf.KernelBackend & {
  disposeData(dataId: tf.DataId): boolean;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number }; delete(dataId: tf.DataId): boolean };
  wasm: { HEAPU8: Uint8Array; wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory }; tfjs: { disposeData(id: number): void } };
};

export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

/** The heap's memory: the threaded build exposes it as wasmMemory, the single-threaded one only in asm. */
export function heapMemory(backend: WasmBackend): WebAssembly.Memory | null {
  return backend.wasm.wasmMemory ?? backend.wasm.asm?.memory ?? null;
}

/** The heap's current buffer. */
function heapBuffer(backend: WasmBackend): ArrayBufferLike {
  return heapMemory(backend)?.buffer ?? backend.wasm.HEAPU8.buffer;
}

/**
 * A typed view of a tensor's data in the wasm heap, from the memory object rather than a cached
 * view. Make outputs first: allocating may grow the heap and detach older views.
 */
export function heapView(backend: WasmBackend, info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array {
  const buffer = heapBuffer(backend);
  const offset = backend.dataIdMap.get(info.dataId).memoryOffset;
  const size = info.shape.reduce((a, b) => a * b, 1);
  if (info.dtype === 'float32') return new Float32Array(buffer, offset, size);
  if (info.dtype === 'int32') return new Int32Array(buffer, offset, size);
  return new Uint8Array(buffer, offset, size);
}

/** Where a tensor's data starts in the heap (a byte offset, for our WebAssembly kernels). */
export function heapOffset(backend: WasmBackend, info: tf.TensorInfo): number {
  return backend.dataIdMap.get(info.dataId).memoryOffset;
}

/** heapView for a float32 tensor. */
export function heapF32(backend: WasmBackend, info: tf.TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  return heapView(backend, info) as Float32Array;
}

/** Runs another kernel registered for wasm directly, the way the backend's own kernels compose. */
export function call(backend: WasmBackend, name: string, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown> = {}): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

/** Frees intermediate tensors a kernel made. */
export function release(backend: WasmBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * The package's malloc returns 0 when the heap cannot grow (its 4 GB are spent), and makeOutput
 * hands that on: a kernel writing "there" corrupts the whole heap (seen as a hang or a crash steps
 * later). Throws a clear error instead (free(0) is a no-op).
 */
function checkAllocation(backend: WasmBackend, info: tf.TensorInfo, shape: number[], dtype: tf.DataType): tf.TensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  const bytes = size * (dtype === 'bool' ? 1 : 4);
  const offset = backend.dataIdMap.get(info.dataId).memoryOffset;
  // At the very top of the 4 GB the package's malloc can also return a block that runs past the
  // end of memory (its size arithmetic wraps): as full.
  const heapBytes = heapBuffer(backend).byteLength;
  if (size > 0 && (offset === 0 || offset + bytes > heapBytes)) {
    backend.disposeData(info.dataId);
    const megabytes = Math.ceil(bytes / 2 ** 20);
    throw new Error(
      `the wasm backend is out of memory: ${megabytes} MB more do not fit in its 4 GB heap; ` +
        'train with a smaller batch or image size or a lighter backbone, or on a GPU backend',
    );
  }
  return info;
}

const guarded = new WeakSet<WasmBackend>();

/**
 * Makes every allocation through makeOutput (the package's kernels and ours) fail this clear way
 * when the heap is full. Called once the wasm backend is active, before any kernel runs.
 */
export function guardHeapAllocations(backend: WasmBackend): void {
  if (guarded.has(backend)) return;
  guarded.add(backend);
  const makeOutput = backend.makeOutput.bind(backend);
  backend.makeOutput = (shape, dtype, memoryOffset) => {
    const info = makeOutput(shape, dtype, memoryOffset);
    return memoryOffset == null ? checkAllocation(backend, info, shape, dtype) : info;
  };
}
