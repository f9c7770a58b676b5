import { Tinypool } from 'tinypool';
import { InvalidArgumentError } from '../errors.js';
import { clusterProperty } from '../check/assert-cluster.js';
import type { SeedResult, SweepModule } from '../check/sweep-seed.js';
import { loadSweepModule } from './load-module.js';
import { shardSeeds, type Shard } from './shard.js';
import { REPORT_FORMAT, REPORT_FORMAT_VERSION, scenarioSha256, type SweepReport } from './sweep-report.js';
import { faultlineVersion } from './version.js';
import runTask from './sweep-worker.js';

export { parseShard, shardSeeds } from './shard.js';
export type { SweepReport } from './sweep-report.js';

/**
 * A sweep: seeds `firstSeed .. firstSeed + seeds - 1`, of which this shard takes every seed whose
 * offset is congruent to `shard.index - 1` modulo `shard.count`; the shards of one sweep cover
 * its seeds exactly once, whatever machine runs them.
 */
export interface SweepOptions {
  file: string;
  seeds: number;
  firstSeed: number;
  workers: number;
  shard: Shard;
  runsPerSeed: number;
  /** Called after each seed, in completion order (which depends on the workers). */
  onProgress?: (done: number, total: number, failures: number) => void;
}

/** This module runs from its TypeScript source (tests, tsx), where worker threads cannot load it. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** At most this many worker threads, whatever is asked. */
export const MAX_WORKERS = 256;

/** Runs a sweep on a worker pool (or in this thread with `workers: 0`). */
export async function runSweep(options: SweepOptions): Promise<SweepReport> {
  const seeds = shardSeeds(options.firstSeed, options.seeds, options.shard);
  // The workers start (each loads the scenario file: about half a second from TypeScript in a
  // user's project, measured) while this thread loads and checks it too: done one after the
  // other, the two startups cost a 2-worker sweep of the README's example a tenth of its time.
  const onPool = options.workers > 0 && seeds.length > 0;
  const pooled = onPool && !FROM_SOURCE ? startOnPool(seeds, options) : undefined;
  let module: SweepModule;
  try {
    // Fail fast, in this thread, on a bad scenario file: its errors keep their types here.
    module = await loadSweepModule(options.file);
    clusterProperty(module.scenario, { ...(module.options ?? {}) });
  } catch (error) {
    await pooled?.cancel();
    throw error;
  }
  if (onPool && FROM_SOURCE) {
    // Worker threads do not inherit tsx's loader, so from source only this thread can run seeds.
    throw new InvalidArgumentError('--workers', options.workers, '0 when faultline runs from its TypeScript source (the built CLI runs workers)');
  }
  const results = pooled === undefined ? await runHere(seeds, options) : await pooled.results;
  const failures = results.filter((result) => !result.ok).sort((first, second) => first.fastCheckSeed - second.fastCheckSeed);
  const coverage = coverageOf(results);
  const coverageRequired = [...(module.options?.requireCoverage?.sometimes ?? [])];
  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    faultlineVersion: faultlineVersion(),
    file: options.file,
    // Read after the module loaded, so a missing file keeps the loader's typed error.
    scenarioSha256: scenarioSha256(options.file),
    firstSeed: options.firstSeed,
    seeds: options.seeds,
    shard: `${options.shard.index}/${options.shard.count}`,
    runsPerSeed: options.runsPerSeed,
    seedsRun: seeds.length,
    passed: seeds.length - failures.length,
    failed: failures.length,
    failures,
    coverage,
    coverageRequired,
    coverageMissing: coverageRequired.filter((name) => (coverage[name] ?? 0) === 0),
  };
}

function coverageOf(results: readonly SeedResult[]): Record<string, number> {
  const seedsMet = new Map<string, number>();
  for (const result of results) for (const name of result.coverageMet ?? []) seedsMet.set(name, (seedsMet.get(name) ?? 0) + 1);
  return Object.fromEntries([...seedsMet].sort(([first], [second]) => (first < second ? -1 : 1)));
}

async function runHere(seeds: readonly number[], options: SweepOptions): Promise<SeedResult[]> {
  const results: SeedResult[] = [];
  for (const seed of seeds) {
    results.push(...(await runTask({ file: options.file, seeds: [seed], runsPerSeed: options.runsPerSeed })));
    options.onProgress?.(results.length, seeds.length, results.filter((result) => !result.ok).length);
  }
  return results;
}

/** Seeds running on a worker pool: their results, and a way to stop them all. */
interface PooledSeeds {
  results: Promise<SeedResult[]>;
  cancel(): Promise<void>;
}

function startOnPool(seeds: readonly number[], options: SweepOptions): PooledSeeds {
  const threads = Math.min(options.workers, seeds.length);
  const pool = new Tinypool({ filename: new URL('./sweep-worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads });
  let done = 0;
  let failures = 0;
  const all = Promise.all(
    batches(seeds, threads).map(async (batch) => {
      const results = (await pool.run({ file: options.file, seeds: batch, runsPerSeed: options.runsPerSeed })) as SeedResult[];
      for (const result of results) {
        done++;
        if (!result.ok) failures++;
        options.onProgress?.(done, seeds.length, failures);
      }
      return results;
    }),
  ).then((perBatch) => perBatch.flat());
  const results = all.finally(() => pool.destroy());
  // Handled here too, as this thread may still be loading the file when a task fails: the failure
  // is reported when the results are awaited, or dropped if this thread's own error comes first.
  results.catch(() => undefined);
  return { results, cancel: () => pool.destroy() };
}

/**
 * Seeds go to the workers in batches: a worker waits a round trip through this thread for each
 * task, which cost about as much as a passing seed of the README's example (measured: one worker
 * took 1.9x as long as this thread alone with one seed per task). Batches stay small, and at
 * least BATCHES_PER_WORKER per worker, so a batch holding slow seeds (a failure shrinks for up to
 * a second) cannot leave the other workers idle for long at the end.
 */
const MAX_BATCH = 8;
const BATCHES_PER_WORKER = 16;

/** Consecutive runs of seeds, each at most MAX_BATCH long. */
export function batches(seeds: readonly number[], workers: number): number[][] {
  const size = Math.max(1, Math.min(MAX_BATCH, Math.floor(seeds.length / (workers * BATCHES_PER_WORKER))));
  const result: number[][] = [];
  for (let start = 0; start < seeds.length; start += size) result.push(seeds.slice(start, start + size));
  return result;
}
