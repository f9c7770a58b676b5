import { InvalidArgumentError } from '../errors.js';
import { rejectUnknownKeys, requireObject, requirePositiveInteger } from '../validate.js';
import { MAX_WINDOW_SIZE } from './chen.js';
import { requireTime, type FailureDetector } from './failure-detector.js';

// Satzger, Pietzowski, Trumler & Ungerer, "A new adaptive accrual failure detector for dependable
// distributed systems", ACM SAC 2007: the suspicion is the empirical CDF of the observed
// inter-arrival times at the time elapsed since the last heartbeat, P = |S_{<=tΔ}| / |S|.
// Cross-checked against Akka's `NewAdaptiveAccrualFailureDetector` (akka.remote), which also
// trusts while P < threshold and reports 0 until an interval has been observed, and the Go package
// github.com/andy2046/failured. Neither the paper's optional scaling factor on tΔ nor any
// initial history is used here.

/**
 * Options of {@link SatzgerDetector}.
 *
 * @example
 * ```ts
 * const options: SatzgerOptions = { windowSize: 1_000, threshold: 0.99 };
 * ```
 */
export interface SatzgerOptions {
  /** How many of the most recent inter-arrival times are kept, an integer >= 1. */
  windowSize: number;
  /**
   * Suspicion at or above which the process is suspected, in (0, 1]. With 1 the process is
   * suspected once the silence is at least as long as every interval in the window.
   */
  threshold: number;
}

/**
 * The adaptive accrual failure detector of Satzger et al. (2007). It keeps the last `windowSize`
 * intervals between consecutive heartbeats and answers, as the suspicion, the fraction of them
 * that are no longer than the current silence:
 *
 * ```text
 * suspicion(t) = |{ s in S : s <= t - lastHeartbeat }| / |S|      (in [0, 1])
 * ```
 *
 * i.e. the empirical probability that the next heartbeat would already have arrived if the
 * process were alive. It makes no assumption about the shape of the distribution. The process
 * is trusted while `suspicion < threshold`. Until two heartbeats have arrived there is no
 * interval, the suspicion is 0 and the process is trusted. Lost heartbeats need no special
 * handling: they show up as longer intervals.
 *
 * The intervals are kept twice in typed arrays, in arrival order (to know which to drop) and
 * sorted (so a query is a binary search); heartbeats and queries allocate nothing.
 *
 * @example
 * ```ts
 * const detector = new SatzgerDetector({ windowSize: 100, threshold: 0.75 });
 * for (const t of [0, 100, 200, 310, 400]) detector.heartbeat(t); // intervals 100, 100, 110, 90
 * detector.suspicion(450); // 0: no interval is <= 50
 * detector.suspicion(500); // 0.75: three of four are <= 100
 * detector.isAvailable(500); // false
 * ```
 */
export class SatzgerDetector implements FailureDetector {
  /** Option keys the constructor accepts. */
  static readonly optionKeys: readonly string[] = ['windowSize', 'threshold'];

  /** Always `satzger`. */
  readonly name = 'satzger';
  /** The most intervals kept. */
  readonly windowSize: number;
  /** Suspicion at or above which the process is suspected. */
  readonly threshold: number;

  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private count = 0;
  private next = 0;
  private lastArrivalMs = -Infinity;

  constructor(options: SatzgerOptions) {
    requireObject(options, 'options');
    rejectUnknownKeys(options as unknown as Record<string, unknown>, '', SatzgerDetector.optionKeys);
    requirePositiveInteger(options.windowSize, 'windowSize', MAX_WINDOW_SIZE);
    const threshold = options.threshold;
    if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)) {
      throw new InvalidArgumentError('threshold', threshold, 'a number in (0, 1]');
    }
    this.windowSize = options.windowSize;
    this.threshold = threshold;
    this.ring = new Float64Array(this.windowSize);
    this.sorted = new Float64Array(this.windowSize);
  }

  /** Records a heartbeat that arrived at local time `nowMs` (never earlier than the previous one). */
  heartbeat(nowMs: number): void {
    requireTime(nowMs, 'nowMs', this.lastArrivalMs);
    const previous = this.lastArrivalMs;
    this.lastArrivalMs = nowMs;
    if (previous === -Infinity) return;
    const interval = nowMs - previous;
    const sorted = this.sorted;
    if (this.count === this.windowSize) {
      // Drop the oldest interval: any copy of its value in the sorted array will do.
      const at = lowerBound(sorted, this.count, this.ring[this.next]!);
      sorted.copyWithin(at, at + 1, this.count);
      this.count--;
    }
    const at = upperBound(sorted, this.count, interval);
    sorted.copyWithin(at + 1, at, this.count);
    sorted[at] = interval;
    this.count++;
    this.ring[this.next] = interval;
    this.next = this.next + 1 === this.windowSize ? 0 : this.next + 1;
  }

  /** The fraction of kept intervals no longer than the silence since the last heartbeat; 0 before the second heartbeat. */
  suspicion(nowMs: number): number {
    requireTime(nowMs, 'nowMs');
    if (this.count === 0) return 0;
    return upperBound(this.sorted, this.count, nowMs - this.lastArrivalMs) / this.count;
  }

  /** True while `suspicion(nowMs) < threshold` (always before the second heartbeat). */
  isAvailable(nowMs: number): boolean {
    return this.suspicion(nowMs) < this.threshold;
  }

  /** How many intervals are kept (at most `windowSize`). */
  get intervalCount(): number {
    return this.count;
  }
}

/** First index in `values[0, count)` (sorted ascending) whose value is >= `value`. */
function lowerBound(values: Float64Array, count: number, value: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First index in `values[0, count)` (sorted ascending) whose value is > `value`: how many are <= it. */
function upperBound(values: Float64Array, count: number, value: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
