import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../shared/contract/rendererContract';
import { patchRunList, withoutRun } from '../../../../renderer/state/runList';

function run(id: number, status: RunSummary['status'] = 'completed'): RunSummary {
  return {
    id,
    status,
    jobId: null,
    createdAt: `2026-12-0${id}T00:00:00Z`,
    backend: 'wasm',
    backendReason: null,
    error: null,
    settings: {},
    initialWeights: null,
    epochs: [],
    finishedAt: null,
    trainImages: 4,
    valImages: 2,
    predictions: 0,
    bestEpoch: null,
  };
}

describe('patchRunList', () => {
  it('replaces the row of a run the list has, in its place', () => {
    const patched = patchRunList([run(3), run(2, 'running'), run(1)], run(2));
    expect(patched.map((r) => [r.id, r.status])).toEqual([
      [3, 'completed'],
      [2, 'completed'],
      [1, 'completed'],
    ]);
  });

  it('inserts a run it has not seen where newest-first puts it', () => {
    expect(patchRunList([run(2), run(1)], run(3)).map((r) => r.id)).toEqual([3, 2, 1]);
    expect(patchRunList([run(4), run(1)], run(2)).map((r) => r.id)).toEqual([4, 2, 1]);
    expect(patchRunList([run(4)], run(1)).map((r) => r.id)).toEqual([4, 1]);
    expect(patchRunList([], run(1)).map((r) => r.id)).toEqual([1]);
  });

  it('leaves the list it was given unchanged (React state)', () => {
    const runs = [run(2), run(1)];
    patchRunList(runs, run(3));
    expect(runs.map((r) => r.id)).toEqual([2, 1]);
  });
});

describe('withoutRun', () => {
  it('drops a deleted run and keeps the others in order', () => {
    expect(withoutRun([run(3), run(2), run(1)], 2).map((r) => r.id)).toEqual([3, 1]);
    expect(withoutRun([run(1)], 9).map((r) => r.id)).toEqual([1]);
  });
});
