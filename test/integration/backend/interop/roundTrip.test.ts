import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMaskPng } from '../../../../shared/mask/maskPng';
import { presetClassFile } from '../../../../shared/domain/presets';
import { importImages } from '../../../../electron/backend/importService';
import { exportMasks, fileStems, type ExportFormat } from '../../../../electron/backend/interop/exportService';
import { importPlan, type ImportFormat } from '../../../../electron/backend/interop/importPlan';
import { Project } from '../../../../electron/backend/project';
import { tempDir, writeImage, writeMask } from '../../../fixtures/images';

let root: string;
let source: Project;

/** A project with three labeled images of odd sizes, every class, unlabeled pixels, and splits. */
async function labeledProject(): Promise<Project> {
  const project = Project.create(join(root, 'source'), presetClassFile('camvid'));
  mkdirSync(join(root, 'imgs'));
  mkdirSync(join(root, 'labels'));
  const sizes = [[17, 11], [1, 1], [40, 3]];
  for (const [i, [w, h]] of sizes.entries()) {
    await writeImage(join(root, 'imgs', `img${i}.${i === 1 ? 'png' : 'jpg'}`), w, h, i === 1 ? 'png' : 'jpeg', i);
    writeMask(join(root, 'labels', `img${i}.png`), w, h, (x, y) => ((x * 3 + y * 5 + i) % 13 === 12 ? 11 : (x * 3 + y * 5 + i) % 13 === 11 ? 255 : (x * 3 + y * 5 + i) % 13));
  }
  const report = await importImages(project, { ...importPlan(project, { format: 'png-gray', images: [join(root, 'imgs')], labels: join(root, 'labels') }) });
  expect(report.labelsAdded).toBe(3);
  const id = (stem: string) => project.images.all().find((i) => i.stem === stem)!.id;
  project.images.setSplit([id('img0')], 'train');
  project.images.setSplit([id('img1')], 'val');
  project.images.setSplit([id('img2')], 'test');
  return project;
}

function masksByFile(project: Project): Map<string, string> {
  return new Map(project.images.all().map((i) => [i.fileName.replace(/\.\w+$/, ''), Buffer.from(decodeMaskPng(project.masks.current(i.id)!.png).values).toString('hex')]));
}

beforeEach(async () => {
  root = tempDir();
  source = await labeledProject();
});
afterEach(() => {
  source.close();
  rmSync(root, { recursive: true, force: true });
});

const cases: Array<{ format: ExportFormat; importAs: ImportFormat; layout: (out: string) => { images: string[]; labels?: string } }> = [
  { format: 'png-index', importAs: 'png-index', layout: (out) => ({ images: [join(root, 'imgs')], labels: out }) },
  { format: 'png-gray', importAs: 'png-gray', layout: (out) => ({ images: [join(root, 'imgs')], labels: out }) },
  { format: 'png-color', importAs: 'png-color', layout: (out) => ({ images: [join(root, 'imgs')], labels: out }) },
  { format: 'coco', importAs: 'coco', layout: (out) => ({ images: [join(root, 'imgs')], labels: join(out, 'annotations.json') }) },
  { format: 'voc', importAs: 'voc', layout: (out) => ({ images: [out] }) },
];

describe('export then import reproduces every label byte for byte', () => {
  for (const c of cases) {
    it(c.format, async () => {
      const out = join(root, `out-${c.format}`);
      const exported = await exportMasks(source, { format: c.format, outDir: out });
      expect(exported.written).toBe(3);
      const target = Project.create(join(root, `target-${c.format}`), presetClassFile('camvid'));
      const report = await importImages(target, importPlan(target, { format: c.importAs, ...c.layout(out) }));
      expect(report.skipped).toEqual([]);
      expect(report.labelsAdded).toBe(3);
      expect(masksByFile(target)).toEqual(masksByFile(source));
      if (c.format === 'voc') {
        expect(target.images.list({ sort: 'name', descending: false }).map((r) => r.split)).toEqual(['train', 'val', 'test']);
      }
      target.close();
    });
  }
});

describe('exportMasks', () => {
  it('refuses a non-empty folder, and replaces only its own exports with --force', async () => {
    const out = join(root, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'thesis.tex'), 'precious');
    await expect(exportMasks(source, { format: 'png-gray', outDir: out })).rejects.toThrow(/not empty/);
    await expect(exportMasks(source, { format: 'png-gray', outDir: out, force: true })).rejects.toThrow(/not an FCN Studio export/);
    expect(readFileSync(join(out, 'thesis.tex'), 'utf8')).toBe('precious');
    const ours = join(root, 'ours');
    await exportMasks(source, { format: 'png-gray', outDir: ours });
    await expect(exportMasks(source, { format: 'png-gray', outDir: ours })).rejects.toThrow(/--force/);
    expect((await exportMasks(source, { format: 'png-index', outDir: ours, force: true })).written).toBe(3);
  });

  it('filters by split and by done, and writes a chosen unlabeled value', async () => {
    const out = join(root, 'val-only');
    expect((await exportMasks(source, { format: 'png-gray', outDir: out, split: 'val', unlabeledValue: 200 })).written).toBe(1);
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toEqual(['img1.png']);
    await expect(exportMasks(source, { format: 'png-gray', outDir: join(root, 'x'), unlabeledValue: 3 })).rejects.toThrow(/value of class "road"/);
    source.images.setDone(source.images.all().filter((i) => i.stem !== 'img0').map((i) => i.id), false);
    expect((await exportMasks(source, { format: 'png-gray', outDir: join(root, 'done'), onlyDone: true })).written).toBe(1);
  });

  it('reports unknown colours on import instead of guessing', async () => {
    const out = join(root, 'colour');
    await exportMasks(source, { format: 'png-color', outDir: out });
    const target = Project.create(join(root, 'voc-classes'), presetClassFile('voc'));
    const report = await importImages(target, importPlan(target, { format: 'png-color', images: [join(root, 'imgs')], labels: out }));
    // Some CamVid colours are VOC colours too (building = aeroplane); the other masks must be refused.
    expect(report.labelsAdded).toBeLessThan(3);
    expect(report.skipped[0].message).toMatch(/colours that are no class of this project: rgb\(\d+,\d+,\d+\) \(\d+ px\)/);
    target.close();
  });

  it('keeps file names inside the output folder and unique', () => {
    const image = (id: number, stem: string) => ({ id, stem }) as never;
    const { names } = fileStems([image(1, '../../etc/passwd'), image(2, 'a'), image(3, 'A'), image(4, '.hidden')]);
    expect([...names.values()]).toEqual(['.._.._etc_passwd'.replace(/^\.+/, '_'), 'a-2', 'A-3', '_hidden']);
  });
});

const python = '/usr/bin/python3';
const hasPil = (() => {
  try {
    execFileSync(python, ['-c', 'import PIL, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(hasPil)('conformance with PIL', () => {
  it('palette PNGs decode to indices (mode P) and grey PNGs to values (mode L)', async () => {
    await exportMasks(source, { format: 'png-index', outDir: join(root, 'idx') });
    await exportMasks(source, { format: 'png-gray', outDir: join(root, 'gray') });
    const script = `
import sys, json
from PIL import Image
import numpy as np
out = {}
for kind in ('idx', 'gray'):
    im = Image.open(sys.argv[1] + '/' + kind + '/img0.png')
    out[kind] = [im.mode, np.array(im).astype(int).flatten().tolist()]
print(json.dumps(out))`;
    const result = JSON.parse(execFileSync(python, ['-c', script, root], { encoding: 'utf8' })) as Record<string, [string, number[]]>;
    const img0 = source.images.all().find((i) => i.stem === 'img0')!;
    const expected = [...decodeMaskPng(source.masks.current(img0.id)!.png).values];
    expect(result.idx[0]).toBe('P');
    expect(result.gray[0]).toBe('L');
    expect(result.idx[1]).toEqual(expected);
    expect(result.gray[1]).toEqual(expected);
  });
});
if (!hasPil) console.warn('skipped the PIL conformance test: /usr/bin/python3 with PIL and numpy is absent');

const CAMVID = join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'datasets', 'camvid');
describe.runIf(existsSync(CAMVID))('CamVid val round trip', () => {
  it('voc, coco and png-gray reproduce all 101 masks (void 11 ↔ 255, or 11 with --unlabeled-value 11)', async () => {
    const project = Project.create(join(root, 'camvid'), presetClassFile('camvid'));
    const val = join(CAMVID, 'val');
    await importImages(project, { split: 'val', ...importPlan(project, { format: 'png-gray', images: [join(val, 'images')], labels: join(val, 'labels') }) });
    const originals = new Map(
      readdirSync(join(val, 'labels')).map((f) => [f.replace('.png', ''), decodeMaskPng(readFileSync(join(val, 'labels', f))).values]),
    );
    expect(originals.size).toBe(101);
    const voidAs255 = (v: Uint8Array) => Buffer.from(v.map((x) => (x === 11 ? 255 : x))).toString('hex');

    await exportMasks(project, { format: 'png-gray', outDir: join(root, 'cv-gray'), unlabeledValue: 11 });
    for (const [stem, original] of originals) {
      expect(Buffer.from(decodeMaskPng(readFileSync(join(root, 'cv-gray', `${stem}.png`))).values).equals(Buffer.from(original)), stem).toBe(true);
    }
    await exportMasks(project, { format: 'voc', outDir: join(root, 'cv-voc') });
    for (const [stem, original] of originals) {
      expect(Buffer.from(decodeMaskPng(readFileSync(join(root, 'cv-voc', 'SegmentationClass', `${stem}.png`))).values).toString('hex'), stem).toBe(voidAs255(original));
    }
    await exportMasks(project, { format: 'coco', outDir: join(root, 'cv-coco') });
    const target = Project.create(join(root, 'cv-target'), presetClassFile('camvid'));
    const report = await importImages(target, importPlan(target, { format: 'coco', images: [join(val, 'images')], labels: join(root, 'cv-coco', 'annotations.json') }));
    expect(report.labelsAdded).toBe(101);
    for (const image of target.images.all()) {
      expect(Buffer.from(decodeMaskPng(target.masks.current(image.id)!.png).values).toString('hex'), image.stem).toBe(voidAs255(originals.get(image.stem)!));
    }
    target.close();
    project.close();
  });
});
