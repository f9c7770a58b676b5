import { InvalidArgumentError } from '../errors.js';
import { MAX_DRAW_MS, type ExponentialDistribution } from '../kernel/distribution.js';
import { rejectUnknownKeys, requireObject, requireOneOf, requireProbability } from '../validate.js';
import type { AnalyticDelay, AnalyticQoSOptions } from './analytic.js';
import { exponentialWork, type WorkShape } from './analytic-exponential-delay.js';
import { splitPeriods } from './analytic-steady-state.js';

// Internal to analyticQoS: validation of its options, and the bound on its work.

const OPTION_KEYS = ['detector', 'intervalMs', 'shiftMs', 'timeoutMs', 'lossProbability', 'delay', 'steps'] as const;
const DETECTORS = ['nfd-s', 'fixed-timeout'] as const;
const DEFAULT_STEPS = 2_000;
const MAX_STEPS = 1_000_000;
/** One picosecond: a shorter heartbeat period would make rates per second overflow. */
const MIN_INTERVAL_MS = 1e-9;

/**
 * The most factors (of the products over heartbeats) one {@link analyticQoS} call may multiply,
 * about half a second; the closed forms make every other cost independent of the durations.
 *
 * @example
 * ```ts
 * analyticQoS({ detector: 'nfd-s', intervalMs: 0.001, shiftMs: 1_000, lossProbability: 0.5, delay: { kind: 'exponential', meanMs: 20 } });
 * // throws InvalidArgumentError: delay.meanMs must be at most … (over ANALYTIC_WORK_BUDGET); with steps: 2 it is computed
 * ```
 */
export const ANALYTIC_WORK_BUDGET = 50_000_000;

/**
 * The options once validated, with the defaults filled in.
 *
 * @example
 * ```ts
 * const { steps } = readAnalyticOptions(options); // 2,000 unless given
 * ```
 */
export interface ReadOptions {
  detector: 'nfd-s' | 'fixed-timeout';
  intervalMs: number;
  /** δ for NFD-S, T for the fixed timeout. */
  deadlineMs: number;
  lossProbability: number;
  /** With `offsetMs` filled in (0 if absent) for an exponential delay. */
  delay: AnalyticDelay;
  steps: number;
}

/**
 * Validates every option of {@link analyticQoS}, the work bound included, before anything is
 * computed: each failure is an InvalidArgumentError naming the field, the value and the range.
 *
 * @example
 * ```ts
 * readAnalyticOptions({ detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.1, delay: { kind: 'constant', ms: 10 } });
 * ```
 */
export function readAnalyticOptions(options: AnalyticQoSOptions): ReadOptions {
  requireObject(options, 'options');
  rejectUnknownKeys(options, '', OPTION_KEYS);
  const { detector, intervalMs, lossProbability, shiftMs, timeoutMs } = options;
  requireOneOf(detector, 'detector', DETECTORS);
  requireDuration(intervalMs, 'intervalMs', MIN_INTERVAL_MS, 'inclusive');
  requireProbability(lossProbability, 'lossProbability');
  if (lossProbability >= 1) throw new InvalidArgumentError('lossProbability', lossProbability, 'a probability in [0, 1)');
  // The other detector's duration is not used, but a wrong value there is still a mistake.
  if (detector === 'nfd-s' || shiftMs !== undefined) requireDuration(shiftMs, 'shiftMs', 0);
  if (detector === 'fixed-timeout' || timeoutMs !== undefined) requireDuration(timeoutMs, 'timeoutMs', 0);
  const deadlineMs = (detector === 'nfd-s' ? shiftMs : timeoutMs)!;
  const steps = options.steps === undefined ? DEFAULT_STEPS : options.steps;
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 2 || steps > MAX_STEPS || steps % 2 !== 0) {
    throw new InvalidArgumentError('steps', steps, `an even integer in [2, ${MAX_STEPS}]`);
  }
  const delay = readDelay(options.delay);
  const read: ReadOptions = { detector, intervalMs, deadlineMs, lossProbability, delay, steps };
  if (delay.kind === 'exponential') requireBoundedWork(read, delay);
  return read;
}

function readDelay(delay: unknown): AnalyticDelay {
  requireObject(delay, 'delay');
  const kind = delay['kind'];
  if (kind === 'constant') {
    rejectUnknownKeys(delay, 'delay', ['kind', 'ms']);
    requireDuration(delay['ms'], 'delay.ms', 0, 'inclusive');
    return { kind, ms: delay['ms'] };
  }
  if (kind === 'exponential') {
    rejectUnknownKeys(delay, 'delay', ['kind', 'meanMs', 'offsetMs']);
    requireDuration(delay['meanMs'], 'delay.meanMs', 0);
    const offsetMs = delay['offsetMs'];
    // undefined is absent (as in the simulator's distributions); null is not.
    if (offsetMs !== undefined) requireDuration(offsetMs, 'delay.offsetMs', 0, 'inclusive');
    return { kind, meanMs: delay['meanMs'], offsetMs: offsetMs ?? 0 };
  }
  throw new InvalidArgumentError('delay.kind', kind, "'constant' or 'exponential'");
}

/**
 * Durations are finite and at most MAX_DRAW_MS (1e15 ms, the longest delay the simulator draws),
 * so sums such as δ + η never overflow; a period of at least MIN_INTERVAL_MS keeps the rates per
 * second finite.
 */
function requireDuration(value: unknown, field: string, minMs: number, bound: 'inclusive' | 'exclusive' = 'exclusive'): asserts value is number {
  const aboveMin = typeof value === 'number' && (bound === 'inclusive' ? value >= minMs : value > minMs);
  if (!aboveMin || !(value <= MAX_DRAW_MS)) {
    throw new InvalidArgumentError(field, value, `a duration in ${bound === 'inclusive' ? '[' : '('}${minMs}, ${MAX_DRAW_MS}] ms`);
  }
}

/**
 * An exponential delay costs about `steps · (1 + min(m/η, freshCount))` factors: refuse, naming
 * the mean (or the steps, when even a tiny mean is too much), past {@link ANALYTIC_WORK_BUDGET}.
 */
function requireBoundedWork({ detector, intervalMs, deadlineMs, lossProbability, steps }: ReadOptions, delay: ExponentialDistribution): void {
  // The longest run of heartbeats that may not have arrived: those sent within δ − o (or T).
  const freshMs = detector === 'nfd-s' ? deadlineMs - (delay.offsetMs ?? 0) : deadlineMs;
  const shape: WorkShape = { detector, lossProbability, steps, freshCount: Math.max(0, splitPeriods(freshMs, intervalMs).periods + 2) };
  const meanRatio = delay.meanMs / intervalMs;
  const work = exponentialWork(shape, meanRatio);
  if (work <= ANALYTIC_WORK_BUDGET) return;
  const bound = `the analysis would multiply about ${work.toPrecision(3)} factors, over its bound of ${ANALYTIC_WORK_BUDGET}`;
  if (exponentialWork(shape, 0) > ANALYTIC_WORK_BUDGET) {
    // The work is affine in the steps: the most (even) steps this mean allows.
    const workAt = (stepCount: number): number => exponentialWork({ ...shape, steps: stepCount }, meanRatio);
    const maxSteps = Math.floor((ANALYTIC_WORK_BUDGET - workAt(0)) / (workAt(1) - workAt(0)) / 2) * 2;
    throw new InvalidArgumentError('steps', steps, `at most ${maxSteps} for this ${detector} analysis (${bound})`);
  }
  const maxMeanRatio = largestWithin((ratio) => exponentialWork(shape, ratio) <= ANALYTIC_WORK_BUDGET, meanRatio);
  const maxMeanMs = roundDown(maxMeanRatio * intervalMs);
  throw new InvalidArgumentError(
    'delay.meanMs',
    delay.meanMs,
    `at most ${maxMeanMs} ms (${roundDown(maxMeanRatio)} × intervalMs ${intervalMs}) with steps ${steps} (${bound}); ${remedy(detector)}`,
  );
}

/**
 * What a user can do about a mean past the bound. Only NFD-S keeps its accuracy with few steps:
 * the fixed timeout's expectation over the delay is a Simpson integral whose error grows fast
 * as the steps fall (T_MR off by half at `steps: 2`).
 */
function remedy(detector: string): string {
  if (detector === 'nfd-s') return 'raise intervalMs, or lower steps: when the mean spans many periods the integrands are smooth and few steps suffice';
  return 'raise intervalMs (fewer steps would lose the fixed timeout\'s accuracy)';
}

/** `value` rounded down to 4 significant digits, so that the limit an error names is accepted. */
function roundDown(value: number): number {
  const unit = 10 ** (Math.floor(Math.log10(value)) - 3);
  return Number((Math.floor(value / unit) * unit).toPrecision(4));
}

/** The largest x in [0, above) with `fits(x)`, by bisection, for a monotone `fits` with `fits(0)`. */
function largestWithin(fits: (x: number) => boolean, above: number): number {
  let low = 0;
  let high = above;
  for (let iteration = 0; iteration < 200 && high - low > 1e-12 * high; iteration++) {
    const middle = low + (high - low) / 2;
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

