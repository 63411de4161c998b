import { CommanderError, Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { classFileSchema, type ClassFile } from '../../shared/domain/classes';
import { SPLITS, type Split } from '../../shared/domain/images';
import { CLASS_PRESETS, presetClassFile, type ClassPreset } from '../../shared/domain/presets';
import { describeSkip, importImages } from '../backend/importService';
import { IMPORT_FORMATS, importPlan, type ImportFormat } from '../backend/interop/importPlan';
import { Project } from '../backend/project';
import { runBenchmarks } from './benchCommand';
import { ignoreClosedPipe, parseByte, parsePort, parseRgb, print, UsageError, waitForSignal } from './cliSupport';
import { registerExportCommand } from './exportCommand';
import { packageVersion } from './paths';
import { progressBar } from './progressBar';
import { startApp } from './startCommand';
import { startBrowserMode } from './studioHost';
import { registerTrainingCommands } from './trainingCommands';

/** Exit codes: 0 ok, 1 failure, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export async function main(argv: string[]): Promise<number> {
  // A reader that went away (`train --json | head -1`) is no failure: what is still written is
  // dropped, and commands with the ML process wind down as on Ctrl-C (withProjectAndMl).
  for (const stream of [process.stdout, process.stderr]) stream.on('error', ignoreClosedPipe);
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

  registerTrainingCommands(program);
  registerExportCommand(program);

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
