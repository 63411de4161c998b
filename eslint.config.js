// Lint, and the layering of DESIGN.md enforced as import rules:
// shared/ is pure; renderer/ and electron/ meet only in shared/; only main.ts and preload.ts import electron.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'net', 'url', 'worker_threads', 'stream'];
// A path, not a pattern: a pattern named 'electron' would also match our own electron/ folder.
const electronOnly = { name: 'electron', message: 'Only electron/main.ts and electron/preload.ts import electron.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.device/**', '.gl/**', '.whl/**', 'release/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: NODE_BUILTINS, message: 'shared/ is pure TypeScript: no Node modules.' },
            { group: ['react', 'react-dom', 'konva', 'react-konva'], message: 'shared/ has no UI.' },
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing from electron/ or renderer/.' },
            { group: ['better-sqlite3', 'sharp', 'ws', '@tensorflow/*'], message: 'shared/ stays runnable in a browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: NODE_BUILTINS, message: 'The renderer never touches the file system: ask the backend.' },
            { group: ['**/electron/**'], message: 'renderer/ and electron/ meet only in shared/.' },
            { group: ['better-sqlite3', 'sharp', 'ws', '@tensorflow/*'], message: 'The renderer talks to the backend through the contract.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts', 'bench/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [{ group: ['**/renderer/**'], message: 'renderer/ and electron/ meet only in shared/.' }],
        },
      ],
    },
  },
  {
    // The backend talks to the ML process through the supervisor and shared/contract/mlContract, never by
    // importing the engine: only the checkpoint folder layout (which both sides read on disk) is shared.
    files: ['electron/backend/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: ['**/renderer/**'], message: 'renderer/ and electron/ meet only in shared/.' },
            { regex: '(^|/)ml/(?!engine/checkpointDir$)', message: 'electron/backend reaches the ML process through MlSupervisor and the ML contract, not its internals.' },
          ],
        },
      ],
    },
  },
  {
    // Backend channels are thin: backend.ts composes the areas' channel modules (each beside its service)
    // and owns the project's lifecycle; a handler that calls a service or a repository belongs in its area's
    // *Channels module. Types may still be named (Live's options, the service a field holds).
    files: ['electron/backend/backend.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(\\w+Service$|db/)',
              allowTypeImports: true,
              message: "backend.ts composes the areas' *Channels modules: put this handler beside its service, in its area's channel module.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/renderer/**'], message: 'renderer/ and electron/ meet only in shared/.' }] }],
    },
  },
);
