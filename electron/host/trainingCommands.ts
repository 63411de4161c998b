import { Option, type Command } from 'commander';
import { basename, extname, resolve } from 'node:path';
import type { BackboneName, BackendPreference, HeadName } from '../../shared/contract/mlContract';
import { SPLITS, type Split } from '../../shared/domain/images';
import { collectImageFiles } from '../backend/importService';
import { evaluateRun } from '../backend/training/predictionService';
import { train } from '../backend/training/trainingService';
import { parsePositive, parsePositiveInt, parseSize, print, UsageError, withProjectAndMl } from './cliSupport';
import { writePredictions } from './predictCommand';
import { progressBar } from './progressBar';

/** `train`, `eval` and `predict`: the FCN engine from the command line. */
export function registerTrainingCommands(program: Command): void {
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
          : (await collectImageFiles(opts.images!)).files.map((path, k) => ({ imageId: -(k + 1), path, stem: basename(path, extname(path)) }));
        const written = await writePredictions(project, ml, opts.run, items, opts.out);
        print(opts.json, { out: resolve(opts.out), written }, `Wrote ${written} predicted masks to ${resolve(opts.out)}.`);
      });
    });
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
