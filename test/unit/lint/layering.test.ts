import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: ROOT });

async function restrictedImports(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layering lint rule', () => {
  it('keeps shared/ pure', async () => {
    expect(await restrictedImports("import { readFileSync } from 'node:fs'; export const x = readFileSync;", 'shared/probe.ts')).toHaveLength(1);
    expect(await restrictedImports("import { Backend } from '../electron/backend/backend'; export const x = Backend;", 'shared/probe.ts')).toHaveLength(1);
    expect(await restrictedImports("import { z } from 'zod'; export const x = z;", 'shared/probe.ts')).toHaveLength(0);
  });

  it('lets only main.ts and preload.ts import electron', async () => {
    expect(await restrictedImports("import { app } from 'electron'; export const x = app;", 'electron/backend/probe.ts')).toHaveLength(1);
    expect(await restrictedImports("import { app } from 'electron'; export const x = app;", 'electron/main.ts')).toHaveLength(0);
  });

  it('keeps renderer/ and electron/ apart', async () => {
    expect(await restrictedImports("import { Project } from '../electron/backend/project'; export const x = Project;", 'renderer/probe.ts')).toHaveLength(1);
    expect(await restrictedImports("import fs from 'node:fs'; export const x = fs;", 'renderer/probe.ts')).toHaveLength(1);
    expect(await restrictedImports("import { x } from '../renderer/api/client'; export const y = x;", 'electron/backend/probe.ts')).toHaveLength(1);
  });

  it('keeps electron/backend out of the ML process internals (only the checkpoint folder layout is shared)', async () => {
    expect(await restrictedImports("import { trainRun } from '../../ml/engine/train'; export const x = trainRun;", 'electron/backend/training/probe.ts')).toHaveLength(1);
    expect(await restrictedImports("import { x } from '../ml/worker'; export const y = x;", 'electron/backend/probe.ts')).toHaveLength(1);
    expect(await restrictedImports("import { readableCheckpointDir } from '../../ml/engine/checkpointDir'; export const x = readableCheckpointDir;", 'electron/backend/training/probe.ts')).toHaveLength(0);
    expect(await restrictedImports("import type { MlSupervisor } from '../mlSupervisor'; export type X = MlSupervisor;", 'electron/backend/training/probe.ts')).toHaveLength(0);
  });

  it("keeps backend.ts a composition of the areas' channel modules: services and repositories are reached through them", async () => {
    const backend = 'electron/backend/backend.ts';
    expect(await restrictedImports("import { addClass } from './classService'; export const x = addClass;", backend)).toHaveLength(1);
    expect(await restrictedImports("import { train } from './training/trainingService'; export const x = train;", backend)).toHaveLength(1);
    expect(await restrictedImports("import { runRepository } from '../db/repositories/runRepository'; export const x = runRepository;", backend)).toHaveLength(1);
    expect(await restrictedImports("import { classChannels } from './classChannels'; export const x = classChannels;", backend)).toHaveLength(0);
    expect(await restrictedImports("import type { LiveOptions } from './live/liveService'; export type X = LiveOptions;", backend)).toHaveLength(0);
    // The channel modules themselves are where the services are called.
    expect(await restrictedImports("import { addClass } from './classService'; export const x = addClass;", 'electron/backend/classChannels.ts')).toHaveLength(0);
  });
});
