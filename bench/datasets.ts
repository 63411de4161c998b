import { join } from 'node:path';

/** `../shared/datasets` beside the checkout: real data for benchmarks, absent on some machines. */
export const SHARED_DIR = join(import.meta.dirname, '..', '..', 'shared');
export const CAMVID_DIR = join(SHARED_DIR, 'datasets', 'camvid');
