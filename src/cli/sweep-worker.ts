/** The worker of `faultline sweep`: runs a batch of seeds of a scenario file per task. */
import { sweepSeed, type SeedResult, type SweepModule } from '../check/sweep-seed.js';
import { loadSweepModule } from './load-module.js';

/** What the pool sends a worker: consecutive seeds of one shard, run in order. */
export interface SweepTask {
  file: string;
  seeds: readonly number[];
  runsPerSeed: number;
}

const modules = new Map<string, Promise<SweepModule>>();

/** Loads the scenario file once per worker, then runs the task's seeds in order. */
export default async function runTask(task: SweepTask): Promise<SeedResult[]> {
  let module = modules.get(task.file);
  if (module === undefined) {
    module = loadSweepModule(task.file);
    modules.set(task.file, module);
  }
  const loaded = await module;
  const results: SeedResult[] = [];
  for (const seed of task.seeds) results.push(await sweepSeed(loaded, seed, task.runsPerSeed));
  return results;
}
