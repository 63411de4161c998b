/**
 * Weights for a transposed convolution that performs bilinear upsampling, in TF.js's
 * conv2dTranspose layout [k, k, outChannels, inChannels]: channel c maps only to channel c
 * (the FCN paper's initialisation; same formula as Caffe's and the PyTorch peer's).
 */
export function bilinearKernel(channels: number, k: number): Float32Array {
  const factor = Math.floor((k + 1) / 2);
  const center = k % 2 === 1 ? factor - 1 : factor - 0.5;
  const out = new Float32Array(k * k * channels * channels);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = (1 - Math.abs(i - center) / factor) * (1 - Math.abs(j - center) / factor);
      for (let c = 0; c < channels; c++) out[((i * k + j) * channels + c) * channels + c] = v;
    }
  }
  return out;
}
