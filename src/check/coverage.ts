import { InvalidArgumentError } from '../errors.js';

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

/** Names the runner records itself in every run. */
export const FAULTS_APPLIED = 'faults applied';
/** Recorded true when at least one client operation completed with `ok`. */
export const OPERATIONS_COMPLETED = 'operations completed';

/** Recorded when the scenario checks linearizability: true unless the checker's budget ran out. */
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
