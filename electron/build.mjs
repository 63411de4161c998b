// Bundles the Electron main process, preload and ML worker into dist/electron (CommonJS, as Electron loads them).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Native and large modules stay in node_modules, loaded at run time.
const external = ['electron', 'better-sqlite3', 'sharp', 'webgpu', '@tensorflow/*', 'h5wasm', 'onnxruntime-node'];

export async function buildElectron() {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, external, logLevel: 'warning' };
  await Promise.all([
    build({ ...common, entryPoints: [join(root, 'electron/main.ts')], outfile: join(root, 'dist/electron/main.cjs') }),
    build({ ...common, entryPoints: [join(root, 'electron/preload.ts')], outfile: join(root, 'dist/electron/preload.cjs') }),
    build({ ...common, entryPoints: [join(root, 'electron/ml/worker.ts')], outfile: join(root, 'dist/electron/ml-worker.cjs') }),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildElectron();
