import { Tinypool } from 'tinypool';
import { InvalidArgumentError } from '../errors.js';
import { clusterProperty } from '../check/assert-cluster.js';
import type { SeedResult } from '../check/sweep-seed.js';
import { loadSweepModule } from './load-module.js';
import runTask from './sweep-worker.js';

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
  shard: { index: number; count: number };
  runsPerSeed: number;
  /** Called after each seed, in completion order (which depends on the workers). */
  onProgress?: (done: number, total: number, failures: number) => void;
}

/** The sweep's JSON report: the same for the same options on any machine. */
export interface SweepReport {
  file: string;
  firstSeed: number;
  seeds: number;
  shard: string;
  runsPerSeed: number;
  seedsRun: number;
  passed: number;
  failed: number;
  /** Failing seeds, in seed order, with their minimal schedules. */
  failures: SeedResult[];
  /** Per `sometimes` condition: in how many seeds it was met. */
  coverage: Record<string, number>;
  /** Conditions of the module's `requireCoverage` that no seed met (the sweep then fails). */
  coverageMissing: string[];
}

/** At most this many worker threads, whatever is asked. */
export const MAX_WORKERS = 256;

/** The seeds of one shard, in order. */
export function shardSeeds(firstSeed: number, seeds: number, shard: { index: number; count: number }): number[] {
  const result: number[] = [];
  for (let offset = shard.index - 1; offset < seeds; offset += shard.count) result.push(firstSeed + offset);
  return result;
}

/** Runs a sweep on a worker pool (or in this thread with `workers: 0`). */
export async function runSweep(options: SweepOptions): Promise<SweepReport> {
  // Fail fast, in this thread, on a bad scenario file: its errors keep their types here.
  const module = await loadSweepModule(options.file);
  clusterProperty(module.scenario, { ...(module.options ?? {}) });
  const seeds = shardSeeds(options.firstSeed, options.seeds, options.shard);
  const results = options.workers === 0 || seeds.length === 0 ? await runHere(seeds, options) : await runOnPool(seeds, options);
  const failures = results.filter((result) => !result.ok).sort((first, second) => first.fastCheckSeed - second.fastCheckSeed);
  const coverage = coverageOf(results);
  return {
    file: options.file,
    firstSeed: options.firstSeed,
    seeds: options.seeds,
    shard: `${options.shard.index}/${options.shard.count}`,
    runsPerSeed: options.runsPerSeed,
    seedsRun: seeds.length,
    passed: seeds.length - failures.length,
    failed: failures.length,
    failures,
    coverage,
    coverageMissing: (module.options?.requireCoverage?.sometimes ?? []).filter((name) => (coverage[name] ?? 0) === 0),
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
    results.push(await runTask({ file: options.file, seed, runsPerSeed: options.runsPerSeed }));
    options.onProgress?.(results.length, seeds.length, results.filter((result) => !result.ok).length);
  }
  return results;
}

async function runOnPool(seeds: readonly number[], options: SweepOptions): Promise<SeedResult[]> {
  if (import.meta.url.endsWith('.ts')) {
    // Worker threads do not inherit tsx's loader, so from source only this thread can run seeds.
    throw new InvalidArgumentError('--workers', options.workers, '0 when faultline runs from its TypeScript source (the built CLI runs workers)');
  }
  const threads = Math.min(options.workers, seeds.length);
  const pool = new Tinypool({ filename: new URL('./sweep-worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads });
  let done = 0;
  let failures = 0;
  try {
    return await Promise.all(
      seeds.map(async (seed) => {
        const result = (await pool.run({ file: options.file, seed, runsPerSeed: options.runsPerSeed })) as SeedResult;
        done++;
        if (!result.ok) failures++;
        options.onProgress?.(done, seeds.length, failures);
        return result;
      }),
    );
  } finally {
    await pool.destroy();
  }
}

/** Parses `i/n` (1-based), as vitest and CI matrices write shards. */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || !(count >= 1) || !(index >= 1 && index <= count)) throw new InvalidArgumentError('--shard', text, 'i/n with 1 <= i <= n, e.g. 2/8');
  return { index, count };
}
