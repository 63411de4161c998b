import { test as base, expect, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encode } from 'fast-png';
import sharp from 'sharp';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'electron/host/bin.mjs');

export interface StudioServer {
  url: string;
  origin: string;
  /** A scratch folder of this test, removed afterwards. */
  dir: string;
}

/** Image folder for import tests: valid images of several sizes and formats, a corrupt JPEG and a text file. */
export interface ImageFolder {
  path: string;
  valid: string[];
  corrupt: string;
  unsupported: string;
}

async function writeImageFolder(dir: string): Promise<ImageFolder> {
  mkdirSync(dir, { recursive: true });
  const specs = [
    { name: 'street-001.jpg', width: 480, height: 360, color: { r: 200, g: 60, b: 40 } },
    { name: 'street-002.jpg', width: 320, height: 240, color: { r: 40, g: 140, b: 200 } },
    { name: 'field-003.png', width: 256, height: 256, color: { r: 60, g: 180, b: 90 } },
    { name: 'nested/harbour-004.png', width: 640, height: 200, color: { r: 230, g: 180, b: 40 } },
  ];
  for (const s of specs) {
    const file = join(dir, s.name);
    mkdirSync(join(file, '..'), { recursive: true });
    // A diagonal gradient over the flat colour so the thumbnails are recognisably different pictures.
    const pixels = Buffer.alloc(s.width * s.height * 3);
    for (let y = 0; y < s.height; y++)
      for (let x = 0; x < s.width; x++) {
        const t = (x + y) / (s.width + s.height);
        const i = (y * s.width + x) * 3;
        pixels[i] = s.color.r * (1 - t) + 255 * t * 0.3;
        pixels[i + 1] = s.color.g * (1 - t * 0.5);
        pixels[i + 2] = s.color.b * (0.6 + t * 0.4);
      }
    const image = sharp(pixels, { raw: { width: s.width, height: s.height, channels: 3 } });
    await (s.name.endsWith('.png') ? image.png() : image.jpeg({ quality: 85 })).toFile(file);
  }
  const corrupt = join(dir, 'broken.jpg');
  writeFileSync(corrupt, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('this is not really a jpeg')]));
  const unsupported = join(dir, 'notes.txt');
  writeFileSync(unsupported, 'camera notes\n');
  return { path: dir, valid: specs.map((s) => s.name.split('/').pop()!), corrupt: 'broken.jpg', unsupported: 'notes.txt' };
}

/** Images with grey PNG masks named like them (png-gray), for import/export round trips. */
export interface LabeledDataset {
  images: string;
  masks: string;
  stems: string[];
  width: number;
  height: number;
  /** The grey value that means unlabeled in these mask files (stored as 255 once imported). */
  unlabeledValue: number;
  /** Each stem's mask values as written, row-major. */
  maskValues: Map<string, Uint8Array>;
}

async function writeLabeledDataset(dir: string): Promise<LabeledDataset> {
  const width = 64;
  const height = 48;
  const unlabeledValue = 200;
  const stems = ['scene-a', 'scene-b', 'scene-c'];
  const dataset: LabeledDataset = { images: join(dir, 'images'), masks: join(dir, 'masks'), stems, width, height, unlabeledValue, maskValues: new Map() };
  mkdirSync(dataset.images, { recursive: true });
  mkdirSync(dataset.masks, { recursive: true });
  for (const [i, stem] of stems.entries()) {
    // Left half: a VOC class per image (1, 2, 3); top right: background (0); bottom right: unlabeled.
    const values = new Uint8Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) values[y * width + x] = x < width / 2 ? i + 1 : y < height / 2 ? 0 : unlabeledValue;
    dataset.maskValues.set(stem, values);
    writeFileSync(join(dataset.masks, `${stem}.png`), encode({ width, height, data: values, depth: 8, channels: 1 }));
    const background = { r: 40 + i * 60, g: 120, b: 200 - i * 50 };
    await sharp({ create: { width, height, channels: 3, background } }).png().toFile(join(dataset.images, `${stem}.png`));
  }
  return dataset;
}

/** Starts `fcn-studio serve` as a child process and resolves with the URL it prints. */
export function startServer(args: string[], cwd: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolvePromise, reject) => {
    // An empty weights cache: a developer's ImageNet download (which Live starts from) never changes a test.
    const env = { ...process.env, FCN_STUDIO_WEIGHTS_DIR: join(tmpdir(), 'fcn-studio-test-no-weights') };
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.trim().startsWith('{'));
      if (line) resolvePromise({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`fcn-studio serve exited with ${code}: ${err}`)));
    child.once('error', reject);
  });
}

export function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGTERM');
    setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref();
  });
}

/** Runs the CLI synchronously (project set-up for tests that are not about creating projects). */
export function cli(...args: string[]): string {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`fcn-studio ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}


interface WorkerFixtures {
  imageRoot: string;
  images: ImageFolder;
  labeledDataset: LabeledDataset;
}

export const test = base.extend<{ studio: StudioServer; serverArgs: string[] }, WorkerFixtures>({
  imageRoot: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern here.
    async ({}, use) => {
      const root = mkdtempSync(join(tmpdir(), 'fcn-e2e-images-'));
      await use(root);
      rmSync(root, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  images: [async ({ imageRoot }, use) => use(await writeImageFolder(join(imageRoot, 'photos'))), { scope: 'worker' }],
  labeledDataset: [async ({ imageRoot }, use) => use(await writeLabeledDataset(join(imageRoot, 'labeled'))), { scope: 'worker' }],
  serverArgs: [[], { option: true }],
  studio: async ({ serverArgs }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'fcn-e2e-'));
    const { child, url } = await startServer(serverArgs, dir);
    try {
      await use({ url, origin: new URL(url).origin, dir });
    } finally {
      await stopServer(child);
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

export { expect };

/** Opens the studio and waits until it has talked to the backend. */
export async function openStudio(page: Page, studio: StudioServer): Promise<void> {
  await page.goto(studio.url);
  await expect(page.getByTestId('welcome-screen').or(page.getByTestId('project-screen'))).toBeVisible();
}

/** Creates a project through the welcome screen and waits for the project screen. */
export async function createProject(page: Page, path: string, preset: 'voc' | 'camvid' | 'none'): Promise<void> {
  await page.getByTestId('create-path').fill(path);
  await page.getByTestId('create-preset').selectOption(preset);
  await page.getByTestId('create-submit').click();
  await expect(page.getByTestId('project-screen')).toBeVisible();
}

/** Every thumbnail <img> on the page has decoded (naturalWidth > 0). */
export async function expectThumbnailsLoaded(page: Page, count: number): Promise<void> {
  const thumbs = page.getByTestId('thumbnail');
  await expect(thumbs).toHaveCount(count);
  await expect
    .poll(() => thumbs.evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length))
    .toBe(count);
}
