import { CommanderError, Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { AppError } from '../../shared/contract/errors';
import { classFileSchema, type ClassFile } from '../../shared/domain/classes';
import { SPLITS, type Split } from '../../shared/domain/images';
import { CLASS_PRESETS, presetClassFile, type ClassPreset } from '../../shared/domain/presets';
import { describeSkip, importImages } from '../backend/importService';
import { EXPORT_FORMATS, exportMasks, type ExportFormat } from '../backend/interop/exportService';
import { exportRunModel } from '../backend/interop/modelExportService';
import { IMPORT_FORMATS, importPlan, type ImportFormat } from '../backend/interop/importPlan';
import { Project } from '../backend/project';
import { progressBar } from './progressBar';
import { runBenchmarks } from './benchCommand';
import { startApp } from './startCommand';
import { sourceMlSupervisor, startBrowserMode } from './studioHost';
import type { MlSupervisor } from '../backend/mlSupervisor';
import { resolveRun, train } from '../backend/training/trainingService';
import { evaluateRun } from '../backend/training/predictionService';
import { listImageFiles, writePredictions } from './predictCommand';
import type { BackboneName, BackendPreference, HeadName } from '../../shared/contract/mlContract';
import { basename, extname, resolve } from 'node:path';
import { packageVersion } from './paths';

/** Exit codes: 0 ok, 1 failure, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; anything else commander refuses is a usage error.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`fcn-studio: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`fcn-studio: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
}

function buildProgram(): Command {
  const program = new Command('fcn-studio')
    .description('Label images per pixel, train FCNs, review and export masks.')
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError();

  program
    .command('init')
    .description('create a project folder with a class set')
    .requiredOption('--project <dir>', 'project folder (created if missing)')
    .option('--classes <preset|file>', `class preset (${CLASS_PRESETS.join(', ')}) or a classes JSON file`, 'voc')
    .option('--json', 'print one JSON object')
    .action((opts: { project: string; classes: string; json?: boolean }) => {
      const project = Project.create(opts.project, loadClasses(opts.classes));
      const summary = { project: project.dir, classes: project.classes.list().length, ignoreIndex: project.ignoreIndex() };
      project.close();
      print(opts.json, summary, `Created ${summary.project} with ${summary.classes} classes.`);
    });

  program
    .command('import')
    .description('import images (files or folders, recursively) and optionally their masks')
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--images <path...>', 'image files or folders')
    .option('--labels <path>', 'masks: a folder of PNGs matched by file stem, or the COCO JSON file')
    .addOption(new Option('--format <format>', 'what --images and --labels hold').choices(IMPORT_FORMATS).default('folder'))
    .option('--unlabeled-value <n>', 'png-gray: the pixel value that means unlabeled (besides 255)', parseByte)
    .option('--unlabeled-color <r,g,b>', 'png-color: the colour of unlabeled pixels', parseRgb, [0, 0, 0])
    .addOption(new Option('--split <split>', 'split for the imported images').choices(SPLITS.filter((s) => s !== 'unassigned')))
    .option('--copy', 'copy the images into the project folder')
    .option('--json', 'print one JSON object')
    .action(async (opts: ImportCliOptions) => {
      const project = Project.open(opts.project);
      const bar = opts.json ? null : progressBar('Importing');
      try {
        const plan = importPlan(project, {
          format: opts.format,
          images: opts.images,
          labels: opts.labels,
          unlabeledValue: opts.unlabeledValue,
          unlabeledColor: opts.unlabeledColor,
        });
        const report = await importImages(project, {
          ...plan,
          split: opts.split,
          copyIntoProject: opts.copy,
          onProgress: (done, total) => bar?.update(done, total),
        });
        bar?.stop();
        if (opts.json) {
          process.stdout.write(JSON.stringify(report) + '\n');
        } else {
          process.stdout.write(`Added ${report.added} images and ${report.labelsAdded} masks in ${report.seconds.toFixed(1)} s.\n`);
          if (report.skipped.length) process.stdout.write(`Skipped ${report.skipped.length}:\n`);
          for (const s of report.skipped) process.stdout.write(`  ${describeSkip(s)}\n`);
        }
      } finally {
        bar?.stop();
        project.close();
      }
    });

  program
    .command('status')
    .description('counts of images, labeled images, classes and splits')
    .requiredOption('--project <dir>', 'project folder')
    .option('--json', 'print one JSON object')
    .action((opts: { project: string; json?: boolean }) => {
      const project = Project.open(opts.project);
      try {
        const counts = project.images.counts();
        const status = { ...counts, classes: project.classes.list().length };
        const text = [
          `${status.images} images, ${status.labeledImages} labeled, ${status.classes} classes`,
          `splits: ${SPLITS.map((s) => `${s} ${status.splits[s]}`).join(', ')}`,
          `status: unlabeled ${status.statuses.unlabeled}, in progress ${status.statuses.in_progress}, done ${status.statuses.done}`,
          status.fileProblems ? `${status.fileProblems} images have missing or changed files` : '',
        ].filter(Boolean);
        print(opts.json, status, text.join('\n'));
      } finally {
        project.close();
      }
    });

  program
    .command('train')
    .description('train an FCN on the labeled train split (validating on val each epoch), or resume a run')
    .requiredOption('--project <dir>', 'project folder')
    .addOption(new Option('--model <head>', 'FCN head').choices(['fcn32s', 'fcn16s', 'fcn8s']))
    .addOption(new Option('--backbone <name>', 'backbone (small: fast on CPUs; vgg16: the paper, for GPUs)').choices(['small', 'vgg16']))
    .option('--weights <file|imagenet|none>', 'initial weights', 'none')
    .option('--epochs <n>', 'epochs at most', parsePositiveInt)
    .option('--max-minutes <m>', 'stop at the epoch boundary that would pass this many minutes', parsePositive)
    .option('--batch <n>', 'images per step', parsePositiveInt)
    .option('--size <WxH|N>', 'longer image side to train at (default: half of large frames, at most 320)', parseSize)
    .option('--lr <x>', 'learning rate', parsePositive)
    .addOption(new Option('--backend <name>', 'compute backend').choices(['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu']))
    .option('--resume [run]', 'continue a run (default: the latest) from its last checkpoint')
    .option('--json', 'one JSON line per epoch, then one for the run')
    .action(async (opts: TrainCliOptions) => {
      if (opts.weights !== 'none') {
        throw new UsageError('--weights: pretrained ImageNet weights (Keras HDF5) are not in this build yet; train with --weights none');
      }
      await withProjectAndMl(opts.project, async (project, ml) => {
        const bar = opts.json ? null : progressBar('Training');
        const outcome = await train(
          project,
          ml,
          {
            head: opts.model,
            backbone: opts.backbone,
            epochs: opts.epochs,
            maxMinutes: opts.maxMinutes,
            batch: opts.batch,
            longSide: opts.size,
            learningRate: opts.lr,
            backend: opts.backend,
            resume: opts.resume === undefined ? undefined : opts.resume === true ? 'latest' : String(opts.resume),
          },
          (event) => {
            if (event.type === 'progress') bar?.update(event.step, event.stepsPerEpoch ?? event.step);
            if (event.type === 'backend') process.stderr.write(`backend: ${event.backend} (${event.reason})\n`);
            if (event.type === 'epoch') {
              bar?.stop();
              const m = event.val?.metrics;
              const line = { epoch: event.epoch, trainLoss: event.trainLoss, seconds: event.seconds, imagesPerSecond: event.imagesPerSecond, meanIoU: m?.meanIoU ?? null, pixelAccuracy: m?.pixelAccuracy ?? null };
              process.stdout.write(
                opts.json
                  ? JSON.stringify({ type: 'epoch', ...line }) + '\n'
                  : `epoch ${event.epoch}: loss ${event.trainLoss.toFixed(4)}, ${event.imagesPerSecond.toFixed(1)} img/s` +
                      (m ? `, val mean IU ${m.meanIoU.toFixed(4)}, pixel acc ${m.pixelAccuracy.toFixed(4)}` : '') + '\n',
              );
            }
          },
        );
        bar?.stop();
        print(opts.json, { type: 'run', runId: outcome.runId, epochs: outcome.epochs, stoppedBy: outcome.stoppedBy, settings: outcome.settings },
          `Run ${outcome.runId}: ${outcome.epochs} epochs (stopped by ${outcome.stoppedBy}).`);
      });
    });

  program
    .command('eval')
    .description("score a run's best checkpoint on a split (pixel accuracy, mean accuracy, mean IU, fw IU)")
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--run <id|latest>', 'run')
    .addOption(new Option('--split <split>', 'split to score').choices(['val', 'test', 'train']).default('val'))
    .option('--json', 'one JSON object')
    .action(async (opts: { project: string; run: string; split: Split; json?: boolean }) => {
      await withProjectAndMl(opts.project, async (project, ml) => {
        const report = await evaluateRun(project, ml, opts.run, opts.split);
        const text = [
          `Run ${report.runId} on ${report.split} (${report.images} images):`,
          `  pixel accuracy ${report.pixelAccuracy.toFixed(4)}, mean accuracy ${report.meanAccuracy.toFixed(4)}, mean IU ${report.meanIoU.toFixed(4)}, fw IU ${report.fwIoU.toFixed(4)}`,
          ...report.classes.map((c, i) => `  ${c.padEnd(16)} IoU ${report.perClassIoU[i] === null ? 'n/a' : report.perClassIoU[i]!.toFixed(4)}`),
        ];
        print(opts.json, report, text.join('\n'));
      });
    });

  program
    .command('predict')
    .description("write a run's predicted masks (8-bit PNG, value = class) at each image's full resolution")
    .requiredOption('--project <dir>', 'project folder')
    .requiredOption('--run <id|latest>', 'run')
    .addOption(new Option('--split <split>', 'images of this split').choices(SPLITS))
    .option('--images <path...>', 'image files or folders (need not be in the project)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--json', 'one JSON object')
    .action(async (opts: { project: string; run: string; split?: Split; images?: string[]; out: string; json?: boolean }) => {
      if (!opts.split === !opts.images) throw new UsageError('give either --split or --images');
      await withProjectAndMl(opts.project, async (project, ml) => {
        const items = opts.split
          ? project.images.all().filter((i) => i.split === opts.split && i.fileState === 'ok').map((i) => ({ imageId: i.id, path: project.resolveImagePath(i.path), stem: i.stem }))
          : (await listImageFiles(opts.images!)).map((path, k) => ({ imageId: -(k + 1), path, stem: basename(path, extname(path)) }));
        const written = await writePredictions(project, ml, opts.run, items, opts.out);
        print(opts.json, { out: resolve(opts.out), written }, `Wrote ${written} predicted masks to ${resolve(opts.out)}.`);
      });
    });

  program
    .command('export')
    .description('write masks in formats other tools read (png-index, png-gray, png-color, voc, coco)')
    .requiredOption('--project <dir>', 'project folder')
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS, 'model']).makeOptionMandatory())
    .requiredOption('--out <dir>', 'output folder (must be empty, or an earlier export with --force)')
    .addOption(new Option('--split <split>', 'only this split').choices(SPLITS))
    .option('--source <source>', 'labels, or predictions:RUN', 'labels')
    .option('--run <id|latest>', 'model: the run whose checkpoint to export (its best, else its last)')
    .option('--only-done', 'only images marked done')
    .option('--force', 'replace an earlier export in --out')
    .option('--unlabeled-value <n>', 'png-gray: value written for unlabeled pixels (default 255)', parseByte)
    .option('--unlabeled-color <r,g,b>', 'png-color: colour written for unlabeled pixels', parseRgb, [0, 0, 0])
    .option('--json', 'print one JSON object')
    .action(async (opts: ExportCliOptions) => {
      if (opts.format === 'model') {
        if (!opts.run) throw new UsageError('--format model needs --run ID|latest');
        const run = opts.run;
        await withProjectAndMl(opts.project, async (project, ml) => {
          const result = await exportRunModel(project, ml, run, opts.out, Boolean(opts.force));
          print(opts.json, result, `Wrote the model of run ${result.runId} (epoch ${result.epoch}) to ${result.outDir}: tfjs/ and onnx/model.onnx, each with classes.json and README.md.`);
        });
        return;
      }
      const source = /^predictions:(\w+)$/.exec(opts.source);
      if (opts.source !== 'labels' && !source) throw new UsageError(`--source ${opts.source}: write labels or predictions:RUN (a run id or latest)`);
      const project = Project.open(opts.project);
      const bar = opts.json ? null : progressBar('Exporting');
      try {
        const report = await exportMasks(project, {
          format: opts.format,
          outDir: opts.out,
          split: opts.split,
          onlyDone: opts.onlyDone,
          force: opts.force,
          unlabeledValue: opts.unlabeledValue,
          unlabeledColor: opts.unlabeledColor,
          predictionsOf: source ? resolveRun(project, source[1]) : undefined,
          onProgress: (done, total) => bar?.update(done, total),
        });
        bar?.stop();
        const text = [`Wrote ${report.written} masks to ${report.outDir} in ${report.seconds.toFixed(1)} s.`, ...report.skipped.map((s) => `  skipped ${s.image}: ${s.message}`)];
        print(opts.json, report, text.join('\n'));
      } finally {
        bar?.stop();
        project.close();
      }
    });

  program
    .command('serve')
    .description('browser mode: serve the studio on this machine (loopback, a session token)')
    .option('--project <dir>', 'project to open')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (random when omitted)', parsePort)
    .option('--json', 'print the URL as one JSON object')
    .action(async (opts: { project?: string; host: string; port?: number; json?: boolean }) => {
      const { server, stop } = await startBrowserMode({ project: opts.project, host: opts.host, port: opts.port, buildRenderer: true });
      print(opts.json, { url: server.url, port: server.port }, `FCN Studio is at ${server.url}`);
      await waitForSignal();
      await stop();
    });

  program
    .command('start')
    .description('open the desktop app (Electron), or browser mode where Electron is not installed')
    .option('--project <dir>', 'project to open')
    .action(async (opts: { project?: string }) => startApp(opts.project));

  program
    .command('bench')
    .description('run the benchmarks (one JSON line per figure with --json)')
    .option('--json', 'JSON lines only on stdout')
    .option('--only <prefix>', 'run only suites whose name starts with this')
    .action(async (opts: { json?: boolean; only?: string }) => runBenchmarks(opts));

  return program;
}

function loadClasses(spec: string): ClassFile | null {
  if ((CLASS_PRESETS as readonly string[]).includes(spec)) return presetClassFile(spec as ClassPreset);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (err) {
    throw new UsageError(`--classes ${spec}: not a preset (${CLASS_PRESETS.join(', ')}) nor a readable JSON file (${(err as Error).message})`);
  }
  const parsed = classFileSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`--classes ${spec}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

interface TrainCliOptions {
  project: string;
  model?: HeadName;
  backbone?: BackboneName;
  weights: string;
  epochs?: number;
  maxMinutes?: number;
  batch?: number;
  size?: number;
  lr?: number;
  backend?: BackendPreference;
  resume?: string | boolean;
  json?: boolean;
}

/** Opens the project and starts the ML process for one command; both are closed however it ends. */
async function withProjectAndMl(dir: string, run: (project: Project, ml: MlSupervisor) => Promise<void>): Promise<void> {
  const project = Project.open(dir);
  const ml = sourceMlSupervisor();
  ml.start();
  const interrupted = () => void ml.stop();
  process.once('SIGINT', interrupted);
  try {
    await run(project, ml);
  } finally {
    process.off('SIGINT', interrupted);
    await ml.stop();
    project.close();
  }
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${value} is not a positive whole number`);
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${value} is not a positive number`);
  return n;
}

/** `--size 240` or `--size 240x180`: the longer side is what the network trains at. */
function parseSize(value: string): number {
  const parts = value.toLowerCase().split('x').map(Number);
  if (parts.length > 2 || parts.some((n) => !Number.isInteger(n) || n < 32)) throw new UsageError(`--size ${value}: write N or WxH, each at least 32`);
  return Math.max(...parts);
}

interface ExportCliOptions {
  project: string;
  run?: string;
  format: ExportFormat | 'model';
  out: string;
  split?: Split;
  source: string;
  onlyDone?: boolean;
  force?: boolean;
  unlabeledValue?: number;
  unlabeledColor: [number, number, number];
  json?: boolean;
}

interface ImportCliOptions {
  project: string;
  images: string[];
  labels?: string;
  format: ImportFormat;
  unlabeledValue?: number;
  unlabeledColor: [number, number, number];
  split?: Split;
  copy?: boolean;
  json?: boolean;
}

function parseByte(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new UsageError(`${value} is not a pixel value (0..255)`);
  return n;
}

function parseRgb(value: string): [number, number, number] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) {
    throw new UsageError(`${value} is not a colour; write it as r,g,b (e.g. 0,0,0)`);
  }
  return parts as [number, number, number];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${value} is not a port number`);
  return port;
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write((json ? JSON.stringify(value) : text) + '\n');
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

export { AppError };
