import fc from 'fast-check';
import { InvalidArgumentError, PropertyViolationError } from '../errors.js';
import type { FaultSchedule } from '../faults/fault.js';
import { requireObject } from '../validate.js';
import { failureOf, searchProperty, type AssertClusterOptions } from './assert-cluster.js';
import { describeFault } from './failure-report.js';
import type { ClusterScenario } from './scenario.js';

/**
 * What a scenario file for `faultline sweep` exports as its default export: the scenario and how
 * to generate its cases (the options of `assertCluster`, minus the ones the sweep sets).
 *
 * @example
 * ```ts
 * // register.sweep.ts
 * const sweep: SweepModule = { scenario, options: { faults: { nodes: ['n1', 'n2', 'n3'], horizonMs: 8_000 } } };
 * export default sweep;
 * ```
 */
export interface SweepModule<System = unknown, Operation = unknown> {
  /** The scenario to run. */
  scenario: ClusterScenario<System, Operation>;
  /**
   * How cases are generated; `numRuns`, `seed` and `path` are the sweep's to set. With
   * `requireCoverage`, the sweep fails unless each condition was met in some seed of it.
   */
  options?: Omit<AssertClusterOptions<Operation>, 'numRuns' | 'seed' | 'path'>;
}

/**
 * The outcome of one seed of a sweep, as JSON-ready data.
 *
 * @example
 * ```ts
 * const result: SeedResult = { fastCheckSeed: 17, ok: false, property: 'one leader', path: '0:1', faults: [], faultLines: [], replay: 'checkCluster(scenario, {...});', message: '...' };
 * ```
 */
export interface SeedResult {
  /** fast-check's seed of this search (the simulation seed of a failing case is in `replay`). */
  fastCheckSeed: number;
  /** True when every case passed. */
  ok: boolean;
  /** `sometimes` conditions met in this seed's passing cases. */
  coverageMet?: string[];
  /** The failing property, when one failed. */
  property?: string;
  /** Its evidence. */
  evidence?: string;
  /** fast-check's path to the shrunk case. */
  path?: string;
  /** The minimal fault schedule. */
  faults?: FaultSchedule;
  /** The same, one readable line per fault. */
  faultLines?: string[];
  /** The line that replays the minimal case. */
  replay?: string;
  /** The full report (or the error, when the case threw something else). */
  message?: string;
}

/**
 * Reads a scenario file's default export and checks it is a {@link SweepModule}.
 *
 * @example
 * ```ts
 * const sweep = sweepModuleOf(await import('./register.sweep.js'), './register.sweep.js');
 * ```
 */
export function sweepModuleOf(loaded: unknown, file: string): SweepModule {
  requireObject(loaded, `module ${file}`);
  const candidate = (loaded['default'] ?? loaded['sweep']) as unknown;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new InvalidArgumentError(`${file} default export`, candidate, 'an object { scenario, options? } (a SweepModule)');
  }
  const module = candidate as Record<string, unknown>;
  requireObject(module['scenario'], `${file} default export .scenario`);
  const options = module['options'];
  if (options !== undefined) {
    requireObject(options, `${file} default export .options`);
    for (const owned of ['numRuns', 'seed', 'path']) {
      if (options[owned] !== undefined) throw new InvalidArgumentError(`${file} default export .options.${owned}`, options[owned], 'absent: the sweep sets it (--seeds, --first-seed, --runs-per-seed)');
    }
  }
  return module as unknown as SweepModule;
}

/**
 * Runs `runsPerSeed` cases of a sweep module from one fast-check seed, shrinking a failure.
 * Deterministic: the same module and seed give the same result on any machine.
 *
 * @example
 * ```ts
 * const result = await sweepSeed(sweep, 17);
 * if (!result.ok) console.log(result.replay);
 * ```
 */
export async function sweepSeed(sweep: SweepModule, seed: number, runsPerSeed = 1): Promise<SeedResult> {
  const met = new Set<string>();
  const { requireCoverage: _coverageIsTheSweeps, ...options } = sweep.options ?? {};
  const onPass = (coverage: Record<string, { met: number }>): void => {
    for (const [name, count] of Object.entries(coverage)) if (count.met > 0) met.add(name);
  };
  // Without reports while fast-check shrinks: only the minimal case's report is kept.
  const details = await fc.check(searchProperty(sweep.scenario, options, onPass, false), { seed, numRuns: runsPerSeed });
  if (!details.failed) return { fastCheckSeed: seed, ok: true, coverageMet: [...met].sort() };
  const error = await failureOf(sweep.scenario, options, details);
  const faults = details.counterexample?.[1] ?? [];
  const base = { fastCheckSeed: seed, ok: false, path: details.counterexamplePath ?? '', faults, faultLines: faults.map(describeFault) };
  if (error instanceof PropertyViolationError) {
    return { ...base, property: error.property, ...(error.evidence === undefined ? {} : { evidence: error.evidence }), replay: error.replay, message: error.message };
  }
  return { ...base, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
