import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { Dataset, File as H5File, Group } from 'h5wasm';
import { AppError } from '../../../../shared/contract/errors';

/** One weight of a Keras layer as the file stores it; its values are read on demand. */
export interface KerasWeight {
  /** As in the layer's `weight_names` attribute: `block1_conv1/kernel:0` (Keras 2) or `block1_conv1_W_1:0` (Keras 1). */
  name: string;
  shape: number[];
  read(): Float32Array;
}

export interface KerasLayer {
  name: string;
  /** In the layer's own order (Keras loads them by position: kernel, bias; gamma, beta, mean, variance). */
  weights: KerasWeight[];
}

/** A Keras HDF5 weights file, open for reading until close(). */
export interface KerasWeightsFile {
  /** `weights`: save_weights / keras-applications files; `model`: a full-model save (weights under `model_weights`). */
  layout: 'weights' | 'model';
  /** Every layer in the file's order, layers without weights (pooling, flatten) included. */
  layers: KerasLayer[];
  close(): void;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** HDF5 puts its superblock at byte 0, 512, 1024, 2048, …; look for the signature there. */
function hasHdf5Signature(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const buffer = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, buffer, 0, 8, offset);
      if (HDF5_SIGNATURE.every((b, i) => buffer[i] === b)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

type H5Module = typeof import('h5wasm');
let h5Module: Promise<H5Module> | null = null;

/**
 * h5wasm's Node build reads the host file system directly. Its Emscripten start-up takes a defined
 * `navigator` (Electron, Node ≥ 21) for a browser, so hide it while the module initialises.
 */
function loadH5wasm(): Promise<H5Module> {
  h5Module ??= (async () => {
    const navigatorDescriptor = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    if (navigatorDescriptor?.configurable) Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true });
    try {
      const h5 = (await import('h5wasm/node')) as unknown as H5Module;
      await h5.ready;
      return h5;
    } finally {
      if (navigatorDescriptor?.configurable) Object.defineProperty(globalThis, 'navigator', navigatorDescriptor);
    }
  })();
  return h5Module;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  // An empty list is saved by numpy as an empty float array.
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === 'string' ? v : String(v)));
}

/** Keras splits an attribute over 64 KiB into `name0`, `name1`, …: read either form. */
function listAttribute(group: Group, name: string): string[] | null {
  const attrs = group.attrs;
  if (name in attrs) return stringList(attrs[name].value);
  if (!(`${name}0` in attrs)) return null;
  const out: string[] = [];
  for (let i = 0; `${name}${i}` in attrs; i++) out.push(...stringList(attrs[`${name}${i}`].value));
  return out;
}

function floats(dataset: Dataset, part: unknown): Float32Array | Float64Array {
  if (part instanceof Float32Array || part instanceof Float64Array) return part;
  throw new AppError('BAD_REQUEST', `dataset ${dataset.path} holds ${JSON.stringify(dataset.dtype)} values, not float32 weights`);
}

/** Values as float32, read in row blocks so a 400 MB dataset (VGG16's fc1) never needs a second copy inside the wasm heap. */
function readFloat32(dataset: Dataset, shape: number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const rows = shape.length > 1 ? shape[0] : 1;
  const rowSize = size / Math.max(1, rows);
  const blockRows = Math.max(1, Math.floor((4 << 20) / Math.max(1, rowSize)));
  if (blockRows >= rows) {
    const all = floats(dataset, dataset.value);
    return all instanceof Float32Array ? all : Float32Array.from(all);
  }
  const out = new Float32Array(size);
  for (let start = 0; start < rows; start += blockRows) {
    const end = Math.min(rows, start + blockRows);
    out.set(floats(dataset, dataset.slice([[start, end]])), start * rowSize);
  }
  return out;
}

function readLayers(root: Group): KerasLayer[] {
  const names = listAttribute(root, 'layer_names')!;
  return names.map((name) => {
    const group = root.get(name) as Group | null;
    const weightNames = group ? (listAttribute(group, 'weight_names') ?? []) : [];
    return {
      name,
      weights: weightNames.map((weightName) => {
        const dataset = group!.get(weightName) as Dataset | null;
        if (!dataset || !('shape' in dataset)) throw new AppError('BAD_REQUEST', `layer ${name} names a weight ${weightName} that the file does not hold`);
        const shape = dataset.shape ?? [];
        return { name: weightName, shape, read: () => readFloat32(dataset, shape) };
      }),
    };
  });
}

/**
 * Opens a Keras HDF5 weights file: the layout keras-applications ships (root attribute
 * `layer_names`, a group per layer with `weight_names`, datasets at `<layer>/<weight name>`), or a
 * full-model save holding the same under `model_weights`.
 */
export async function openKerasWeights(path: string): Promise<KerasWeightsFile> {
  if (!existsSync(path)) throw new AppError('BAD_REQUEST', `weights file ${path} does not exist`);
  if (!statSync(path).isFile()) throw new AppError('BAD_REQUEST', `weights file ${path} is not a file`);
  if (!hasHdf5Signature(path)) throw new AppError('BAD_REQUEST', `${path} is not an HDF5 file: pass a Keras weights file (.h5), such as keras-applications' VGG16 or MobileNetV2 weights`);
  const h5 = await loadH5wasm();
  let file: H5File;
  try {
    file = new h5.File(path, 'r');
  } catch (err) {
    throw Object.assign(new AppError('BAD_REQUEST', `${path} could not be read as HDF5 (${(err as Error).message}); the file may be truncated: download it again`), { cause: err });
  }
  try {
    let root: Group = file;
    let layout: KerasWeightsFile['layout'] = 'weights';
    if (!listAttribute(file, 'layer_names') && file.keys().includes('model_weights')) {
      root = file.get('model_weights') as Group;
      layout = 'model';
    }
    if (!listAttribute(root, 'layer_names')) {
      const keys = file.keys();
      const keras3 = keys.includes('layers') || keys.includes('vars') || keys.includes('_layer_checkpoint_dependencies');
      throw new AppError('BAD_REQUEST', 
        keras3
          ? `${path} is a Keras 3 ".weights.h5" file; FCN Studio reads the Keras 2 HDF5 layout that keras-applications ships (root attribute layer_names): save with tf.keras / Keras 2, or use the keras-applications file`
          : `${path} is an HDF5 file but not Keras weights: it has no layer_names attribute (top-level entries: ${keys.slice(0, 8).join(', ') || 'none'})`,
      );
    }
    const layers = readLayers(root);
    return { layout, layers, close: () => void file.close() };
  } catch (err) {
    file.close();
    throw err;
  }
}
