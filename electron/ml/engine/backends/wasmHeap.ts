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

/**
 * A typed view of a tensor's data in the wasm heap, from the memory object rather than a cached
 * view. Make outputs first: allocating may grow the heap and detach older views.
 */
export function heapView(backend: WasmBackend, info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array {
  const buffer = (backend.wasm.wasmMemory ?? backend.wasm.asm?.memory)?.buffer ?? backend.wasm.HEAPU8.buffer;
  const offset = backend.dataIdMap.get(info.dataId).memoryOffset;
  const size = info.shape.reduce((a, b) => a * b, 1);
  if (info.dtype === 'float32') return new Float32Array(buffer, offset, size);
  if (info.dtype === 'int32') return new Int32Array(buffer, offset, size);
  return new Uint8Array(buffer, offset, size);
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
