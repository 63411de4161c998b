// Builds what the WebGPU benchmark needs on a GPU machine that has no Node and no network:
//
//   .device/webgpuBench.cjs                       the bench, one CommonJS file, all of tfjs inlined
//   .device/node_modules/webgpu/{package.json,index.js,dist/linux-x64/dawn.node}   Dawn, x64 only
//   .device/node.xz                               /usr/bin/node, xz -T2 -6
//   .device/run-on-device.sh                      what the device command calls
//   .gl/*.deb                                     Vulkan/EGL/GL loaders (device README's recipe)
//
// Usage: node bench/gpu/build.mjs [--no-gl] [--no-node]
// Then (device tool): run with carry [".device", ".gl"] and command `bash .device/run-on-device.sh`.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, '.device');
const gl = join(root, '.gl');
const args = new Set(process.argv.slice(2));
const LIMIT = 64 * 1024 * 1024;

function excludeFromGit(pattern) {
  const file = join(root, '.git', 'info', 'exclude');
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n');
  if (!lines.includes(pattern)) appendFileSync(file, `${pattern}\n`);
}

function sizeOf(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

excludeFromGit('/.device/');
excludeFromGit('/.gl/');
mkdirSync(out, { recursive: true });

// 1. The bundle. Everything but the native `webgpu` package (its index.js loads dawn.node by a
// path next to itself) goes into one file. Engine modules use import.meta.url (createRequire),
// which CommonJS lacks: define it as the bundle's own file URL.
await build({
  entryPoints: [join(here, 'webgpuBench.ts')],
  outfile: join(out, 'webgpuBench.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  define: { 'import.meta.url': '__bench_import_meta_url' },
  banner: { js: "var __bench_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  minify: true,
  logLevel: 'warning',
  // select.ts's bare import of tfjs-backend-cpu is dropped (sideEffects); @tensorflow/tfjs registers it anyway.
  logOverride: { 'ignored-bare-import': 'silent' },
});

// 2. node_modules/webgpu: its entry and the linux-x64 dawn.node only.
const webgpuSrc = join(root, 'node_modules', 'webgpu');
const webgpuDst = join(out, 'node_modules', 'webgpu');
rmSync(webgpuDst, { recursive: true, force: true });
mkdirSync(join(webgpuDst, 'dist', 'linux-x64'), { recursive: true });
for (const f of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(join(webgpuSrc, f), join(webgpuDst, f));
copyFileSync(join(webgpuSrc, 'dist', 'linux-x64', 'dawn.node'), join(webgpuDst, 'dist', 'linux-x64', 'dawn.node'));

// 3. node, xz-compressed (rebuilt only when /usr/bin/node is newer).
const nodeXz = join(out, 'node.xz');
if (!args.has('--no-node') && (!existsSync(nodeXz) || statSync(nodeXz).mtimeMs < statSync('/usr/bin/node').mtimeMs)) {
  console.log('compressing /usr/bin/node (xz -T2 -6) ...');
  execFileSync('sh', ['-c', `xz -T2 -6 -c /usr/bin/node > '${nodeXz}.tmp' && mv '${nodeXz}.tmp' '${nodeXz}'`], { stdio: 'inherit' });
}
writeFileSync(join(out, 'node.version'), `${process.version}\n`);

// 4. The device script travels with the carry.
copyFileSync(join(here, 'run-on-device.sh'), join(out, 'run-on-device.sh'));

// 5. The loaders, exactly as /work/.library/device/README.md says (once; apt needs Debian's mirror).
const haveDebs = existsSync(gl) && readdirSync(gl).some((f) => f.endsWith('.deb'));
if (!args.has('--no-gl') && !haveDebs) {
  console.log('downloading the Vulkan/EGL/GL loader .debs into .gl/ ...');
  execFileSync(
    'bash',
    [
      '-c',
      "set -e; mkdir -p .gl /tmp/amd64/partial; o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'; " +
        'apt-get $o update >/dev/null; (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)',
    ],
    { cwd: root, stdio: 'inherit' },
  );
}

// 6. What travels: the carried folders plus the tracked and untracked-not-ignored files.
const carried = sizeOf(out) + (existsSync(gl) ? sizeOf(gl) : 0);
const tree = execFileSync('bash', ['-c', 'git ls-files -z --cached --others --exclude-standard | xargs -0 -r du -cb 2>/dev/null | tail -1'], { cwd: root })
  .toString()
  .split(/\s+/)[0];
const total = carried + Number(tree);
for (const f of readdirSync(out)) console.log(`  .device/${f}  ${mib(sizeOf(join(out, f)))}`);
if (existsSync(gl)) console.log(`  .gl/  ${mib(sizeOf(gl))} (${readdirSync(gl).length} files)`);
console.log(`carried ${mib(carried)} + working tree ${mib(Number(tree))} = ${mib(total)} of ${mib(LIMIT)}`);
if (total > LIMIT) {
  console.error('over the 64 MiB travel limit');
  process.exit(1);
}
