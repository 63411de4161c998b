import type { BenchSuite } from './benchLine';
export const importBench: BenchSuite = { name: 'import', run: async () => {} };
