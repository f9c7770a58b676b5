/** The worker of `faultline sweep`: runs one seed of a scenario file per task. */
import { sweepSeed, type SeedResult, type SweepModule } from '../check/sweep-seed.js';
import { loadSweepModule } from './load-module.js';

/** What the pool sends a worker. */
export interface SweepTask {
  file: string;
  seed: number;
  runsPerSeed: number;
}

const modules = new Map<string, Promise<SweepModule>>();

/** Loads the scenario file once per worker, then runs the seed. */
export default async function runTask(task: SweepTask): Promise<SeedResult> {
  let module = modules.get(task.file);
  if (module === undefined) {
    module = loadSweepModule(task.file);
    modules.set(task.file, module);
  }
  return sweepSeed(await module, task.seed, task.runsPerSeed);
}
