import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { sweepModuleOf, type SweepModule } from '../check/sweep-seed.js';

const TYPESCRIPT = /\.(c|m)?tsx?$/;

/**
 * Imports a scenario file and returns its {@link SweepModule}. A TypeScript file is loaded through
 * `tsx` (a loader already active, or `tsx/esm/api` registered here), so users need not compile it.
 */
export async function loadSweepModule(file: string): Promise<SweepModule> {
  const path = resolve(file);
  if (TYPESCRIPT.test(path)) await registerTypeScript(file);
  let loaded: unknown;
  try {
    loaded = await import(pathToFileURL(path).href);
  } catch (error) {
    throw new InvalidArgumentError('scenario-file', file, `a module that imports cleanly (it threw: ${error instanceof Error ? error.message : String(error)})`);
  }
  return sweepModuleOf(loaded, file);
}

let registered = false;

async function registerTypeScript(file: string): Promise<void> {
  if (registered || process.execArgv.some((argument) => argument.includes('tsx'))) return;
  try {
    // Through a variable, so bundlers leave this optional import alone.
    const specifier = 'tsx/esm/api';
    const api = (await import(specifier)) as { register: () => unknown };
    api.register();
    registered = true;
  } catch {
    throw new InvalidArgumentError('scenario-file', file, 'a .js/.mjs file, or a TypeScript file with `tsx` installed (npm install -D tsx)');
  }
}
