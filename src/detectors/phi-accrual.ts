import { rejectUnknownKeys, requireFinite, requireNonNegative, requireObject, requireOneOf, requirePositive } from '../validate.js';
import { requireTime, type FailureDetector } from './failure-detector.js';
import { IntervalWindow, toSuspicion } from './interval-window.js';
import { exactPhi, logisticPhi } from './normal-tail.js';

/**
 * Options of a {@link PhiAccrualDetector}. Every option is optional; the defaults are Akka's.
 *
 * @example
 * ```ts
 * const options: PhiAccrualDetectorOptions = { threshold: 10, acceptableHeartbeatPauseMs: 3_000 };
 * ```
 */
export interface PhiAccrualDetectorOptions {
  /** phi at or above which the process is suspected, > 0. Default 8. */
  threshold?: number;
  /** How many of the latest intervals the mean and deviation are taken over, an integer in [1, 2^20]. Default 1000. */
  maxSampleSize?: number;
  /**
   * Floor of the standard deviation used in phi, > 0, so a very regular history does not make
   * every small delay look fatal. Default 100.
   */
  minStdDeviationMs?: number;
  /** Pause accepted on top of the mean interval before phi starts to rise (added to the mean), >= 0. Default 0. */
  acceptableHeartbeatPauseMs?: number;
  /**
   * Expected interval before any is measured, > 0: the first heartbeat seeds the history with
   * two intervals, this estimate minus and plus a quarter of it. Default 1000.
   */
  firstHeartbeatEstimateMs?: number;
  /**
   * The normal CDF behind phi: `'logistic'` (default) is Akka's approximation, `'exact'` the
   * erfc-based normal tail. They differ in the far tail; see {@link PhiAccrualDetector}.
   */
  cdf?: 'logistic' | 'exact';
}

const OPTION_KEYS = ['threshold', 'maxSampleSize', 'minStdDeviationMs', 'acceptableHeartbeatPauseMs', 'firstHeartbeatEstimateMs', 'cdf'];

/**
 * The phi accrual failure detector of Hayashibara et al., with the exact semantics of Akka's
 * `akka.remote.PhiAccrualFailureDetector`. Heartbeat intervals are modelled as normal, with the
 * mean and population standard deviation of the last `maxSampleSize` intervals, and
 * `phi = -log10(1 - F(elapsed))`: phi = 1 means that, under the model, an interval at least
 * this long happens one time in 10; phi = 8, one time in 10^8. Like Akka:
 *
 * - the first heartbeat seeds the history with two intervals, `firstHeartbeatEstimateMs` ± a
 *   quarter of it (mean e, standard deviation e/4), so one heartbeat alone already gives a phi;
 * - a heartbeat's interval is recorded only if the process was still available when it arrived,
 *   so the long gap after a failure does not skew the history;
 * - `F` is normal with mean `mean + acceptableHeartbeatPauseMs` and standard deviation
 *   `max(stdDeviation, minStdDeviationMs)`;
 * - available while `phi < threshold`.
 *
 * Unlike Akka, phi is always finite (where Akka's arithmetic overflows to Infinity, about 21
 * standard deviations past the mean, this gives the finite continuation, capped at
 * `Number.MAX_VALUE`), never -0 and never NaN; and the seed is `e ± e/4` in real numbers where
 * Akka rounds `e/4` down to a whole millisecond.
 *
 * The `cdf` option picks F. In terms of y = (elapsed - mean) / stdDeviation, Akka's logistic
 * approximation agrees with the exact normal tail within 0.0011 in phi for |y| <= 2 (it
 * under-estimates slightly for y in 1..2, most at y = 1.69: 1.3408 against 1.3419), then
 * over-estimates ever more: at y = 3 it gives 2.909 against 2.870, at y = 5 7.300 against 6.543,
 * at y = 8 21.24 against 15.21, at y = 10 37.58 against 23.12. So the default threshold 8 is
 * crossed at y = 5.23 with `'logistic'` and at y = 5.61 with `'exact'`. Below the mean both are
 * near 0 (at y = -3, 0.00054 against 0.00059).
 *
 * @example
 * ```ts
 * const detector = new PhiAccrualDetector({ threshold: 8 });
 * for (let t = 0; t <= 10_000; t += 1_000) detector.heartbeat(t);
 * detector.suspicion(11_000); // 0.3: a heartbeat is due about now
 * detector.isAvailable(12_000); // false: a whole interval late, with a deviation of 102 ms
 * ```
 */
export class PhiAccrualDetector implements FailureDetector {
  /** `phi-accrual`, or `phi-accrual-exact` with the exact CDF. */
  readonly name: string;
  /** phi at or above which the process is suspected. */
  readonly threshold: number;
  /** How many of the latest intervals the statistics are taken over. */
  readonly maxSampleSize: number;
  /** Floor of the standard deviation used in phi. */
  readonly minStdDeviationMs: number;
  /** Pause accepted on top of the mean interval. */
  readonly acceptableHeartbeatPauseMs: number;
  /** Expected interval that seeds the history at the first heartbeat. */
  readonly firstHeartbeatEstimateMs: number;
  /** The CDF behind phi. */
  readonly cdf: 'logistic' | 'exact';
  private readonly history: IntervalWindow;
  private readonly phiOf: (y: number) => number;
  private monitoring = false;
  private lastHeartbeatMs = 0;

  constructor(options: PhiAccrualDetectorOptions = {}) {
    const raw: unknown = options;
    requireObject(raw, 'options');
    rejectUnknownKeys(raw, '', OPTION_KEYS);
    const { threshold = 8, maxSampleSize = 1000, minStdDeviationMs = 100, acceptableHeartbeatPauseMs = 0, firstHeartbeatEstimateMs = 1000, cdf = 'logistic' } = options;
    requirePositive(threshold, 'threshold');
    requirePositive(minStdDeviationMs, 'minStdDeviationMs');
    requireNonNegative(acceptableHeartbeatPauseMs, 'acceptableHeartbeatPauseMs');
    requirePositive(firstHeartbeatEstimateMs, 'firstHeartbeatEstimateMs');
    requireOneOf(cdf, 'cdf', ['logistic', 'exact']);
    this.history = new IntervalWindow(maxSampleSize, 'maxSampleSize');
    this.threshold = threshold;
    this.maxSampleSize = maxSampleSize;
    this.minStdDeviationMs = minStdDeviationMs;
    this.acceptableHeartbeatPauseMs = acceptableHeartbeatPauseMs;
    this.firstHeartbeatEstimateMs = firstHeartbeatEstimateMs;
    this.cdf = cdf;
    this.name = cdf === 'exact' ? 'phi-accrual-exact' : 'phi-accrual';
    this.phiOf = cdf === 'exact' ? exactPhi : logisticPhi;
    // Akka's firstHeartbeat history. Nothing reaches the history before the first heartbeat, so
    // seeding it now is the same as seeding it then, and keeps the statistics defined throughout.
    this.history.push(firstHeartbeatEstimateMs - firstHeartbeatEstimateMs / 4);
    this.history.push(firstHeartbeatEstimateMs + firstHeartbeatEstimateMs / 4);
  }

  /**
   * phi for a delay of `timeDiffMs` under a normal distribution of the given mean and standard
   * deviation, by the given CDF (Akka's `phi(timeDiff, mean, stdDeviation)`, without the
   * detector's pause or deviation floor). Never NaN, never negative, never -0; finite arguments
   * and a deviation > 0 are required.
   *
   * @example
   * ```ts
   * PhiAccrualDetector.phi(1_200, 1_000, 100); // 1.64 (Akka's spec: 1.6 ± 0.1)
   * PhiAccrualDetector.phi(1_200, 1_000, 100, 'exact'); // 1.64
   * ```
   */
  static phi(timeDiffMs: number, meanMs: number, stdDeviationMs: number, cdf: 'logistic' | 'exact' = 'logistic'): number {
    requireFinite(timeDiffMs, 'timeDiffMs');
    requireFinite(meanMs, 'meanMs');
    requirePositive(stdDeviationMs, 'stdDeviationMs');
    requireOneOf(cdf, 'cdf', ['logistic', 'exact']);
    const y = (timeDiffMs - meanMs) / stdDeviationMs;
    return toSuspicion(cdf === 'exact' ? exactPhi(y) : logisticPhi(y));
  }

  /** True once a heartbeat has arrived (Akka's `isMonitoring`). */
  get isMonitoring(): boolean {
    return this.monitoring;
  }

  /** How many intervals the statistics are over, the two seed intervals included while they last. */
  get sampleCount(): number {
    return this.history.size;
  }

  /** Mean of the recorded intervals (without the acceptable pause). */
  get meanIntervalMs(): number {
    return this.history.mean;
  }

  /** Population standard deviation of the recorded intervals (before the `minStdDeviationMs` floor). */
  get stdDeviationMs(): number {
    return this.history.stdDeviation;
  }

  heartbeat(nowMs: number): void {
    if (this.monitoring) {
      requireTime(nowMs, 'nowMs', this.lastHeartbeatMs);
      // Akka: the first heartbeat after a failure is not recorded, a long pause would skew the stats.
      if (this.isAvailable(nowMs)) this.history.push(nowMs - this.lastHeartbeatMs);
    } else {
      requireTime(nowMs, 'nowMs');
      this.monitoring = true;
    }
    this.lastHeartbeatMs = nowMs;
  }

  /** phi at `nowMs`; 0 before the first heartbeat. */
  suspicion(nowMs: number): number {
    requireTime(nowMs, 'nowMs');
    if (!this.monitoring) return 0;
    const mean = this.history.mean + this.acceptableHeartbeatPauseMs;
    const stdDeviation = Math.max(this.history.stdDeviation, this.minStdDeviationMs);
    return toSuspicion(this.phiOf((nowMs - this.lastHeartbeatMs - mean) / stdDeviation));
  }

  /** True while phi is below the threshold. */
  isAvailable(nowMs: number): boolean {
    return this.suspicion(nowMs) < this.threshold;
  }
}
