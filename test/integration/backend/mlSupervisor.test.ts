import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mobileNetV2Layers, writeKerasWeights } from '../../fixtures/kerasWeights';
import { sourceMlSupervisor } from '../../../electron/host/studioHost';
import type { MlSupervisor } from '../../../electron/backend/mlSupervisor';
import type { MlStatus } from '../../../shared/contract/rendererContract';

let ml: MlSupervisor;
afterEach(async () => ml?.stop());

function waitFor(ml: MlSupervisor, predicate: (s: MlStatus) => boolean): Promise<MlStatus> {
  return new Promise((resolve) => {
    if (predicate(ml.status())) return resolve(ml.status());
    const listener = (s: MlStatus) => {
      if (predicate(s)) {
        ml.off('status', listener);
        resolve(s);
      }
    };
    ml.on('status', listener);
  });
}

describe('MlSupervisor', () => {
  it('does not kill the process for a health ping that waited behind a request (a weights check, a model export)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcn-health-'));
    try {
      const weights = join(dir, 'mobilenet.h5');
      await writeKerasWeights(weights, mobileNetV2Layers(1));
      // Pings every 10 ms, a hang declared after 30 ms: reading MobileNetV2's weights keeps the
      // worker busy for longer than that, so pings sent meanwhile time out behind it.
      ml = sourceMlSupervisor({ healthIntervalMs: 10, healthTimeoutMs: 30 });
      ml.start();
      const ready = await waitFor(ml, (s) => s.state === 'ready');
      for (let i = 0; i < 3; i++) {
        const report = await ml.request('inspectWeights', { path: weights, backbone: 'mobilenetv2' });
        expect(report).toBeTruthy();
      }
      expect(ml.status()).toMatchObject({ pid: ready.pid, restarts: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts the ML process as a real child and answers ping', async () => {
    ml = sourceMlSupervisor();
    ml.start();
    const ready = await waitFor(ml, (s) => s.state === 'ready');
    const pong = await ml.request('ping', {});
    expect(pong.pid).toBe(ready.pid);
    expect(pong.pid).not.toBe(process.pid);
  });

  it('restarts a killed ML process and fails the request in flight instead of losing it', async () => {
    ml = sourceMlSupervisor();
    ml.start();
    const first = await waitFor(ml, (s) => s.state === 'ready');
    const inFlight = ml.request('ping', {});
    process.kill(first.pid!, 'SIGKILL');
    // The reply may have raced ahead of the kill; either outcome is explicit, never a silent hang.
    await inFlight.catch((err: { code: string }) => expect(err.code).toBe('ML_PROCESS_DIED'));
    const again = await waitFor(ml, (s) => s.state === 'ready' && s.pid !== first.pid);
    expect(again.restarts).toBe(1);
    expect(again.lastError).toMatch(/SIGKILL/);
    expect((await ml.request('ping', {})).pid).toBe(again.pid);
  });

  it('restart() replaces the process at once: the request in flight fails, the next one is answered by the new process', async () => {
    ml = sourceMlSupervisor();
    ml.start();
    const first = await waitFor(ml, (s) => s.state === 'ready');
    const inFlight = ml.request('ping', {});
    ml.restart('a test');
    await expect(inFlight).rejects.toMatchObject({ code: 'ML_PROCESS_DIED' });
    // Sent before the new process is ready: it waits for it rather than failing.
    const pong = await ml.request('ping', {});
    expect(pong.pid).not.toBe(first.pid);
    const again = await waitFor(ml, (s) => s.state === 'ready');
    expect(again).toMatchObject({ pid: pong.pid, restarts: 0 });
    expect(again.lastError).toMatch(/restarted: a test/);
  });

  it('stops cleanly and refuses requests afterwards', async () => {
    ml = sourceMlSupervisor();
    ml.start();
    await waitFor(ml, (s) => s.state === 'ready');
    await ml.stop();
    expect(ml.status().state).toBe('stopped');
    await expect(ml.request('ping', {})).rejects.toMatchObject({ code: 'ML_PROCESS_DIED' });
  });
});
