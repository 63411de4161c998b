/** The typed bridge, nothing else: `invoke` for allow-listed channels, `on` for allow-listed events. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, EVENT_NAMES } from '../shared/contract/rendererContract';

const channels = new Set<string>(CHANNELS);
const events = new Set<string>(EVENT_NAMES);

contextBridge.exposeInMainWorld('fcnStudio', {
  invoke(channel: string, request: unknown) {
    if (!channels.has(channel)) return Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message: `unknown channel "${channel}"` } });
    return ipcRenderer.invoke('fcn:invoke', channel, request);
  },
  on(event: string, listener: (payload: unknown) => void) {
    if (!events.has(event)) throw new Error(`unknown event "${event}"`);
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('fcn:event', handler);
    return () => ipcRenderer.off('fcn:event', handler);
  },
});
