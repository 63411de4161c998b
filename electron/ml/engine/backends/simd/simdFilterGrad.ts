import type * as tf from '@tensorflow/tfjs-core';

import { type WasmBackend, heapF32 } from '../wasmHeap';
import type { SimdKernels } from './simdKernels';

/**
 * Bytes of x and dy per chunk of output positions: each tile of a chunk re-reads the chunk's x
 * (along a tile row) or dy (down a tile column), which should come from L2.
 */
const CHUNK_BYTES = 256 * 1024;

/**
 * Stride-1 filter gradient straight from NHWC x and dy, without padding or copies:
 *   dW[i, j, ci, co] = Σ_{n, oh, ow} x[n, oh + i − top, ow + j − left, ci] · dy[n, oh, ow, co].
 * For tap (i, j) the output positions whose input is inside the image form one rectangle
 * [oh0, oh1) × [ow0, ow1) per image, so each row of it is a contiguous run in both x and dy.
 * The [Ci, Co] block of each tap is tiled 4 × 8 (narrower at the edges) and every tile runs the
 * SIMD micro-kernel over a chunk of rows with its accumulators in registers.
 */
export function filterGradBySimd(
  backend: WasmBackend,
  simd: SimdKernels,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): tf.TensorInfo {
  const [kh, kw, ci, co] = filterShape;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const out = backend.makeOutput(filterShape, 'float32');
  heapF32(backend, out).fill(0);
  const offset = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  const xBase = offset(x);
  const dyBase = offset(dy);
  const outBase = offset(out);
  const xStep = ci * 4;
  const dyStep = co * 4;
  const xRow = w * xStep;
  const dyRow = ow * dyStep;
  const colTiles = columnTiles(co);
  const chunkPositions = Math.min(2048, Math.max(16, Math.floor(CHUNK_BYTES / (xStep + dyStep))));
  for (let i = 0; i < kh; i++) {
    const oh0 = Math.max(0, top - i);
    const oh1 = Math.min(oh, h + top - i);
    if (oh1 <= oh0) continue;
    for (let j = 0; j < kw; j++) {
      const ow0 = Math.max(0, left - j);
      const ow1 = Math.min(ow, w + left - j);
      if (ow1 <= ow0) continue;
      const len = ow1 - ow0;
      const rowsPerChunk = Math.max(1, Math.floor(chunkPositions / len));
      const tapOut = outBase + (i * kw + j) * ci * co * 4;
      for (let b = 0; b < n; b++) {
        for (let r0 = oh0; r0 < oh1; r0 += rowsPerChunk) {
          const rows = Math.min(rowsPerChunk, oh1 - r0);
          const xChunk = xBase + ((b * h + r0 + i - top) * w + (ow0 + j - left)) * xStep;
          const dyChunk = dyBase + ((b * oh + r0) * ow + ow0) * dyStep;
          for (let c0 = 0; c0 < ci; c0 += 4) {
            const tileRows = Math.min(4, ci - c0);
            const kernels = simd.gemmTile[tileRows];
            for (const [d0, cols] of colTiles) {
              kernels[cols](xChunk + c0 * 4, dyChunk + d0 * 4, tapOut + (c0 * co + d0) * 4, rows, len, xRow, dyRow, xStep, dyStep, dyStep);
            }
          }
        }
      }
    }
  }
  return out;
}

/** [first column, width] tiles covering co columns: 8 wide, then 4, then single columns. */
function columnTiles(co: number): [number, number][] {
  const tiles: [number, number][] = [];
  let d = 0;
  for (; d + 8 <= co; d += 8) tiles.push([d, 8]);
  for (; d + 4 <= co; d += 4) tiles.push([d, 4]);
  for (; d < co; d++) tiles.push([d, 1]);
  return tiles;
}
