import { InvalidArgumentError } from '../errors.js';
import { rejectUnknownKeys, requireFinite, requireObject, requirePositive, requirePositiveInteger } from '../validate.js';
import { requireTime } from './failure-detector.js';
import { FreshnessPointDetector } from './freshness-point.js';

// Chen, Toueg & Aguilera, "On the Quality of Service of Failure Detectors", IEEE Transactions on
// Computers 51(5), 2002: NFD-S (synchronised clocks) and NFD-E (unsynchronised clocks, expected
// arrival times estimated from the last n heartbeats). Formulas as stated in the paper and
// cross-checked against the Apache ZooKeeper failure-detector contribution (`ChenFailureDetector`,
// `org.apache.zookeeper.common.fd`, also copied into OurSim as `br.edu.ufcg.lsd.oursim.fd`), which
// computes the next timeout as "mean of the recent arrivals + one period + alpha".

/** Largest accepted `windowSize`: a bound on the memory one detector may take. */
export const MAX_WINDOW_SIZE = 2 ** 20;

/**
 * Options of {@link NfdSDetector}.
 *
 * @example
 * ```ts
 * const options: NfdSOptions = { intervalMs: 100, shiftMs: 50, startMs: 0 };
 * ```
 */
export interface NfdSOptions {
  /** η: the sender's heartbeat period in ms, > 0. Heartbeat `m_i` is sent at `startMs + i·η`. */
  intervalMs: number;
  /** δ: how long after a heartbeat's send time it stays fresh, in ms, > 0. */
  shiftMs: number;
  /** Send time of heartbeat `m_0` on the (synchronised) clock, in ms. Default 0. */
  startMs?: number;
}

/**
 * Options of {@link NfdEDetector}.
 *
 * @example
 * ```ts
 * const options: NfdEOptions = { intervalMs: 100, safetyMarginMs: 30, windowSize: 100 };
 * ```
 */
export interface NfdEOptions {
  /** η: the sender's heartbeat period in ms, > 0. */
  intervalMs: number;
  /** α: how long past the expected arrival time the process stays trusted, in ms, > 0. */
  safetyMarginMs: number;
  /** n: how many of the most recent heartbeats the arrival estimate averages, an integer >= 1. */
  windowSize: number;
}

/**
 * NFD-S, the failure detector of Chen, Toueg & Aguilera (2002) for synchronised clocks.
 *
 * The sender emits heartbeat `m_i` at `σ_i = startMs + i·η` (i = 0, 1, …); each has a freshness
 * point `τ_i = σ_i + δ`. At a time `t` in `[τ_i, τ_{i+1})` the process is trusted iff some
 * heartbeat `m_j` with `j >= i` has been received. Equivalently, with `j` the highest sequence
 * number received, the process is trusted until `τ_{j+1}`. If the process crashes, it is
 * suspected for good at most `δ + η` after the crash.
 *
 * **Sequence numbers.** NFD-S needs to know *which* heartbeat arrived, so `heartbeat` takes an
 * optional `sequence` (the `i` of `m_i`); the QoS harness passes it. Without one, the detector
 * infers it from the arrival time on the synchronised clock: `floor((nowMs - startMs) / η)`,
 * the newest heartbeat that could have been sent by then. That is exact whenever each heartbeat
 * arrives before the next is sent (delay < η), needs no assumption about loss, and otherwise errs
 * towards trusting (it never makes the detector suspect earlier than the true numbers would).
 * Heartbeats older than the newest already received (reordered or duplicated) change nothing.
 *
 * `suspicion(t)` is `max(0, t - τ_{j+1}) / η`: how many heartbeat periods past the freshness
 * point. Before the first heartbeat the process is trusted and the suspicion is 0.
 *
 * @example
 * ```ts
 * const detector = new NfdSDetector({ intervalMs: 100, shiftMs: 50 });
 * detector.heartbeat(20, 0);   // m_0, sent at 0, fresh until τ_1 = 150
 * detector.isAvailable(149);   // true
 * detector.isAvailable(150);   // false: m_1 has not arrived
 * detector.suspicion(200);     // 0.5
 * ```
 */
export class NfdSDetector extends FreshnessPointDetector {
  /** Option keys the constructor accepts. */
  static readonly optionKeys: readonly string[] = ['intervalMs', 'shiftMs', 'startMs'];

  /** Always `nfd-s`. */
  readonly name = 'nfd-s';
  /** η, the heartbeat period in ms. */
  readonly intervalMs: number;
  /** δ, the shift of every freshness point past its heartbeat's send time, in ms. */
  readonly shiftMs: number;
  /** Send time of `m_0`, in ms. */
  readonly startMs: number;

  private highest = -1;
  private lastArrivalMs = -Infinity;

  constructor(options: NfdSOptions) {
    super();
    requireObject(options, 'options');
    rejectUnknownKeys(options as unknown as Record<string, unknown>, '', NfdSDetector.optionKeys);
    requirePositive(options.intervalMs, 'intervalMs');
    requirePositive(options.shiftMs, 'shiftMs');
    const startMs = options.startMs === undefined ? 0 : options.startMs;
    requireFinite(startMs, 'startMs', 'a finite time in ms');
    this.intervalMs = options.intervalMs;
    this.shiftMs = options.shiftMs;
    this.startMs = startMs;
  }

  /**
   * Records that heartbeat `m_sequence` arrived at `nowMs`. `sequence` is a non-negative
   * integer; when omitted it is inferred from `nowMs` (see the class description), which needs
   * `nowMs >= startMs`.
   */
  heartbeat(nowMs: number, sequence?: number): void {
    requireTime(nowMs, 'nowMs', this.lastArrivalMs);
    let index: number;
    if (sequence === undefined) {
      if (nowMs < this.startMs) {
        throw new InvalidArgumentError('nowMs', nowMs, `a time >= startMs (${this.startMs}ms) when no sequence number is given: no heartbeat is sent before startMs`);
      }
      index = Math.floor((nowMs - this.startMs) / this.intervalMs);
    } else {
      index = requireSequence(sequence, 'sequence');
    }
    this.lastArrivalMs = nowMs;
    if (index <= this.highest) return;
    this.highest = index;
    this.freshUntilMs = this.startMs + (index + 1) * this.intervalMs + this.shiftMs;
  }


  /** The highest sequence number received, or -1 before the first heartbeat. */
  get highestSequence(): number {
    return this.highest;
  }

  /** `τ_{j+1}`: the time from which the process is suspected unless a newer heartbeat arrives; `undefined` before the first heartbeat. */
  get freshnessPointMs(): number | undefined {
    return this.highest < 0 ? undefined : this.freshUntilMs;
  }
}

/**
 * Chen's estimate of when the next heartbeats will arrive, on the receiver's clock, from the last
 * `windowSize` heartbeats: `EA_k = (1/n)·Σ (A_i - η·s_i) + k·η`, the sum over the n most recent
 * fresh heartbeats (arrival `A_i`, sequence number `s_i`). Unknown clock offsets and the mean
 * delay cancel out, so no clock synchronisation is needed. The building block of
 * {@link NfdEDetector} and of `BertierDetector`.
 *
 * The window is a typed-array ring with a running sum (recomputed once per `windowSize` samples so
 * rounding cannot accumulate); recording and estimating allocate nothing.
 *
 * @example
 * ```ts
 * const estimator = new ArrivalEstimator(100, 2);
 * estimator.record(10, estimator.resolve(10, 0));
 * estimator.record(130, estimator.resolve(130, 1));
 * estimator.expectedArrivalMs(2); // ((10 - 0) + (130 - 100)) / 2 + 200 = 220
 * ```
 */
export class ArrivalEstimator {
  /** η, the sender's heartbeat period in ms. */
  readonly intervalMs: number;
  /** n, the most samples averaged. */
  readonly windowSize: number;

  private readonly offsets: Float64Array;
  private count = 0;
  private next = 0;
  private sum = 0;
  private sinceRecompute = 0;
  private highest = -1;
  private lastArrival = -Infinity;

  constructor(intervalMs: number, windowSize: number) {
    requirePositive(intervalMs, 'intervalMs');
    requirePositiveInteger(windowSize, 'windowSize', MAX_WINDOW_SIZE);
    this.intervalMs = intervalMs;
    this.windowSize = windowSize;
    this.offsets = new Float64Array(windowSize);
  }

  /**
   * Checks a heartbeat before it is recorded and returns its sequence number: `sequence` itself
   * (a non-negative integer), or, when omitted, one more than the highest received so far (0 for
   * the first), which is exact on a channel that loses nothing. Throws if `nowMs` is not finite
   * or earlier than the previous heartbeat.
   */
  resolve(nowMs: unknown, sequence: unknown): number {
    requireTime(nowMs, 'nowMs', this.lastArrival);
    const index = sequence === undefined ? this.highest + 1 : requireSequence(sequence, 'sequence');
    if (!Number.isFinite(index * this.intervalMs)) {
      throw new InvalidArgumentError('sequence', sequence, `a sequence number whose send offset (sequence × ${this.intervalMs}ms) is finite`);
    }
    return index;
  }

  /**
   * Records heartbeat `sequence` (from {@link ArrivalEstimator.resolve}) arriving at `nowMs`.
   * Returns true if it was fresh (newer than every heartbeat before) and so entered the window;
   * older or repeated heartbeats are ignored.
   */
  record(nowMs: number, sequence: number): boolean {
    this.lastArrival = nowMs;
    if (sequence <= this.highest) return false;
    this.highest = sequence;
    const offset = nowMs - this.intervalMs * sequence;
    if (this.count === this.windowSize) this.sum -= this.offsets[this.next]!;
    else this.count++;
    this.offsets[this.next] = offset;
    this.sum += offset;
    this.next = this.next + 1 === this.windowSize ? 0 : this.next + 1;
    if (++this.sinceRecompute >= this.windowSize) {
      this.sinceRecompute = 0;
      let exact = 0;
      for (let index = 0; index < this.count; index++) exact += this.offsets[index]!;
      this.sum = exact;
    }
    return true;
  }

  /** `EA_sequence`: when heartbeat `sequence` is expected to arrive, in ms. NaN before the first sample. */
  expectedArrivalMs(sequence: number): number {
    return this.sum / this.count + this.intervalMs * sequence;
  }

  /** The highest sequence number recorded, or -1 before the first. */
  get highestSequence(): number {
    return this.highest;
  }

  /** How many samples the window holds (at most `windowSize`). */
  get sampleCount(): number {
    return this.count;
  }
}

/**
 * NFD-E, the failure detector of Chen, Toueg & Aguilera (2002) for unsynchronised clocks.
 *
 * With `ℓ` the highest sequence number received, the next heartbeat is expected at
 * `EA_{ℓ+1} = (1/n)·Σ (A_i - η·s_i) + (ℓ+1)·η` over the n most recent heartbeats (see
 * `ArrivalEstimator`); its freshness point is `τ_{ℓ+1} = EA_{ℓ+1} + α`. The process is
 * trusted while `t < τ_{ℓ+1}` and suspected from then until a newer heartbeat arrives. If it
 * crashes, it is suspected about `η + α` after the last heartbeat's (typical) arrival.
 *
 * **Sequence numbers.** The estimate needs each heartbeat's number `s_i`, so `heartbeat` takes an
 * optional `sequence`; the QoS harness passes it, and a lossy channel needs it. Without one the
 * detector assumes nothing was lost (the next number after the highest so far, starting at 0).
 * Numbering that is off by a constant cancels out; after a lost heartbeat, sequence-less
 * numbering makes the freshness point up to η early until the window has refilled (n heartbeats).
 * Reordered or repeated heartbeats (not newer than the highest) change nothing.
 *
 * `suspicion(t)` is `max(0, t - τ_{ℓ+1}) / η`; 0 before the first heartbeat.
 *
 * @example
 * ```ts
 * const detector = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 30, windowSize: 10 });
 * detector.heartbeat(1_005, 0);
 * detector.heartbeat(1_115, 1);  // EA_2 = ((1005 - 0) + (1115 - 100)) / 2 + 200 = 1210
 * detector.isAvailable(1_239);   // true: τ_2 = 1240
 * detector.isAvailable(1_240);   // false
 * ```
 */
export class NfdEDetector extends FreshnessPointDetector {
  /** Option keys the constructor accepts. */
  static readonly optionKeys: readonly string[] = ['intervalMs', 'safetyMarginMs', 'windowSize'];

  /** Always `nfd-e`. */
  readonly name = 'nfd-e';
  /** η, the heartbeat period in ms. */
  readonly intervalMs: number;
  /** α, the safety margin in ms. */
  readonly safetyMarginMs: number;
  /** n, the most recent heartbeats averaged. */
  readonly windowSize: number;

  private readonly estimator: ArrivalEstimator;
  private expectedMs = Infinity;

  constructor(options: NfdEOptions) {
    super();
    requireObject(options, 'options');
    rejectUnknownKeys(options as unknown as Record<string, unknown>, '', NfdEDetector.optionKeys);
    requirePositive(options.intervalMs, 'intervalMs');
    requirePositive(options.safetyMarginMs, 'safetyMarginMs');
    requirePositiveInteger(options.windowSize, 'windowSize', MAX_WINDOW_SIZE);
    this.intervalMs = options.intervalMs;
    this.safetyMarginMs = options.safetyMarginMs;
    this.windowSize = options.windowSize;
    this.estimator = new ArrivalEstimator(this.intervalMs, this.windowSize);
  }

  /**
   * Records that heartbeat `m_sequence` arrived at local time `nowMs`. `sequence` is a
   * non-negative integer; when omitted, the next after the highest received (no loss assumed).
   */
  heartbeat(nowMs: number, sequence?: number): void {
    const index = this.estimator.resolve(nowMs, sequence);
    if (!this.estimator.record(nowMs, index)) return;
    this.expectedMs = this.estimator.expectedArrivalMs(index + 1);
    this.freshUntilMs = this.expectedMs + this.safetyMarginMs;
  }


  /** The highest sequence number received, or -1 before the first heartbeat. */
  get highestSequence(): number {
    return this.estimator.highestSequence;
  }

  /** `EA_{ℓ+1}`, the expected arrival of the next heartbeat; `undefined` before the first heartbeat. */
  get estimatedArrivalMs(): number | undefined {
    return this.estimator.highestSequence < 0 ? undefined : this.expectedMs;
  }

  /** `τ_{ℓ+1} = EA_{ℓ+1} + α`; `undefined` before the first heartbeat. */
  get freshnessPointMs(): number | undefined {
    return this.estimator.highestSequence < 0 ? undefined : this.freshUntilMs;
  }
}

function requireSequence(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(field, value, 'a sequence number: an integer in [0, 2^53 - 1]');
  }
  return value;
}
