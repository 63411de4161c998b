import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

import { explainTensorflowFailure, selectBackend } from '../../../electron/ml/engine';
import { TENSORFLOW_PACKAGES, probeTensorflowWith } from '../../../electron/ml/engine/backends/tensorflowProbe';

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

const neitherInstalled = !TENSORFLOW_PACKAGES.some(installed);

describe('the native TensorFlow backend when it cannot load', () => {
  it.runIf(neitherInstalled)('--backend auto says that neither tfjs-node package is installed, and why', async () => {
    const choice = await selectBackend('auto', { threads: 1 });
    expect(choice.backend).not.toBe('tensorflow');
    expect(choice.reason).toContain('@tensorflow/tfjs-node-gpu is not installed (needs Linux x64 with CUDA 11.2 + cuDNN 8.1');
    expect(choice.reason).toContain('@tensorflow/tfjs-node is not installed (CPU build');
  });

  it.runIf(neitherInstalled)('--backend tensorflow fails with the same reasons instead of a generic message', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(/--backend tensorflow cannot start: @tensorflow\/tfjs-node-gpu is not installed/);
  });

  it('names the CUDA library that did not load', () => {
    // What Node's dlopen throws when tfjs-node-gpu's binding cannot find CUDA 11.2's runtime.
    const error = Object.assign(new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory'), { code: 'ERR_DLOPEN_FAILED' });
    expect(explainTensorflowFailure('@tensorflow/tfjs-node-gpu', error)).toBe(
      '@tensorflow/tfjs-node-gpu found no CUDA 11.2 / cuDNN 8.1 (libcudart.so.11.0 did not load)',
    );
  });

  it('says libtensorflow is missing when the package is there without its native part', () => {
    // What tfjs-node 4.22's index.js throws when its install script could not download libtensorflow.
    const error = new Error(
      'The Node.js native addon module (tfjs_binding.node) can not be found at path: /app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node. \n' +
        "Please run command 'npm rebuild @tensorflow/tfjs-node build-addon-from-source' to rebuild the native addon module.",
    );
    expect(explainTensorflowFailure('@tensorflow/tfjs-node', error)).toMatch(/^@tensorflow\/tfjs-node is installed without a loadable libtensorflow/);
  });

  it('keeps one reason per package and takes the first that registers a backend', async () => {
    const missing = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node-gpu' imported from x"), { code: 'ERR_MODULE_NOT_FOUND' });
    const probe = await probeTensorflowWith(async (pkg) => {
      if (pkg === '@tensorflow/tfjs-node-gpu') throw missing;
    });
    // The CPU package "loaded" but registered no backend (nothing registers one in this test).
    expect(probe.pkg).toBeNull();
    expect(probe.reasons).toEqual([
      expect.stringMatching(/^@tensorflow\/tfjs-node-gpu is not installed/),
      '@tensorflow/tfjs-node loaded but registered no tensorflow backend',
    ]);
  });
});
