import { Option, type Command } from 'commander';
import { SPLITS, type Split } from '../../shared/domain/images';
import { EXPORT_FORMATS, exportMasks, type ExportFormat } from '../backend/interop/exportService';
import { exportRunModel } from '../backend/interop/modelExportService';
import { Project } from '../backend/project';
import { resolveRun } from '../backend/training/trainingService';
import { parseByte, parseRgb, print, UsageError, withProjectAndMl } from './cliSupport';
import { progressBar } from './progressBar';

/** `export`: masks, a run's predictions, or a run's model, in formats other tools read. */
export function registerExportCommand(program: Command): void {
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
        const text = [
          `Wrote ${report.written} masks to ${report.outDir} in ${report.seconds.toFixed(1)} s.`,
          ...report.skipped.map((s) => `  skipped ${s.image}: ${s.message}`),
          ...(report.renamed ?? []).map((r) => `  wrote ${JSON.stringify(r.image)} as ${r.name}: ${r.reason}`),
        ];
        print(opts.json, report, text.join('\n'));
      } finally {
        bar?.stop();
        project.close();
      }
    });
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
