// Bundles the Electron main process, preload, backend and ML worker into dist/electron (CommonJS, as Electron loads them).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Native and large modules stay in node_modules, loaded at run time (electron-builder packs them, unpacking natives).
export const RUNTIME_EXTERNALS = ['electron', 'better-sqlite3', 'sharp', 'webgpu', '@tensorflow/*', 'h5wasm', 'onnxruntime-node'];

/** The bundles, by output file name (in dist/electron), and their entry points. */
export const ELECTRON_BUNDLES = {
  'main.cjs': 'electron/main.ts',
  'preload.cjs': 'electron/preload.ts',
  'backend.cjs': 'electron/shellBackend.ts',
  'ml-worker.cjs': 'electron/ml/worker.ts',
};

// CommonJS has no import.meta: give each bundle the URL of its own file (what createRequire and
// file-relative paths in the sources expect), not the empty object esbuild would leave.
const importMetaUrl = {
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

// main.cjs loads the backend from backend.cjs at run time instead of carrying its own copy, so the
// backend that dist:check runs under plain Node is the very file the app runs.
const backendFromItsBundle = {
  name: 'backend-from-its-bundle',
  setup(b) {
    b.onResolve({ filter: /^\.\/shellBackend$/ }, () => ({ path: './backend.cjs', external: true }));
  },
};

export async function buildElectron() {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, external: RUNTIME_EXTERNALS, logLevel: 'warning' };
  await Promise.all(
    Object.entries(ELECTRON_BUNDLES).map(([out, entry]) =>
      build({
        ...common,
        entryPoints: [join(root, entry)],
        outfile: join(root, 'dist/electron', out),
        plugins: out === 'main.cjs' ? [backendFromItsBundle] : [],
        // A sandboxed preload may require only `electron` and a few built-ins: it gets no banner.
        ...(out === 'preload.cjs' ? {} : importMetaUrl),
      }),
    ),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildElectron();
