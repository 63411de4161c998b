/**
 * What the Electron main process takes from the backend, bundled on its own (dist/electron/backend.cjs)
 * so that it loads without Electron: `npm run dist:check` runs these services from the package under
 * plain Node.
 */
export { Backend } from './backend/backend';
export { MlSupervisor } from './backend/mlSupervisor';
