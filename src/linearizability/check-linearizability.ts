import type { Operation } from '../history/operation.js';
import { orDefault, rejectUnknownKeys, requireObject, requirePositive, requirePositiveInteger } from '../validate.js';
import { buildEvidence, type LinearizabilityEvidence } from './evidence.js';
import type { Model } from './model.js';
import { PartitionSearch } from './partition-search.js';
import { validateHistory, validateModel } from './validate-history.js';

/**
 * Options of {@link checkLinearizability}.
 *
 * @example
 * ```ts
 * const options: LinearizabilityOptions = { maxSteps: 1_000_000 };
 * ```
 */
export interface LinearizabilityOptions {
  /**
   * The most search steps, over all partitions, before the verdict is `unknown`. A step tries one
   * operation at one point of the search, or backtracks once. The budget is deterministic: the
   * same history, model and budget always give the same verdict. It also bounds memory, since each
   * step stores at most one configuration. Default 10,000,000: on a history hard enough to use it
   * all, about 10 s and several hundred MB.
   */
  maxSteps?: number;
  /**
   * Wall-clock limit in ms, checked between slices of steps; past it the verdict is `unknown`.
   * The only wall-clock input of the checker: with it, the verdict depends on the machine and its
   * load. Prefer `maxSteps` in tests. Default: no limit.
   */
  timeoutMs?: number;
}

/**
 * Every operation fits one order consistent with real time that the model accepts.
 *
 * @example
 * ```ts
 * const result = checkLinearizability(history, casRegisterModel());
 * if (result.verdict === 'linearizable') console.log(`checked ${result.partitions} keys in ${result.steps} steps`);
 * ```
 */
export interface Linearizable {
  /** `linearizable`. */
  readonly verdict: 'linearizable';
  /** Search steps taken, over all partitions. */
  readonly steps: number;
  /** How many independent sub-histories were checked. */
  readonly partitions: number;
}

/**
 * A sub-history has no order consistent with real time that the model accepts.
 *
 * @example
 * ```ts
 * const result = checkLinearizability(history, keyValueModel());
 * if (result.verdict === 'not-linearizable') console.log(result.key, result.evidence.text);
 * ```
 */
export interface NotLinearizable<I, O, State> {
  /** `not-linearizable`. */
  readonly verdict: 'not-linearizable';
  /** The key of the refuted sub-history; `undefined` when the history is not split by key. */
  readonly key: string | undefined;
  /** Where the search failed; see {@link LinearizabilityEvidence}. */
  readonly evidence: LinearizabilityEvidence<I, O, State>;
  /** Search steps taken, over all partitions, until the refutation. */
  readonly steps: number;
  /** How many independent sub-histories there were. */
  readonly partitions: number;
}

/**
 * The budget ran out before a verdict: no sub-history was refuted, and some were not decided.
 *
 * @example
 * ```ts
 * const result = checkLinearizability(history, casRegisterModel(), { maxSteps: 1_000 });
 * if (result.verdict === 'unknown') console.log(`${result.reason}: undecided keys ${result.undecidedKeys.join(', ')}`);
 * ```
 */
export interface LinearizabilityUnknown {
  /** `unknown`. */
  readonly verdict: 'unknown';
  /** Which budget ran out: `maxSteps` (`step-budget`) or `timeoutMs` (`time-budget`). */
  readonly reason: 'step-budget' | 'time-budget';
  /** Keys of the sub-histories still undecided (`undefined` for an unsplit history). */
  readonly undecidedKeys: readonly (string | undefined)[];
  /** Search steps taken, over all partitions. */
  readonly steps: number;
  /** How many independent sub-histories there were. */
  readonly partitions: number;
}

/**
 * What {@link checkLinearizability} decided; branch on `verdict`.
 *
 * @example
 * ```ts
 * const result: LinearizabilityResult<CasRegisterInput, CasRegisterOutput, RegisterValue> = checkLinearizability(history, casRegisterModel());
 * switch (result.verdict) {
 *   case 'linearizable': break;
 *   case 'not-linearizable': throw new Error(result.evidence.text);
 *   case 'unknown': console.warn(`undecided: ${result.reason}`);
 * }
 * ```
 */
export type LinearizabilityResult<I, O, State> = Linearizable | NotLinearizable<I, O, State> | LinearizabilityUnknown;

const DEFAULT_MAX_STEPS = 10_000_000;
/**
 * Steps a partition runs before the next one gets its turn: small, so that an easy refutation on
 * any key is reached after a few slices of each hard key; large enough that switching is free.
 */
const SLICE_STEPS = 4_096;

/**
 * Checks that a history of client operations is linearizable with respect to a model: that every
 * operation can be put at one instant between its invocation and its completion so that, in that
 * order, the model accepts every output.
 *
 * The search is Wing & Gong's with Lowe's memoisation, as in Porcupine. `fail` operations are
 * dropped; `info` and `pending` ones may take effect at any time after their invocation, or
 * never. A model with `key` (or operations with `key`) splits the history into independent
 * sub-histories; they are searched side by side, a slice of steps each in turn, and the check
 * stops at the first refuted one, so one hard key cannot hide an easy refutation.
 *
 * Deterministic for a given history, model and `maxSteps`, unless `timeoutMs` is set. The history
 * is validated first: a malformed operation throws {@link InvalidArgumentError} naming it.
 *
 * @example
 * ```ts
 * const history = new HistoryRecorder<CasRegisterInput, CasRegisterOutput>();
 * const write = history.invoke('a', { kind: 'write', value: 1 }, 0);
 * history.ok(write, undefined, 10);
 * const read = history.invoke('b', { kind: 'read' }, 20);
 * history.ok(read, 0, 30); // stale: the write finished before the read began
 * const result = checkLinearizability(history.operations(), casRegisterModel({ initialValue: 0 }));
 * result.verdict; // 'not-linearizable'
 * ```
 */
export function checkLinearizability<State, I, O>(history: readonly Operation<I, O>[], model: Model<State, I, O>, options: LinearizabilityOptions = {}): LinearizabilityResult<I, O, State> {
  const { maxSteps, timeoutMs } = readOptions(options);
  validateModel(model);
  const keys = validateHistory(history, model);
  const searches = partition(history, keys).map(({ key, operations }) => ({ key, search: new PartitionSearch(model, operations) }));
  const partitions = searches.length;
  const deadlineMs = timeoutMs === undefined ? undefined : performance.now() + timeoutMs; // wall-clock: the opt-in timeoutMs only
  let steps = 0;
  let running = searches;
  while (running.length > 0) {
    for (const { key, search } of running) {
      steps += search.run(Math.min(SLICE_STEPS, maxSteps - steps));
      if (search.status === 'refuted' && search.deepest !== undefined) {
        return { verdict: 'not-linearizable', key, evidence: buildEvidence(model, search.operations, search.deepest, key), steps, partitions };
      }
    }
    running = running.filter(({ search }) => search.status === 'running');
    if (running.length === 0) break;
    const reason = steps >= maxSteps ? 'step-budget' : deadlineMs !== undefined && performance.now() > deadlineMs ? 'time-budget' : undefined; // wall-clock: timeoutMs
    if (reason !== undefined) return { verdict: 'unknown', reason, undecidedKeys: running.map(({ key }) => key), steps, partitions };
  }
  return { verdict: 'linearizable', steps, partitions };
}

function readOptions(options: LinearizabilityOptions): { maxSteps: number; timeoutMs: number | undefined } {
  const raw: unknown = options;
  requireObject(raw, 'options');
  rejectUnknownKeys(raw, '', ['maxSteps', 'timeoutMs']);
  const maxSteps = orDefault(options.maxSteps, DEFAULT_MAX_STEPS);
  requirePositiveInteger(maxSteps, 'maxSteps');
  if (options.timeoutMs !== undefined) requirePositive(options.timeoutMs, 'timeoutMs');
  return { maxSteps, timeoutMs: options.timeoutMs };
}

/** Groups the operations that count (all but `fail`) by key, keys in order of first appearance. */
function partition<I, O>(history: readonly Operation<I, O>[], keys: readonly (string | undefined)[]): { key: string | undefined; operations: Operation<I, O>[] }[] {
  const byKey = new Map<string | undefined, Operation<I, O>[]>();
  history.forEach((operation, index) => {
    if (operation.status === 'fail') return;
    const key = keys[index];
    const operations = byKey.get(key);
    if (operations === undefined) byKey.set(key, [operation]);
    else operations.push(operation);
  });
  return Array.from(byKey, ([key, operations]) => ({ key, operations }));
}
