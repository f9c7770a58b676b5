import { CoverageError, InvalidArgumentError } from '../errors.js';

/**
 * How often one `sometimes` condition was evaluated and how often it was true.
 *
 * @example
 * ```ts
 * const { evaluated, met } = coverage.counts()['leader elected']!;
 * ```
 */
export interface CoverageCount {
  /** Times the condition was evaluated. */
  evaluated: number;
  /** Times it was true. */
  met: number;
}

/**
 * Recorded by the runner at the end of every run: true when some fault was applied.
 *
 * @example
 * ```ts
 * await assertCluster(scenario, { faults, requireCoverage: { sometimes: [FAULTS_APPLIED] } });
 * ```
 */
export const FAULTS_APPLIED = 'faults applied';
/**
 * Recorded by the runner at the end of every run: true when a fault actually hit, i.e. some
 * message was lost to it (dropped at a crashed node, on a cut link, or by an omission fault).
 *
 * @example
 * ```ts
 * await assertCluster(scenario, { faults, requireCoverage: { sometimes: [FAULTS_HIT] } });
 * ```
 */
export const FAULTS_HIT = 'faults hit';
/**
 * Recorded by the runner at the end of every run: true when at least one client operation
 * recorded in `history` completed with `ok`.
 *
 * @example
 * ```ts
 * await assertCluster(scenario, { faults, workload, requireCoverage: { sometimes: [OPERATIONS_COMPLETED] } });
 * ```
 */
export const OPERATIONS_COMPLETED = 'operations completed';

/**
 * Recorded when the scenario checks linearizability: true unless the checker's budget ran out.
 *
 * @example
 * ```ts
 * await assertCluster(scenario, { workload, requireCoverage: { sometimes: [LINEARIZABILITY_DECIDED] } });
 * ```
 */
export const LINEARIZABILITY_DECIDED = 'linearizability decided';

/** Bound on distinct condition names: a name built from data (a counter per key) is a bug. */
const MAX_CONDITIONS = 10_000;

/**
 * `sometimes(name, condition)` counters, in the spirit of Antithesis's assertions: they do not
 * fail a run, but a suite can require that each was met in some run, so a pass cannot be
 * vacuous (no fault ever hit, no operation ever completed, no leader ever changed).
 *
 * @example
 * ```ts
 * setup(sim, { coverage }) {
 *   // in node code: coverage.sometimes('leader stepped down', wasLeader && !isLeader);
 * }
 * ```
 */
export class Coverage {
  private readonly conditions = new Map<string, CoverageCount>();

  /** Counts one evaluation of the named condition; returns `condition`, so it can wrap a test. */
  sometimes(name: string, condition: boolean): boolean {
    if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('sometimes(name)', name, 'a non-empty string');
    let count = this.conditions.get(name);
    if (count === undefined) {
      if (this.conditions.size >= MAX_CONDITIONS) throw new InvalidArgumentError('sometimes(name)', name, `one of at most ${MAX_CONDITIONS} distinct names`);
      count = { evaluated: 0, met: 0 };
      this.conditions.set(name, count);
    }
    count.evaluated++;
    if (condition) count.met++;
    return condition;
  }

  /** True when the named condition was met at least once. */
  wasMet(name: string): boolean {
    return (this.conditions.get(name)?.met ?? 0) > 0;
  }

  /** Every condition seen, in the order first evaluated. */
  counts(): Record<string, CoverageCount> {
    const result: Record<string, CoverageCount> = {};
    for (const [name, count] of this.conditions) result[name] = { ...count };
    return result;
  }
}

/**
 * Gathers the coverage of many cases (e.g. inside your own `fc.assert`) and checks, at the end,
 * that each required condition was met in at least one of them.
 *
 * @example
 * ```ts
 * const tally = new CoverageTally();
 * fc.assert(fc.property(clusterSeed(), schedules, (seed, faults) => {
 *   tally.add(checkCluster(scenario, { seed, faults }).coverage);
 * }));
 * tally.require([FAULTS_HIT, 'leader changed']); // throws CoverageError if one never happened
 * ```
 */
export class CoverageTally {
  private readonly runsMet = new Map<string, number>();
  private runs = 0;

  /** Counts one case's coverage (`ClusterOutcome.coverage`). */
  add(coverage: Readonly<Record<string, CoverageCount>>): void {
    this.runs++;
    for (const [name, count] of Object.entries(coverage)) this.runsMet.set(name, (this.runsMet.get(name) ?? 0) + (count.met > 0 ? 1 : 0));
  }

  /** Per condition, in how many of the counted cases it was met at least once. */
  summary(): Record<string, number> {
    return Object.fromEntries(this.runsMet);
  }

  /** Throws {@link CoverageError} unless each named condition was met in some counted case. */
  require(names: readonly string[]): void {
    const missing = names.filter((name) => (this.runsMet.get(name) ?? 0) === 0);
    if (missing.length === 0) return;
    throw new CoverageError(`${this.runs} runs passed, but vacuously: ${missing.map((name) => `'${name}'`).join(', ')} never happened (met in 0 runs; seen: ${JSON.stringify(this.summary())})`);
  }
}
