import * as tf from '@tensorflow/tfjs-core';

/**
 * Kernels a backend may register (the wasm backend does) for the phase interleave below: inputs
 * q00, q01, q10, q11 (quadrant a·2 + b, each [n, h, w, (s/2)²·C]), attr s → [n, h·s, w·s, C];
 * and its inverse, input x (the grid) → the four quadrants, which is also its gradient.
 */
export const PHASE_INTERLEAVE_KERNEL = 'FcnStudioPhaseInterleave';
export const PHASE_SPLIT_KERNEL = 'FcnStudioPhaseSplit';

const interleaveOps = new Map<number, (q00: tf.Tensor, q01: tf.Tensor, q10: tf.Tensor, q11: tf.Tensor) => tf.Tensor4D>();

/** The registered interleave for stride s, differentiated by the registered split. */
function interleaveByKernel(s: number) {
  let op = interleaveOps.get(s);
  if (!op) {
    op = tf.customGrad(((q00: tf.Tensor, q01: tf.Tensor, q10: tf.Tensor, q11: tf.Tensor) => ({
      value: tf.engine().runKernel(PHASE_INTERLEAVE_KERNEL, { q00, q01, q10, q11 }, { s }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor) => tf.engine().runKernel(PHASE_SPLIT_KERNEL, { x: dy }, { s }) as tf.Tensor[],
    })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (q00: tf.Tensor, q01: tf.Tensor, q10: tf.Tensor, q11: tf.Tensor) => tf.Tensor4D;
    interleaveOps.set(s, op);
  }
  return op;
}

function sliceAxis(t: tf.Tensor, axis: number, start: number, length: number): tf.Tensor {
  const begin = t.shape.map(() => 0);
  const size = t.shape.slice();
  begin[axis] = start;
  size[axis] = length;
  return tf.slice(t, begin, size);
}

/** Kernel row blocks (of s/2 rows) in the order the quadrants use them: 3, 1 | 2, 0 (its own inverse). */
function reorderBlocks(t: tf.Tensor, axis: number, half: number): tf.Tensor {
  return tf.concat([3, 1, 2, 0].map((b) => sliceAxis(t, axis, b * half, half)), axis);
}

/** reorderBlocks on both spatial axes, with its gradient written out (the same permutation). */
function quadrantOrder(w: tf.Tensor4D, half: number): tf.Tensor4D {
  const permute = (t: tf.Tensor) => reorderBlocks(reorderBlocks(t, 0, half), 1, half);
  const op = tf.customGrad(((x: tf.Tensor) => ({ value: permute(x), gradFunc: (dy: tf.Tensor) => permute(dy) })) as unknown as Parameters<
    typeof tf.customGrad
  >[0]);
  return op(w) as tf.Tensor4D;
}

/**
 * The FCN's learnable upsampling: TF.js conv2dTranspose(x, w, [n, h·s, w·s, c], s, 'same') for a
 * kernel of size 2s (the paper's and the peer's crop offset s/2), computed as four stride-1 2×2
 * convolutions, one per quadrant of output phases. With k = 2s every output phase r reads two
 * input rows: rows q−1, q for r < s/2 and q, q+1 for r ≥ s/2, through kernel row blocks (3, 1) and
 * (2, 0) respectively; in two dimensions that makes four quadrants, each a 2×2 convolution with
 * (s/2)²·C output channels, then interleaved into the s× larger grid. Same result and FLOPs as the
 * transposed convolution (tested against it), but forward and both gradients are ordinary dense
 * convolutions — fast on every backend, where the wasm backend's strided transposed convolution
 * and its filter gradient are scalar loops.
 *
 * x [N, h, w, Cin], w [2s, 2s, Cout, Cin] (conv2dTranspose layout), s even.
 */
export function upsampleByPhases(x: tf.Tensor4D, w: tf.Tensor4D, s: number): tf.Tensor4D {
  const [k, , cout, cin] = w.shape;
  if (k !== 2 * s || s % 2 !== 0) throw new Error(`upsampleByPhases needs an even stride and kernel 2·stride, got k=${k} s=${s}`);
  const half = s / 2;
  return tf.tidy(() => {
    // [4h, 4h, Cout, Cin] as [by, ry, bx, rx·Cout·Cin] → [by, bx, ry, rx·Cout·Cin] → as
    // [by·bx, ry·rx·Cout, Cin] → [by·bx, Cin, ry·rx·Cout] = [4, 4, Cin, ry·rx·Cout]: two low-rank
    // transposes (the wasm backend's generic rank-6 transpose is ~50× slower per element).
    const ordered = tf.reshape(quadrantOrder(w, half), [4, half, 4, half * cout * cin]);
    const blocks = tf.reshape(tf.transpose(ordered, [0, 2, 1, 3]), [16, half * half * cout, cin]);
    const kernels = tf.reshape(tf.transpose(blocks, [0, 2, 1]), [4, 4, cin, half * half * cout]);
    const [n, h, wd] = x.shape;
    // Interleaving two parts along a middle axis: concatenate along axis 0 (contiguous copies) and
    // swap the first two axes — the backward pass then splits along axis 0 too (the wasm backend's
    // split along a middle axis walks element by element).
    const interleave = (parts: tf.Tensor[], rows: number, width: number) =>
      tf.transpose(tf.reshape(tf.concat(parts, 0), [2, rows, width]), [1, 0, 2]);
    // The four quadrants' 2×2 kernels by splitting (the gradient is one concat per split, where
    // four slices would pad each gradient back to full size and add them).
    const quadrantKernels = tf.split(kernels, 2, 0).map((rows) => tf.split(rows, 2, 1) as tf.Tensor4D[]);
    // Quadrant (a, b) reads x padded by one row/column: above/left for 0, below/right for 1.
    // As the convolution's own padding, not a padded copy and four windows sliced from it
    // (each a copy forward and a pad plus an add backward). Each is [N, h, w, (ry', rx', C)].
    const quadrants = [0, 1].map((a) => [0, 1].map((b) => tf.conv2d(x, quadrantKernels[a][b], 1, [[0, 0], [1 - a, a], [1 - b, b], [0, 0]])));
    if (tf.getKernel(PHASE_INTERLEAVE_KERNEL, tf.getBackend()) && tf.getKernel(PHASE_SPLIT_KERNEL, tf.getBackend())) {
      // One strided copy into the grid (and one back for the gradient), where the layout ops
      // below take five passes each way (a tenth of a wasm training step).
      return interleaveByKernel(s)(quadrants[0][0], quadrants[0][1], quadrants[1][0], quadrants[1][1]);
    }
    const rowsOfPhases: tf.Tensor[] = [];
    for (const a of [0, 1]) {
      const cols: tf.Tensor[] = [];
      for (const b of [0, 1]) cols.push(tf.reshape(quadrants[a][b], [n * h * wd * half, half * cout]));
      // (ry', b, rx', C) = (ry', rx, C) with rx = b·s/2 + rx'
      rowsOfPhases.push(tf.reshape(interleave(cols, n * h * wd * half, half * cout), [n * h * wd, half * s * cout]));
    }
    // (a, ry', rx, C) = (ry, rx, C): every pixel's s×s phases; interleave them into the big grid.
    const phases = tf.reshape(interleave(rowsOfPhases, n * h * wd, half * s * cout), [n * h, wd, s, s * cout]);
    return tf.reshape(tf.transpose(phases, [0, 2, 1, 3]), [n, h * s, wd * s, cout]) as tf.Tensor4D;
  });
}
