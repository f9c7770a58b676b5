import { InvalidArgumentError } from '../errors.js';
import { rejectUnknownKeys, requireNonNegative, requireObject, requirePositive, requirePositiveInteger } from '../validate.js';
import { ArrivalEstimator, MAX_WINDOW_SIZE } from './chen.js';
import { FreshnessPointDetector } from './freshness-point.js';

// Bertier, Marin & Sens, "Implementation and performance evaluation of an adaptable failure
// detector", DSN 2002: Chen's arrival estimate plus a safety margin computed like Jacobson's TCP
// round-trip-time estimator (SIGCOMM 1988), with β = 1, φ = 4, γ = 0.1. The update order
// (error against the previous estimate, then delay, var, α, then the new estimate) follows the
// paper and the Apache ZooKeeper failure-detector contribution's `BertierFailureDetector`
// (`org.apache.zookeeper.common.fd`, same defaults gamma 0.1, beta 1, phi 4).

/**
 * Options of {@link BertierDetector}.
 *
 * @example
 * ```ts
 * const options: BertierOptions = { intervalMs: 100, windowSize: 100 }; // β = 1, φ = 4, γ = 0.1
 * ```
 */
export interface BertierOptions {
  /** η: the sender's heartbeat period in ms, > 0. */
  intervalMs: number;
  /** n: how many of the most recent heartbeats the arrival estimate averages, an integer >= 1. */
  windowSize: number;
  /** β: weight of the estimated extra delay in the margin, >= 0. Default 1. */
  beta?: number;
  /** φ: weight of the estimated delay variation in the margin, >= 0. Default 4. */
  phi?: number;
  /** γ: how much each new error moves the delay and variation estimates, in (0, 1]. Default 0.1. */
  gamma?: number;
}

/**
 * The adaptive failure detector of Bertier, Marin & Sens (2002): Chen's expected arrival time
 * `EA` (see `ArrivalEstimator`) plus a safety margin that adapts to the network like
 * Jacobson's TCP retransmission timeout. When heartbeat `k` arrives at `A_k`:
 *
 * ```text
 * error = A_k - EA_k - delay
 * delay = delay + γ·error
 * var   = var + γ·(|error| - var)
 * α     = β·delay + φ·var
 * τ     = EA_{k+1} + α          (EA_{k+1} now includes A_k)
 * ```
 *
 * `delay` and `var` start at 0, so until the second heartbeat the margin is 0 (the first
 * heartbeat has no estimate to err against). `α` is not clamped: a run of early heartbeats can
 * make it slightly negative, as in the paper. The process is trusted while `t < τ`;
 * `suspicion(t)` is `max(0, t - τ) / η`, 0 before the first heartbeat.
 *
 * **Sequence numbers.** As for {@link NfdEDetector}: `heartbeat(nowMs, sequence?)` takes the
 * heartbeat's number (the QoS harness passes it; a lossy channel needs it). Without one, no loss
 * is assumed. After a gap, the error is measured against the estimate for the heartbeat that
 * actually arrived (`EA_k` for its own `k`), so a lost heartbeat does not count as lateness.
 * Reordered or repeated heartbeats change nothing.
 *
 * @example
 * ```ts
 * const detector = new BertierDetector({ intervalMs: 100, windowSize: 3 });
 * detector.heartbeat(10, 0);    // EA_1 = 110, α = 0
 * detector.heartbeat(120, 1);   // error 10: delay 1, var 1, α 5; EA_2 = 215, τ = 220
 * detector.isAvailable(219);    // true
 * detector.isAvailable(220);    // false
 * ```
 */
export class BertierDetector extends FreshnessPointDetector {
  /** Option keys the constructor accepts. */
  static readonly optionKeys: readonly string[] = ['intervalMs', 'windowSize', 'beta', 'phi', 'gamma'];

  /** Always `bertier`. */
  readonly name = 'bertier';
  /** η, the heartbeat period in ms. */
  readonly intervalMs: number;
  /** n, the most recent heartbeats averaged. */
  readonly windowSize: number;
  /** β, weight of `delay` in the margin. */
  readonly beta: number;
  /** φ, weight of `var` in the margin. */
  readonly phi: number;
  /** γ, the smoothing gain of `delay` and `var`. */
  readonly gamma: number;

  private readonly estimator: ArrivalEstimator;
  private delay = 0;
  private variation = 0;
  private margin = 0;
  private expectedMs = Infinity;

  constructor(options: BertierOptions) {
    super();
    requireObject(options, 'options');
    rejectUnknownKeys(options as unknown as Record<string, unknown>, '', BertierDetector.optionKeys);
    requirePositive(options.intervalMs, 'intervalMs');
    requirePositiveInteger(options.windowSize, 'windowSize', MAX_WINDOW_SIZE);
    const beta = options.beta === undefined ? 1 : options.beta;
    const phi = options.phi === undefined ? 4 : options.phi;
    const gamma = options.gamma === undefined ? 0.1 : options.gamma;
    requireNonNegative(beta, 'beta');
    requireNonNegative(phi, 'phi');
    if (typeof gamma !== 'number' || !(gamma > 0 && gamma <= 1)) throw new InvalidArgumentError('gamma', gamma, 'a number in (0, 1]');
    this.intervalMs = options.intervalMs;
    this.windowSize = options.windowSize;
    this.beta = beta;
    this.phi = phi;
    this.gamma = gamma;
    this.estimator = new ArrivalEstimator(this.intervalMs, this.windowSize);
  }

  /**
   * Records that heartbeat `m_sequence` arrived at local time `nowMs`, updating the margin.
   * `sequence` is a non-negative integer; when omitted, the next after the highest received.
   */
  heartbeat(nowMs: number, sequence?: number): void {
    const estimator = this.estimator;
    const index = estimator.resolve(nowMs, sequence);
    if (index > estimator.highestSequence && estimator.sampleCount > 0) {
      const error = nowMs - estimator.expectedArrivalMs(index) - this.delay;
      this.delay += this.gamma * error;
      this.variation += this.gamma * (Math.abs(error) - this.variation);
      this.margin = this.beta * this.delay + this.phi * this.variation;
    }
    if (!estimator.record(nowMs, index)) return;
    this.expectedMs = estimator.expectedArrivalMs(index + 1);
    this.freshUntilMs = this.expectedMs + this.margin;
  }


  /** The highest sequence number received, or -1 before the first heartbeat. */
  get highestSequence(): number {
    return this.estimator.highestSequence;
  }

  /** `EA` of the next heartbeat; `undefined` before the first heartbeat. */
  get estimatedArrivalMs(): number | undefined {
    return this.estimator.highestSequence < 0 ? undefined : this.expectedMs;
  }

  /** The current dynamic safety margin `α = β·delay + φ·var`, in ms (0 until the second heartbeat). */
  get safetyMarginMs(): number {
    return this.margin;
  }

  /** Jacobson's smoothed extra delay `delay`, in ms. */
  get delayMs(): number {
    return this.delay;
  }

  /** Jacobson's smoothed mean deviation `var`, in ms. */
  get variationMs(): number {
    return this.variation;
  }

  /** `τ = EA + α`; `undefined` before the first heartbeat. */
  get freshnessPointMs(): number | undefined {
    return this.estimator.highestSequence < 0 ? undefined : this.freshUntilMs;
  }
}
