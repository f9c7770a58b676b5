/**
 * Most cases one search remembers; when full it forgets them all and starts again. A shrink
 * tries its repeats close together, so a small memory catches nearly all of them, and a long
 * search cannot grow it without bound (a case's JSON is 370 characters on average in the README's
 * register sweep).
 */
export const MAX_PASSED_CASES = 4_096;

/**
 * The cases of one search that passed after its first failure, by the JSON of their parts (seed,
 * faults, workload), with the coverage each reported. fast-check's shrinker tries some candidates more than once: in the README's
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
 * const key = passed.keyOf([seed, schedule, items]); // each part's JSON
 * const known = passed.coverageOf(key); // defined: this case passed before, with this coverage
 * ```
 */
export class PassedCases<Coverage> {
  /** One level of maps per part of a case, by the part's JSON; coverages at the last level. */
  private readonly byParts = new Map<string, unknown>();
  private remembered = 0;
  /**
   * The JSON of parts already written, by identity: most candidates share a part with one asked
   * for before (in the register sweep 77 % reuse the workload object, 22 % the schedule, nearly
   * all one or the other), and writing the JSON was most of a key's cost. A remembered text also
   * keeps its hash, so looking it up again in a map does not read it again. fast-check does not
   * change a value once made; a part changed in place (by a scenario's own code) would keep its
   * first JSON, and the worst that does is hide a candidate from the shrinker, as above.
   */
  private readonly jsonOfPart = new WeakMap<object, string>();
  private shrinking = false;

  /** The key of a case made of `parts`, once the search has failed; `undefined` before that, or for values JSON cannot write. */
  keyOf(parts: readonly unknown[]): string[] | undefined {
    if (!this.shrinking) return undefined;
    const key: string[] = [];
    for (const part of parts) {
      const json = this.jsonOf(part);
      if (json === undefined) return undefined;
      key.push(json);
    }
    return key;
  }

  /** The coverage the case of `key` passed with, if it did. */
  coverageOf(key: readonly string[] | undefined): Coverage | undefined {
    if (key === undefined) return undefined;
    let level: Map<string, unknown> | undefined = this.byParts;
    for (let index = 0; index < key.length - 1 && level !== undefined; index++) level = level.get(key[index]!) as Map<string, unknown> | undefined;
    return level?.get(key[key.length - 1]!) as Coverage | undefined;
  }

  /** Remembers that the case of `key` passed. */
  remember(key: readonly string[] | undefined, coverage: Coverage): void {
    if (key === undefined) return;
    if (this.remembered >= MAX_PASSED_CASES && this.coverageOf(key) === undefined) {
      this.byParts.clear();
      this.remembered = 0;
    }
    let level = this.byParts;
    for (let index = 0; index < key.length - 1; index++) {
      let next = level.get(key[index]!) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(key[index]!, next);
      }
      level = next;
    }
    if (!level.has(key[key.length - 1]!)) this.remembered++;
    level.set(key[key.length - 1]!, coverage);
  }

  /** A case failed: the shrinker takes over, and its repeats are worth catching from now on. */
  startShrinking(): void {
    this.shrinking = true;
  }

  private jsonOf(part: unknown): string | undefined {
    const shared = typeof part === 'object' && part !== null;
    const known = shared ? this.jsonOfPart.get(part) : undefined;
    if (known !== undefined) return known;
    let json: string | undefined;
    try {
      json = JSON.stringify(part);
    } catch {
      return undefined; // a BigInt or a cycle: run the case, and let its own checks name the value
    }
    if (shared && json !== undefined) this.jsonOfPart.set(part, json);
    return json;
  }
}
