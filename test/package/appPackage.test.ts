import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join } from 'node:path';

import { extractAll, extractFile, listPackage, statFile } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Backend as BackendType } from '../../electron/backend/backend';
import type { MlSupervisor as MlSupervisorType } from '../../electron/backend/mlSupervisor';
import type { RunSummary } from '../../shared/contract/rendererContract';
import type { MlEventMessage } from '../../shared/contract/mlContract';
import type { ImportReport, ProjectStatus } from '../../shared/domain/images';
import { tempDir } from '../fixtures/images';
import { writeRectangleSet } from '../fixtures/segmentationSet';
import { packApp } from './packApp';

/** What the app loads from dist/electron at run time (electron/build.mjs's bundles). */
const BUNDLES = ['main.cjs', 'preload.cjs', 'backend.cjs', 'ml-worker.cjs'];

let work: string;
let resources: string;
let asar: string;
/** The package's files as the app sees them (app.asar with app.asar.unpacked), extracted for plain Node. */
let app: string;
let entries: Set<string>;

beforeAll(async () => {
  work = tempDir('fcn-studio-package-');
  resources = await packApp(work);
  asar = join(resources, 'app.asar');
  entries = new Set(listPackage(asar, { isPack: false }).map((p) => p.replace(/\\/g, '/').replace(/^\//, '')));
  app = join(work, 'app');
  extractAll(asar, app);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The package names a bundle requires at run time (`require("x")`, `require("@s/x/sub")`), without Node's and Electron's. */
function bareRequires(source: string): string[] {
  const names = new Set<string>();
  for (const [, spec] of source.matchAll(/\brequire\("([^"]+)"\)/g)) {
    if (spec.startsWith('.') || isBuiltin(spec) || spec === 'electron') continue;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
  return [...names].sort();
}

/** Every package `name` needs, as npm laid them out (nested node_modules first, as Node resolves). */
function dependencyClosure(names: string[]): string[] {
  const seen = new Map<string, string>();
  const visit = (name: string, fromDir: string, optional: boolean): void => {
    let dir = fromDir;
    for (;;) {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (entries.has(`${candidate}/package.json`)) {
        if (seen.has(candidate)) return;
        seen.set(candidate, name);
        const manifest = JSON.parse(extractFile(asar, `${candidate}/package.json`).toString('utf8')) as {
          dependencies?: Record<string, string>;
          optionalDependencies?: Record<string, string>;
        };
        const optionals = new Set(Object.keys(manifest.optionalDependencies ?? {}));
        for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) visit(dep, candidate, optionals.has(dep));
        return;
      }
      if (!dir) break;
      dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '';
    }
    // An optional dependency for another platform (or one npm could not install) is legitimately absent.
    if (!optional) seen.set(`MISSING ${name} (needed from ${fromDir || 'the app'})`, name);
  };
  for (const name of names) visit(name, '', false);
  return [...seen.keys()].sort();
}

describe('the packaged app (electron-builder, stand-in Electron)', () => {
  it('holds the entry, every bundle, the built renderer and the icon', () => {
    const manifest = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string; name: string; productName?: string };
    expect(entries.has(manifest.main)).toBe(true);
    for (const bundle of BUNDLES) expect(entries.has(`dist/electron/${bundle}`), bundle).toBe(true);
    expect(entries.has('dist/renderer/index.html')).toBe(true);
    const html = extractFile(asar, 'dist/renderer/index.html').toString('utf8');
    for (const [, asset] of html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)) expect(entries.has(`dist/renderer/${asset}`), asset).toBe(true);
    // Source maps and sources stay out of the package.
    expect([...entries].filter((p) => p.startsWith('dist/') && p.endsWith('.map'))).toEqual([]);
    expect([...entries].some((p) => p.startsWith('electron/') || p.startsWith('renderer/'))).toBe(false);
    expect(existsSync(join(resources, '..', 'fcn-studio')), 'the executable is named fcn-studio').toBe(true);
    // main.cjs gives the window resources/icon.png, two folders up from itself.
    expect(extractFile(asar, 'resources/icon.png').subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(manifest).toMatchObject({ name: 'fcn-studio', productName: 'FCN Studio' });
  });

  it('holds every module the main process, the preload, the backend and the ML worker require, with their dependencies', () => {
    const required = new Set<string>();
    for (const bundle of BUNDLES) {
      const source = extractFile(asar, `dist/electron/${bundle}`).toString('utf8');
      for (const [, relative] of source.matchAll(/\brequire\("(\.\/[^"]+)"\)/g)) expect(entries.has(`dist/electron/${relative.slice(2)}`), relative).toBe(true);
      for (const name of bareRequires(source)) required.add(name);
    }
    // The bundles keep the natives and TF.js outside; if this list shrinks to nothing the scan is broken.
    expect([...required]).toEqual(expect.arrayContaining(['better-sqlite3', 'sharp', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm']));
    const closure = dependencyClosure([...required]);
    expect(closure.filter((p) => p.startsWith('MISSING'))).toEqual([]);
    // The preload runs sandboxed: it may require nothing but electron.
    expect(bareRequires(extractFile(asar, 'dist/electron/preload.cjs').toString('utf8'))).toEqual([]);
  });

  it('unpacks the natives and run-time files, and the unpacked natives find their libraries', () => {
    const natives = [...entries].filter((p) => /\.node$|\.so(\.\d+)*$|\.dylib$|\.dll$/.test(p));
    const runtimeFiles = [...entries].filter((p) => /^node_modules\/@tensorflow\/tfjs-backend-wasm\/wasm-out\/.*\.(wasm|js)$/.test(p));
    expect(natives.length).toBeGreaterThan(0);
    expect(runtimeFiles).toEqual(expect.arrayContaining([expect.stringMatching(/tfjs-backend-wasm-threaded-simd\.wasm$/)]));
    for (const file of [...natives, ...runtimeFiles]) {
      // Electron reads a file marked unpacked from the same path under app.asar.unpacked; the OS loader
      // (dlopen of a .node and the libraries it links) can only see that real file.
      expect(statFile(asar, file), file).toMatchObject({ unpacked: true });
      expect(existsSync(join(resources, 'app.asar.unpacked', file)), file).toBe(true);
    }
    // A Linux x64 package carries no other machine's binaries (ONNX Runtime's and Dawn's alone are 350 MB).
    expect(natives.filter((p) => /arm64|win32|darwin/.test(p))).toEqual([]);
    expect(natives).toEqual(expect.arrayContaining([expect.stringMatching(/onnxruntime_binding\.node$/), expect.stringMatching(/linux-x64\/dawn\.node$/)]));
    for (const file of natives.filter((p) => p.endsWith('.node'))) {
      const ldd = execFileSync('ldd', [join(resources, 'app.asar.unpacked', file)], { encoding: 'utf8' });
      expect(ldd.split('\n').filter((l) => l.includes('not found')), file).toEqual([]);
    }
  });

  it('loads every run-time module from the package under plain Node', () => {
    const required = new Set<string>();
    for (const bundle of BUNDLES) for (const name of bareRequires(readFileSync(join(app, 'dist', 'electron', bundle), 'utf8'))) required.add(name);
    // A fresh Node process resolving from the packaged main.cjs: nothing may come from the repository's node_modules.
    const script = `
      const req = require('node:module').createRequire(${JSON.stringify(join(app, 'dist', 'electron', 'main.cjs'))});
      const out = {};
      for (const name of ${JSON.stringify([...required])}) {
        try { const path = req.resolve(name); req(name); out[name] = path; } catch (e) { out[name] = 'FAILED: ' + e.message.split('\\n')[0]; }
      }
      process.stdout.write(JSON.stringify(out));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: work })) as Record<string, string>;
    for (const [name, path] of Object.entries(loaded)) expect(path.startsWith(app), `${name}: ${path}`).toBe(true);
  });

  it("runs the packaged backend's services and ML worker on a temporary project: one training epoch, then a prediction", async () => {
    const req = createRequire(join(app, 'dist', 'electron', 'main.cjs'));
    const { Backend, MlSupervisor } = req('./backend.cjs') as { Backend: typeof BackendType; MlSupervisor: typeof MlSupervisorType };
    const ml = new MlSupervisor({ entry: join(app, 'dist', 'electron', 'ml-worker.cjs') });
    const backend = new Backend({ mode: 'electron', version: 'dist-check', ml });
    const call = async <T>(channel: string, request: unknown = {}): Promise<T> => {
      const result = await backend.invoke(channel, request);
      if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
      return result.value as T;
    };
    try {
      ml.start();
      const projectDir = join(work, 'project');
      await call('project:create', { path: projectDir, preset: 'none' });
      await call('classes:add', { name: 'ground', color: '#000000' });
      await call('classes:add', { name: 'box', color: '#ffc800' });
      const set = await writeRectangleSet(join(work, 'data'), 6, 32);
      const imported = new Promise<{ report: ImportReport }>((resolve) => backend.events.once('images:importDone', resolve));
      await call('images:import', { paths: [set.images], format: 'png-gray', labels: set.labels });
      expect((await imported).report).toMatchObject({ added: 6, labelsAdded: 6 });
      const images = await call<Array<{ id: number; path: string }>>('images:list', {});
      await call('images:setSplit', { ids: images.slice(0, 4).map((i) => i.id), split: 'train' });
      await call('images:setSplit', { ids: images.slice(4).map((i) => i.id), split: 'val' });
      expect((await call<ProjectStatus>('project:status')).splits).toMatchObject({ train: 4, val: 2 });

      const done = new Promise<{ runId: number | null; error: unknown }>((resolve) => backend.events.once('runs:done', resolve));
      await call('runs:start', { backbone: 'small', epochs: 1, longSide: 32, batch: 2, backend: 'wasm' });
      const outcome = await done;
      expect(outcome.error).toBeNull();
      const [run] = (await call<RunSummary[]>('runs:list')).filter((r) => r.id === outcome.runId);
      expect(run).toMatchObject({ status: 'completed', backend: 'wasm' });
      expect(run.epochs).toHaveLength(1);

      const predictions: Extract<MlEventMessage, { type: 'prediction' }>[] = [];
      ml.on('event', (e: MlEventMessage) => {
        if (e.type === 'prediction') predictions.push(e);
      });
      const reply = await ml.request('predict', {
        jobId: 'dist-check-predict',
        checkpoint: join(projectDir, 'checkpoints', `run-${outcome.runId}`, 'last'),
        backend: 'wasm',
        classValues: [0, 1],
        scaling: { longSide: 32 },
        items: images.slice(4).map((i) => ({ imageId: i.id, path: i.path })),
      });
      expect(reply.predicted).toBe(2);
      expect(predictions.map((p) => [p.imageId, p.width, p.height, p.mask.length])).toEqual(images.slice(4).map((i) => [i.id, 32, 32, 32 * 32]));
      expect(predictions.every((p) => p.mask.every((v) => v === 0 || v === 1))).toBe(true);
    } finally {
      await backend.dispose();
      await ml.stop();
    }
  });
});
