import * as tf from '@tensorflow/tfjs-core';

/** The native TensorFlow packages, in the order `auto` prefers them. */
export const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
export type TensorflowPackage = (typeof TENSORFLOW_PACKAGES)[number];

export interface TensorflowProbe {
  /** The package whose `tensorflow` backend registered, or null. */
  pkg: TensorflowPackage | null;
  /** Why each package was not used, one clause each, for the user to read. */
  reasons: string[];
}

const INSTALL_HINT: Record<TensorflowPackage, string> = {
  '@tensorflow/tfjs-node-gpu': 'needs Linux x64 with CUDA 11.2 + cuDNN 8.1',
  '@tensorflow/tfjs-node': 'CPU build',
};

function errorText(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  return `${typeof e?.code === 'string' ? e.code : ''} ${typeof e?.message === 'string' ? e.message : String(error)}`;
}

/**
 * One clause saying why `pkg` could not be loaded, from the error its import threw: not installed
 * (npm drops it when its install cannot download libtensorflow), a missing CUDA library, or a
 * libtensorflow that is absent or does not load.
 */
export function explainTensorflowFailure(pkg: TensorflowPackage, error: unknown): string {
  const text = errorText(error);
  const firstLine = text.trim().split('\n')[0].slice(0, 200);
  const cudaLibrary = /libcu(dart|blas|fft|rand|solver|sparse|dnn)[^\s'":]*/i.exec(text)?.[0];
  if (cudaLibrary) return `${pkg} found no CUDA 11.2 / cuDNN 8.1 (${cudaLibrary} did not load)`;
  if (/libtensorflow\.|tfjs_binding\.node/i.test(text)) {
    return `${pkg} is installed without a loadable libtensorflow (${firstLine}); reinstall it with a network`;
  }
  if (/MODULE_NOT_FOUND|Cannot find (module|package)/.test(text) && text.includes(pkg)) {
    return `${pkg} is not installed (${INSTALL_HINT[pkg]}; \`npm install\` adds it where it can download libtensorflow)`;
  }
  return `${pkg} failed to load: ${firstLine}`;
}

type Importer = (pkg: TensorflowPackage) => Promise<unknown>;

// A variable specifier keeps bundlers and the type checker from requiring the optional packages.
const importPackage: Importer = (pkg) => import(/* @vite-ignore */ pkg as string);

/** Whether the active `tensorflow` backend runs on a CUDA device (tfjs-node's binding says so). */
export function tensorflowUsesGpu(): boolean {
  return tf.getBackend() === 'tensorflow' && (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
}

/**
 * Loads the GPU package, then the CPU one; the first whose `tensorflow` backend registers wins.
 * Every failure is kept as a reason, so `--backend auto` can say why it did not pick TensorFlow.
 */
export async function probeTensorflowWith(load: Importer): Promise<TensorflowProbe> {
  const reasons: string[] = [];
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      await load(pkg);
    } catch (error) {
      reasons.push(explainTensorflowFailure(pkg, error));
      continue;
    }
    if (!tf.findBackendFactory('tensorflow')) {
      reasons.push(`${pkg} loaded but registered no tensorflow backend`);
      continue;
    }
    return { pkg, reasons };
  }
  return { pkg: null, reasons };
}

let probe: Promise<TensorflowProbe> | null = null;

/** The probe of this process, run once. */
export function probeTensorflow(): Promise<TensorflowProbe> {
  probe ??= probeTensorflowWith(importPackage);
  return probe;
}
