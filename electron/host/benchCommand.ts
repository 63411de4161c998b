import type { BenchLine, BenchSuite } from '../../bench/benchLine';
import { BENCH_SUITES } from '../../bench/suites';

/** Runs every benchmark suite; with --json stdout holds only the JSON lines. */
export async function runBenchmarks(opts: { json?: boolean; only?: string }): Promise<void> {
  const suites: BenchSuite[] = (await BENCH_SUITES()).filter((s) => !opts.only || s.name.startsWith(opts.only));
  const emit = (line: BenchLine) => {
    if (opts.json) process.stdout.write(JSON.stringify(line) + '\n');
    else process.stdout.write(`${line.bench}: ${line.value ?? 'n/a'} ${line.unit}${line.ratio !== null ? ` (ratio ${line.ratio.toFixed(2)})` : ''} — ${line.note}\n`);
  };
  for (const suite of suites) {
    process.stderr.write(`bench: ${suite.name}…\n`);
    await suite.run(emit);
  }
}
