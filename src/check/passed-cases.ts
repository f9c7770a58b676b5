/**
 * Most entries one search remembers; when full it forgets them all and starts again. A shrink
 * tries its repeats close together, so a small memory catches nearly all of them, and a long
 * search cannot grow it without bound (a key is the case's JSON: 370 characters on average in
 * the README's register sweep).
 */
export const MAX_PASSED_CASES = 4_096;

/**
 * The cases of one search that passed after its first failure, by their JSON, with the coverage
 * each reported. fast-check's shrinker tries some candidates more than once: in the README's
 * register sweep, a fifth of the 1,750 cases each failing seed asks for while shrinking repeat
 * a case already run. A case is a pure function of its seed, faults and workload (the determinism
 * every trace hash rests on), so a repeat that passed before passes again: it is not run twice.
 *
 * Only passing cases are remembered. Were two different cases to share a key (values that JSON
 * writes alike, such as `NaN` and `null`), the worst a remembered pass could do is keep the shrinker
 * from one candidate; it never turns a passing case into a reported failure. Nothing is remembered
 * before the first failure either: generated cases rarely repeat, and their keys would cost time.
 *
 * @example
 * ```ts
 * const passed = new PassedCases<Coverage>();
 * const key = passed.keyOf([seed, schedule, items]);
 * const known = passed.coverageOf(key); // defined: this case passed before, with this coverage
 * ```
 */
export class PassedCases<Coverage> {
  private readonly coverageByKey = new Map<string, Coverage>();
  private shrinking = false;

  /** The key of a case, once the search has failed; `undefined` before that, or for values JSON cannot write. */
  keyOf(testCase: unknown): string | undefined {
    if (!this.shrinking) return undefined;
    try {
      return JSON.stringify(testCase);
    } catch {
      return undefined; // a BigInt or a cycle: run the case, and let its own checks name the value
    }
  }

  /** The coverage the case of `key` passed with, if it did. */
  coverageOf(key: string | undefined): Coverage | undefined {
    return key === undefined ? undefined : this.coverageByKey.get(key);
  }

  /** Remembers that the case of `key` passed. */
  remember(key: string | undefined, coverage: Coverage): void {
    if (key === undefined) return;
    if (this.coverageByKey.size >= MAX_PASSED_CASES) this.coverageByKey.clear();
    this.coverageByKey.set(key, coverage);
  }

  /** A case failed: the shrinker takes over, and its repeats are worth catching from now on. */
  startShrinking(): void {
    this.shrinking = true;
  }
}
