import { Backend } from '../backend/backend';
import { MlSupervisor, type MlSupervisorOptions } from '../backend/mlSupervisor';
import { ML_WORKER_SOURCE, packageVersion, RENDERER_DIST, rendererBuilt, PACKAGE_ROOT } from './paths';
import { startStudioServer, type StudioServer } from './server';

export interface HostOptions {
  project?: string;
  host?: string;
  port?: number;
  token?: string;
  /** Build the renderer first if it is not built (npm start on a fresh clone). */
  buildRenderer?: boolean;
}

/** The ML process from source: Node runs the worker through the tsx loader. */
export function sourceMlSupervisor(options: Partial<MlSupervisorOptions> = {}): MlSupervisor {
  return new MlSupervisor({ entry: ML_WORKER_SOURCE, execArgv: ['--import', import.meta.resolve('tsx')], ...options });
}

/** Browser mode: backend + ML process + server, as `fcn-studio serve` runs them. */
export async function startBrowserMode(options: HostOptions): Promise<{ server: StudioServer; backend: Backend; stop(): Promise<void> }> {
  const ml = sourceMlSupervisor();
  const backend = new Backend({ mode: 'browser', version: packageVersion(), ml });
  // The project first: one that cannot be opened is an error before anything (the renderer build,
  // the ML process) is started that would keep this process alive.
  if (options.project) backend.openProject(options.project);
  try {
    if (!rendererBuilt()) {
      if (!options.buildRenderer) throw new Error('the renderer is not built: run `npm run build:renderer` first');
      await buildRenderer();
    }
    ml.start();
    const server = await startStudioServer({ backend, staticDir: RENDERER_DIST, host: options.host, port: options.port, token: options.token });
    return {
      server,
      backend,
      stop: async () => {
        await server.close();
        await backend.dispose();
      },
    };
  } catch (err) {
    await backend.dispose(); // a port in use, a failed build: nothing may be left running
    throw err;
  }
}

async function buildRenderer(): Promise<void> {
  process.stderr.write('Building the renderer (first start)…\n');
  const { build } = await import('vite');
  await build({ configFile: `${PACKAGE_ROOT}/renderer/vite.config.ts`, logLevel: 'warn' });
}
