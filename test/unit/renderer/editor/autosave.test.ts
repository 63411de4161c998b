import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutosaveQueue, type SaveStatus } from '../../../../renderer/editor/autosave';

class Conflict extends Error {}

function queue(save: (base: number) => Promise<{ version: number }>) {
  const states: SaveStatus[] = [];
  const q = new AutosaveQueue({
    save,
    version: 3,
    debounceMs: 100,
    retryDelaysMs: [50, 200],
    isConflict: (e) => e instanceof Conflict,
    errorMessage: (e) => (e as Error).message,
    onChange: (s) => states.push(s),
  });
  return { q, states };
}

describe('autosave', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('debounces a burst of edits into one save on the current version', async () => {
    const save = vi.fn(async (base: number) => ({ version: base + 1 }));
    const { q } = queue(save);
    q.changed();
    q.changed();
    expect(q.current.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(150);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith(3);
    expect(q.current).toMatchObject({ state: 'saved', version: 4 });
    q.changed();
    await vi.advanceTimersByTimeAsync(150);
    expect(save).toHaveBeenLastCalledWith(4);
  });

  it('retries a failed save until it succeeds, never dropping the edit', async () => {
    let fails = 2;
    const save = vi.fn(async (base: number) => {
      if (fails-- > 0) throw new Error('disk full');
      return { version: base + 1 };
    });
    const { q } = queue(save);
    q.changed();
    await vi.advanceTimersByTimeAsync(100);
    expect(q.current).toMatchObject({ state: 'error', message: 'disk full', attempts: 1 });
    await vi.advanceTimersByTimeAsync(50);
    expect(q.current.attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(q.current).toMatchObject({ state: 'saved', version: 4 });
    expect(q.dirty).toBe(false);
  });

  it('an edit made during a save is saved after it', async () => {
    let release!: () => void;
    const save = vi.fn((base: number) => new Promise<{ version: number }>((r) => (release = () => r({ version: base + 1 }))));
    const { q } = queue(save);
    q.changed();
    await vi.advanceTimersByTimeAsync(100);
    q.changed();
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.current.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(100);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledTimes(2);
    expect(q.current).toMatchObject({ state: 'saved', version: 5 });
  });

  it('stops on a conflict, keeps the edits pending, and overwrites only when asked', async () => {
    let conflict = true;
    const save = vi.fn(async (base: number) => {
      if (conflict) throw new Conflict('newer version');
      return { version: base + 1 };
    });
    const { q } = queue(save);
    q.changed();
    await vi.advanceTimersByTimeAsync(100);
    expect(q.current.state).toBe('conflict');
    q.changed();
    await vi.advanceTimersByTimeAsync(5000);
    expect(save).toHaveBeenCalledTimes(1);
    expect(q.dirty).toBe(true);
    await expect(q.flush()).rejects.toThrow('newer version');
    conflict = false;
    q.overwrite(9);
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenLastCalledWith(9);
    expect(q.current).toMatchObject({ state: 'saved', version: 10 });
  });

  it('flush saves at once and resolves when saved', async () => {
    const save = vi.fn(async (base: number) => ({ version: base + 1 }));
    const { q } = queue(save);
    q.changed();
    const flushed = q.flush();
    await vi.advanceTimersByTimeAsync(0);
    await flushed;
    expect(save).toHaveBeenCalledTimes(1);
    await expect(q.flush()).resolves.toBeUndefined();
  });
});
