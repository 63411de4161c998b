/** One figure of `npm run bench`, in the format of DESIGN.md's "Benchmarks" section. */
export interface BenchLine {
  bench: string;
  value: number | null;
  unit: string;
  baseline: number | null;
  /** Ours divided by the baseline measured in the same run; null where either is missing. */
  ratio: number | null;
  note: string;
}

/** A benchmark module: runs its cases and emits one line per figure. */
export interface BenchSuite {
  name: string;
  run(emit: (line: BenchLine) => void): Promise<void>;
}

export function benchLine(
  bench: string,
  value: number | null,
  unit: string,
  baseline: number | null,
  note: string,
): BenchLine {
  const ratio = value !== null && baseline !== null && baseline > 0 ? value / baseline : null;
  return { bench, value, unit, baseline, ratio, note };
}
