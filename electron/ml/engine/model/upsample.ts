import * as tf from '@tensorflow/tfjs-core';

function sliceAxis(t: tf.Tensor, axis: number, start: number, length: number): tf.Tensor {
  const begin = t.shape.map(() => 0);
  const size = t.shape.slice();
  begin[axis] = start;
  size[axis] = length;
  return tf.slice(t, begin, size);
}

/**
 * Along `axis`, lays the 2s kernel rows out as [3 taps × s phases] (length 3s): output phase r
 * reads input row q−1 through kernel row r + 3s/2 (r < s/2), row q through r + s/2, and row q+1
 * through r − s/2 (r ≥ s/2); unused slots are zero. Every kernel row lands in exactly one slot.
 */
function placeTaps(w: tf.Tensor, axis: number, s: number): tf.Tensor {
  const h = s / 2;
  const zeroShape = w.shape.slice();
  zeroShape[axis] = h;
  const zeros = tf.zeros(zeroShape);
  return tf.concat([sliceAxis(w, axis, 3 * h, h), zeros, sliceAxis(w, axis, h, 2 * h), zeros, sliceAxis(w, axis, 0, h)], axis);
}

/** Inverse of placeTaps (and, as it is a placement, also its gradient). */
function extractTaps(k: tf.Tensor, axis: number, s: number): tf.Tensor {
  const h = s / 2;
  return tf.concat([sliceAxis(k, axis, 5 * h, h), sliceAxis(k, axis, 2 * h, 2 * h), sliceAxis(k, axis, 0, h)], axis);
}

/** [2s, 2s, Cout, Cin] → [3s, 3s, Cout, Cin] with a hand-written gradient (no stack/unstack kernels). */
function phaseKernel(w: tf.Tensor4D, s: number): tf.Tensor4D {
  const place = tf.customGrad(((x: tf.Tensor) => ({
    value: placeTaps(placeTaps(x, 0, s), 1, s),
    gradFunc: (dy: tf.Tensor) => extractTaps(extractTaps(dy, 0, s), 1, s),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return place(w) as tf.Tensor4D;
}

/**
 * The FCN's learnable upsampling: TF.js conv2dTranspose(x, w, [n, h·s, w·s, c], s, 'same') for a
 * kernel of size 2s, computed as a stride-1 3×3 convolution producing s² phases per channel,
 * then interleaved into the s× larger grid. Same result (tested against conv2dTranspose), but
 * forward and both gradients are ordinary convolutions — fast on every backend, where the wasm
 * backend's strided transposed convolution and its filter gradient are scalar loops.
 *
 * x [N, h, w, Cin], w [2s, 2s, Cout, Cin] (conv2dTranspose layout), s even.
 */
export function upsampleByPhases(x: tf.Tensor4D, w: tf.Tensor4D, s: number): tf.Tensor4D {
  const [k, , cout, cin] = w.shape;
  if (k !== 2 * s || s % 2 !== 0) throw new Error(`upsampleByPhases needs an even stride and kernel 2·stride, got k=${k} s=${s}`);
  return tf.tidy(() => {
    // [3s, 3s, Cout, Cin] viewed as [ty, ry, tx, rx·Cout·Cin] → [ty, tx, ry, rx·Cout·Cin] → viewed as
    // [ty·tx, ry·rx·Cout, Cin] → [ty·tx, Cin, ry·rx·Cout]: two low-rank transposes instead of one
    // rank-6 one (the wasm backend's generic transpose is ~50× slower per element).
    const placed = tf.reshape(phaseKernel(w, s), [3, s, 3, s * cout * cin]);
    const tapsFirst = tf.reshape(tf.transpose(placed, [0, 2, 1, 3]), [9, s * s * cout, cin]);
    const kernel = tf.reshape(tf.transpose(tapsFirst, [0, 2, 1]), [3, 3, cin, s * s * cout]) as tf.Tensor4D;
    const [n, h, wd] = x.shape;
    const phases = tf.conv2d(x, kernel, 1, 'same'); // [N, h, w, s·s·Cout]
    // Interleave: [N·h, w, ry, rx·C] → [N·h, ry, w, rx·C] → [N, h·s, w·s, C].
    const rows = tf.reshape(phases, [n * h, wd, s, s * cout]);
    return tf.reshape(tf.transpose(rows, [0, 2, 1, 3]), [n, h * s, wd * s, cout]) as tf.Tensor4D;
  });
}
