import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** `npm run dist:check`: packs the app with electron-builder and checks the package (slow; CI runs it after npm test). */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/package/**/*.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
