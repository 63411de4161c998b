import { Option, type Command } from 'commander';
import { basename, extname, resolve } from 'node:path';
import { BACKBONES, BACKEND_PREFERENCES, FULL_RESOLUTION_LIMIT, HEADS, TRAIN_DEFAULTS, type TrainSettingsInput } from '../../shared/domain/training';
import { SPLITS, type Split } from '../../shared/domain/images';
import { collectImageFiles } from '../backend/importService';
import { evaluateRun } from '../backend/training/predictionService';
import { train, type RunInitialWeights } from '../backend/training/trainingService';
import { parseFraction, parsePositive, parsePositiveInt, parseSize, print, UsageError, withProjectAndMl } from './cliSupport';
import { writePredictions } from './predictCommand';
import { progressBar } from './progressBar';

/** `train`, `eval` and `predict`: the FCN engine from the command line. */
export function registerTrainingCommands(program: Command): void {
  program
    .command('train')
    .description('train an FCN on the labeled train split (validating on val each epoch), or resume a run')
    .requiredOption('--project <dir>', 'project folder')
    .addOption(new Option('--model <head>', 'FCN head').choices(HEADS))
    .addOption(
      new Option('--backbone <name>', 'backbone (small: fast on CPUs; mobilenetv2: light, ImageNet weights; vgg16: the paper, for GPUs)').choices(BACKBONES),
    )
    .option('--weights <file|imagenet|none>', 'backbone weights for a new run: a Keras .h5 file, imagenet (keras-applications, downloaded once) or none', 'none')
    .option('--epochs <n>', `epochs at most (default: ${TRAIN_DEFAULTS.epochs}, or no limit when --max-minutes is given)`, parsePositiveInt)
    .option('--max-minutes <m>', 'train until this many minutes are spent (the learning-rate schedule spans them); with --epochs, whichever ends first', parsePositive)
    .option('--batch <n>', 'images per step', parsePositiveInt)
    .option('--size <WxH|N>', `longer image side to train and predict at (default: full resolution up to ${FULL_RESOLUTION_LIMIT} px, larger images scaled to ${FULL_RESOLUTION_LIMIT})`, parseSize)
    .option('--crop <n>', 'side of the square random training crops (default: three quarters of the training side, at most 176)', parsePositiveInt)
    .option('--lr <x>', 'learning rate', parsePositive)
    .option('--color-jitter <x>', 'colour jitter strength, 0–0.9 (brightness, contrast, saturation × [1 − x, 1 + x]; default 0)', (v) => parseFraction(v, 0.9))
    .option('--validate-every <s>', `validate and checkpoint at most every this many seconds, and after the last epoch; 0 = every epoch (default ${TRAIN_DEFAULTS.validateEverySeconds})`, (v) => parseFraction(v, 24 * 3600))
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKEND_PREFERENCES))
    .option('--resume [run]', 'continue a run (default: the latest) from its last checkpoint')
    .option('--json', 'one JSON line per epoch, then one for the run')
    .action(async (opts: TrainCliOptions) => {
      if (opts.resume !== undefined && opts.weights !== 'none') {
        process.stderr.write('note: --weights is ignored with --resume: the run continues from its own checkpoint\n');
      }
      // Ctrl-C stops a download, or cancels the run (within a second: see train()); it stays resumable.
      await withProjectAndMl(opts.project, async (project, ml, interrupt) => {
        const bar = opts.json ? null : progressBar('Training');
        const download: { bar: ReturnType<typeof progressBar>; started: boolean } = { bar: null, started: false };
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
            crop: opts.crop,
            validateEverySeconds: opts.validateEvery,
            learningRate: opts.lr,
            colorJitter: opts.colorJitter,
            backend: opts.backend,
            resume: opts.resume === undefined ? undefined : opts.resume === true ? 'latest' : String(opts.resume),
            weights: opts.resume === undefined ? opts.weights : 'none',
          },
          (event) => {
            if (event.type === 'download') {
              if (!download.started && !opts.json) {
                download.started = true;
                download.bar = progressBar('Downloading ImageNet weights (MiB)');
                if (!download.bar) process.stderr.write('downloading ImageNet weights (once; they are kept in the user cache)\n');
              }
              download.bar?.update(Math.floor(event.bytes / 2 ** 20), Math.ceil((event.total ?? event.bytes) / 2 ** 20));
            }
            if (event.type === 'weights') {
              download.bar?.stop();
              const { source, path, report } = event.weights;
              if (opts.json) process.stdout.write(JSON.stringify({ type: 'weights', source, path, ...report }) + '\n');
              else process.stderr.write(describeInitialWeights(event.weights) + '\n');
            }
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
          interrupt,
        ).finally(() => download.bar?.stop());
        bar?.stop();
        const weights = outcome.initialWeights && { source: outcome.initialWeights.source, path: outcome.initialWeights.path, kerasModel: outcome.initialWeights.report.kerasModel };
        print(opts.json, { type: 'run', runId: outcome.runId, epochs: outcome.epochs, stoppedBy: outcome.stoppedBy, settings: outcome.settings, initialWeights: weights },
          `Run ${outcome.runId}: ${outcome.epochs} epochs (stopped by ${outcome.stoppedBy}).`);
      }, { cancellable: true });
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
          `Run ${report.runId} on ${report.split} (${report.images} images)` +
            (report.initialWeights ? `, started from ${report.initialWeights.kerasModel} weights (${report.initialWeights.source === 'imagenet' ? 'ImageNet' : report.initialWeights.path})` : '') + ':',
          ...(report.predictedWith ? [`  predicted with ${report.predictedWith.backend} (${report.predictedWith.reason})`] : []),
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
          : (await collectImageFiles(opts.images!)).files.map((path, k) => ({ imageId: -(k + 1), path, stem: basename(path, extname(path)) }));
        const written = await writePredictions(project, ml, opts.run, items, opts.out);
        print(opts.json, { out: resolve(opts.out), written }, `Wrote ${written} predicted masks to ${resolve(opts.out)}.`);
      });
    });
}

/** One line on what a run starts from: the file, what it gave, and what starts fresh. */
export function describeInitialWeights({ source, path, report }: RunInitialWeights): string {
  const fresh = [...report.initialised, 'the FCN head'].join(', ');
  return `initial weights: ${report.kerasModel} (${source === 'imagenet' ? 'ImageNet, ' : ''}${path}): ${report.loaded.length} layers loaded; freshly initialised: ${fresh}` +
    (report.ignored.length ? `; not used: ${report.ignored.join(', ')}` : '');
}

/** Flags as commander hands them over; the settings among them keep the shared vocabulary's types. */
interface TrainCliOptions extends Pick<TrainSettingsInput, 'backbone' | 'epochs' | 'maxMinutes' | 'batch' | 'crop' | 'colorJitter' | 'backend'> {
  project: string;
  model?: TrainSettingsInput['head'];
  weights: string;
  size?: number;
  lr?: number;
  validateEvery?: number;
  resume?: string | boolean;
  json?: boolean;
}
