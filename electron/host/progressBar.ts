import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr when it is a terminal; nothing otherwise (pipes and CI stay clean). */
export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } | null {
  if (!process.stderr.isTTY) return null;
  const bar = new SingleBar(
    { format: `${label} [{bar}] {value}/{total} {percentage}% ETA {eta_formatted}`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
