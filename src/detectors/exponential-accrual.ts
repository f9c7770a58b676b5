import { rejectUnknownKeys, requireObject, requirePositive } from '../validate.js';
import { requireTime, type FailureDetector } from './failure-detector.js';
import { IntervalWindow, toSuspicion } from './interval-window.js';

/**
 * Options of an {@link ExponentialAccrualDetector}. Every option is optional.
 *
 * @example
 * ```ts
 * const options: ExponentialAccrualDetectorOptions = { threshold: 12, maxIntervalMs: 4_000 };
 * ```
 */
export interface ExponentialAccrualDetectorOptions {
  /** phi above which the process is convicted, > 0. Default 8 (Cassandra's `phi_convict_threshold`). */
  threshold?: number;
  /** How many of the latest recorded intervals the mean is taken over, an integer in [1, 2^20]. Default 1000. */
  maxSampleSize?: number;
  /**
   * Longest interval recorded, > 0: a longer one (a partition, a pause) is ignored so the mean
   * does not adapt to outages. Default 2000 (Cassandra's default, twice the gossip interval).
   */
  maxIntervalMs?: number;
  /**
   * The interval recorded at the first heartbeat, > 0, before any is measured. Default 1000
   * (Cassandra seeds with 2000, twice its gossip interval).
   */
  firstHeartbeatEstimateMs?: number;
}

const OPTION_KEYS = ['threshold', 'maxSampleSize', 'maxIntervalMs', 'firstHeartbeatEstimateMs'];

/** Cassandra's `PHI_FACTOR`, 1 / ln 10: turns `elapsed / mean` into a -log10 probability. */
const PHI_FACTOR = 1 / Math.LN10;

/**
 * Cassandra's accrual detector (`org.apache.cassandra.gms.FailureDetector` and `ArrivalWindow`):
 * heartbeat intervals are modelled as exponential, so only their mean is estimated, and
 *
 * `phi = PHI_FACTOR * elapsed / mean`, with `PHI_FACTOR = 1 / ln 10`.
 *
 * That is `-log10(exp(-elapsed / mean))`, the -log10 of the chance that an exponential interval
 * of that mean lasts longer than the silence so far: the same scale as {@link PhiAccrualDetector}
 * (phi = 8 is a one-in-10^8 chance). phi grows linearly with the silence, by 1 every
 * `mean * ln 10` ms; the default threshold 8 is reached after 18.4 mean intervals. Cassandra
 * convicts when `PHI_FACTOR * phi > threshold` on its raw `phi = elapsed / mean`; `suspicion()`
 * returns the scaled value (as Cassandra's `getPhiValues` reports it), so the process is
 * available while `suspicion <= threshold` and convicted once it is strictly above.
 *
 * As in Cassandra, the first heartbeat records `firstHeartbeatEstimateMs` as an interval, later
 * intervals longer than `maxIntervalMs` are ignored, and the mean is over the last
 * `maxSampleSize` recorded intervals. If every interval in the window is 0, any silence gives
 * the largest suspicion.
 *
 * @example
 * ```ts
 * const detector = new ExponentialAccrualDetector({ threshold: 8 });
 * for (let t = 0; t <= 10_000; t += 1_000) detector.heartbeat(t);
 * detector.suspicion(11_000); // 0.434: one mean interval of silence
 * detector.isAvailable(28_000); // true: phi 7.8
 * detector.isAvailable(29_000); // false: phi 8.25
 * ```
 */
export class ExponentialAccrualDetector implements FailureDetector {
  /** `exponential-accrual`. */
  readonly name = 'exponential-accrual';
  /** phi above which the process is convicted. */
  readonly threshold: number;
  /** How many of the latest recorded intervals the mean is taken over. */
  readonly maxSampleSize: number;
  /** Longest interval recorded; longer ones are ignored. */
  readonly maxIntervalMs: number;
  /** The interval recorded at the first heartbeat. */
  readonly firstHeartbeatEstimateMs: number;
  private readonly intervals: IntervalWindow;
  private monitoring = false;
  private lastHeartbeatMs = 0;

  constructor(options: ExponentialAccrualDetectorOptions = {}) {
    const raw: unknown = options;
    requireObject(raw, 'options');
    rejectUnknownKeys(raw, '', OPTION_KEYS);
    const { threshold = 8, maxSampleSize = 1000, maxIntervalMs = 2000, firstHeartbeatEstimateMs = 1000 } = options;
    requirePositive(threshold, 'threshold');
    requirePositive(maxIntervalMs, 'maxIntervalMs');
    requirePositive(firstHeartbeatEstimateMs, 'firstHeartbeatEstimateMs');
    this.intervals = new IntervalWindow(maxSampleSize, 'maxSampleSize');
    this.threshold = threshold;
    this.maxSampleSize = maxSampleSize;
    this.maxIntervalMs = maxIntervalMs;
    this.firstHeartbeatEstimateMs = firstHeartbeatEstimateMs;
  }

  /** True once a heartbeat has arrived. */
  get isMonitoring(): boolean {
    return this.monitoring;
  }

  /** How many intervals the mean is over (the first-heartbeat estimate included while it lasts). */
  get sampleCount(): number {
    return this.intervals.size;
  }

  /** Mean of the recorded intervals; NaN before the first heartbeat. */
  get meanIntervalMs(): number {
    return this.intervals.mean;
  }

  heartbeat(nowMs: number): void {
    if (this.monitoring) {
      requireTime(nowMs, 'nowMs', this.lastHeartbeatMs);
      const interval = nowMs - this.lastHeartbeatMs;
      if (interval <= this.maxIntervalMs) this.intervals.push(interval);
    } else {
      requireTime(nowMs, 'nowMs');
      this.intervals.push(this.firstHeartbeatEstimateMs);
      this.monitoring = true;
    }
    this.lastHeartbeatMs = nowMs;
  }

  /** `PHI_FACTOR * elapsed / mean` at `nowMs`; 0 before the first heartbeat. */
  suspicion(nowMs: number): number {
    requireTime(nowMs, 'nowMs');
    if (!this.monitoring) return 0;
    return toSuspicion((PHI_FACTOR * (nowMs - this.lastHeartbeatMs)) / this.intervals.mean);
  }

  /** True while phi is at most the threshold (Cassandra convicts only when it is above). */
  isAvailable(nowMs: number): boolean {
    return this.suspicion(nowMs) <= this.threshold;
  }
}
