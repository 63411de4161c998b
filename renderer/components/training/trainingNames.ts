import type { RequestOf, RunSummary } from '../../../shared/contract/rendererContract';

type StartRequest = RequestOf<'runs:start'>;
export type HeadName = NonNullable<StartRequest['head']>;
export type BackboneName = NonNullable<StartRequest['backbone']>;
export type BackendName = NonNullable<StartRequest['backend']>;

export const HEAD_NAMES: Record<HeadName, string> = { fcn8s: 'FCN-8s', fcn16s: 'FCN-16s', fcn32s: 'FCN-32s' };
export const HEAD_HELP: Record<HeadName, string> = {
  fcn8s: 'finest edges',
  fcn16s: 'medium edges',
  fcn32s: 'coarsest, fastest',
};
export const BACKBONE_NAMES: Record<BackboneName, string> = { small: 'Small', mobilenetv2: 'MobileNetV2', vgg16: 'VGG16' };
export const BACKEND_NAMES: Record<BackendName, string> = {
  auto: 'Auto (fastest available)',
  webgpu: 'WebGPU',
  tensorflow: 'TensorFlow (native)',
  wasm: 'WebAssembly',
  cpu: 'Plain JavaScript (slowest)',
};
export const RUN_STATUS_NAMES: Record<RunSummary['status'], string> = { running: 'Running', completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled', interrupted: 'Interrupted' };
export const STOPPED_BY_NAMES: Record<string, string> = { epochs: 'all epochs done', time: 'time limit reached', cancel: 'cancelled' };

/** "1 h 05 min", "3 min 20 s", "42 s": an ETA precise enough to plan around. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export function formatMetric(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** The best validation mean IU a run reached, or null before its first validated epoch. */
export function bestMeanIoU(run: RunSummary): number | null {
  const values = run.epochs.map((e) => e.meanIoU).filter((v): v is number => v !== null);
  return values.length ? Math.max(...values) : null;
}

/** "FCN-8s · Small · 32 px · batch 8": the settings that tell runs apart. */
export function describeSettings(settings: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof settings.head === 'string') parts.push(HEAD_NAMES[settings.head as HeadName] ?? settings.head);
  if (typeof settings.backbone === 'string') parts.push(BACKBONE_NAMES[settings.backbone as BackboneName] ?? settings.backbone);
  if (typeof settings.longSide === 'number') parts.push(`${settings.longSide} px`);
  if (typeof settings.batch === 'number') parts.push(`batch ${settings.batch}`);
  if (typeof settings.learningRate === 'number') parts.push(`lr ${settings.learningRate}`);
  return parts.join(' · ');
}

export function plannedEpochs(run: RunSummary | undefined): number | null {
  return typeof run?.settings.epochs === 'number' ? run.settings.epochs : null;
}

/** Time the run spent in its epochs (training and validation), however many sessions it took. */
export function runSeconds(run: RunSummary): number {
  return run.epochs.reduce((sum, e) => sum + e.seconds, 0);
}

export function plannedMinutes(run: RunSummary | undefined): number | null {
  return typeof run?.settings.maxMinutes === 'number' ? run.settings.maxMinutes : null;
}
