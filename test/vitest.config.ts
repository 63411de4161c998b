import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration tests spawn child processes and decode images, so keep the pool small.
    maxWorkers: 2,
    // A folder that holds no weights: a developer's real cache (an ImageNet download Live would start
    // from) never changes what a test does. Tests that need cached weights set their own.
    env: { FCN_STUDIO_WEIGHTS_DIR: join(tmpdir(), 'fcn-studio-test-no-weights') },
  },
});
