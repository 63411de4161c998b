import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Dawn's adapter requests, in order: native Vulkan/Metal/D3D12 first; Debian's old Mesa Vulkan fails, its GLES path works. */
export const DAWN_ATTEMPTS: Array<[string[], GPURequestAdapterOptions]> = [
  [[], { powerPreference: 'high-performance' }],
  [['backend=opengles'], { featureLevel: 'compatibility' } as GPURequestAdapterOptions],
];

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|warp|software/i;

/** An adapter's name for the user, and whether it is a CPU pretending to be a GPU. */
export function describeAdapter(info: Partial<GPUAdapterInfo>): { name: string; vendor: string; architecture: string; software: boolean } {
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ').trim() || 'unknown adapter';
  return { name, vendor: info.vendor ?? '', architecture: info.architecture ?? '', software: SOFTWARE_ADAPTER.test(name) };
}

// Runs in a child Node: argv[1] is the webgpu package, argv[2] the attempts. Prints the first adapter's info, or null.
const PROBE = `
process.env.EGL_PLATFORM = process.env.EGL_PLATFORM || 'surfaceless';
const dawn = require(process.argv[1]);
const attempts = JSON.parse(process.argv[2]);
const done = (value) => { process.stdout.write(JSON.stringify(value)); process.exit(0); };
(async () => {
  for (const [flags, options] of attempts) {
    let gpu;
    try { gpu = dawn.create(flags); } catch { continue; }
    const adapter = await gpu.requestAdapter(options).catch(() => null);
    if (!adapter) continue;
    const info = adapter.info || {};
    done({ vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description });
  }
  done(null);
})().catch(() => done(null));
`;

/**
 * Asks Dawn for an adapter in a child process whose stderr is dropped: on machines without a GPU,
 * Dawn prints warnings ("Couldn't load Vulkan: libvulkan.so.1 …", "maxDynamic… artificially
 * reduced") straight to the process's stderr, where they look like errors to the user. Only a
 * machine that has an adapter loads Dawn in this process afterwards. Null: no adapter (or the
 * probe could not run).
 */
export function probeAdapterInChild(timeoutMs = 30_000): Promise<ReturnType<typeof describeAdapter> | null> {
  let dawnPath: string;
  try {
    dawnPath = require.resolve('webgpu');
  } catch {
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', PROBE, dawnPath, JSON.stringify(DAWN_ATTEMPTS)],
      // Electron's binary runs as plain Node with this set (the packaged app's ML process).
      { timeout: timeoutMs, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, windowsHide: true },
      (_error, stdout) => {
        try {
          const info = JSON.parse(stdout) as Partial<GPUAdapterInfo> | null;
          resolve(info ? describeAdapter(info) : null);
        } catch {
          resolve(null);
        }
      },
    );
  });
}
