import { orDefault, rejectUnknownKeys, requireNonNegative, requireObject, requirePositive } from '../../validate.js';
import { BASELINE_KEYS, Baseline, directionSign, type KnownBaseline } from './baseline.js';
import type { Predictor, PredictorVerdict } from './predictor.js';

/**
 * Options of {@link CusumPredictor}.
 *
 * @example
 * ```ts
 * const options: CusumPredictorOptions = { k: 0.5, h: 5, baseline: { mean: 20, stdDev: 2 } };
 * ```
 */
export interface CusumPredictorOptions {
  /** k, the reference value (allowance) in standard deviations, >= 0: half the shift worth catching. Default 0.5 (a 1σ shift). */
  k?: number;
  /** h, the decision interval in standard deviations, > 0: larger means fewer false alarms and later warnings. Default 5. */
  h?: number;
  /** `up` (default) watches for a rise, `down` for a fall. */
  direction?: 'up' | 'down';
  /** μ₀ and σ when known; otherwise estimated from the first `warmupSamples` samples. */
  baseline?: KnownBaseline;
  /** Samples that estimate the baseline (no verdict on them), an integer in [2, 1000000]. Default 20. Not with `baseline`. */
  warmupSamples?: number;
  /** Floor of σ, > 0, in the metric's unit. Default 1e-9. */
  minStdDev?: number;
}

/**
 * Page's one-sided CUSUM change detector (Page, "Continuous inspection schemes", Biometrika
 * 41, 1954), in the standardised tabular form of the NIST/SEMATECH e-Handbook of Statistical
 * Methods, §6.3.2.3 "CUSUM control charts":
 *
 *     dₜ = (xₜ − μ₀) / σ   (`down`: (μ₀ − xₜ) / σ)
 *     S₀ = 0,   Sₜ = max(0, Sₜ₋₁ + dₜ − k);   alarm when Sₜ > h, and then Sₜ restarts at 0
 *
 * The restart after a signal is Page's: each alarm is one detected change, so a lasting shift
 * signals again every few samples (about h / (δ − k) for a shift of δσ), each an alarm.
 * The score is Sₜ (before any restart). O(1) per sample.
 *
 * **False alarms.** With a known baseline and independent Gaussian noise, the in-control average
 * run length to a signal is, by Siegmund's approximation, ARL₀ ≈ (e^(2Δb) − 2Δb − 1) / (2Δ²)
 * with Δ = k and b = h + 1.166: about 938 samples for k = 0.5, h = 5 (so about one false alarm
 * per 938 samples, 0.107%) and 336 for h = 4 (Montgomery, *Introduction to Statistical Quality
 * Control*, §9.1). A baseline estimated from a short warm-up raises the rate.
 *
 * @throws InvalidArgumentError on an option out of range or unknown.
 *
 * @example
 * ```ts
 * const alarms = runPredictor(new CusumPredictor({ k: 0.5, h: 5 }), stream);
 * ```
 */
export class CusumPredictor implements Predictor {
  private readonly k: number;
  private readonly h: number;
  private readonly sign: 1 | -1;
  private readonly baseline: Baseline;
  private sum = 0;

  constructor(options: CusumPredictorOptions = {}) {
    const field = 'CUSUM predictor options';
    const raw: unknown = options;
    requireObject(raw, field);
    rejectUnknownKeys(raw, field, ['k', 'h', 'direction', ...BASELINE_KEYS]);
    this.k = orDefault(options.k, 0.5);
    requireNonNegative(this.k, `${field}.k`);
    this.h = orDefault(options.h, 5);
    requirePositive(this.h, `${field}.h`);
    this.sign = directionSign(options.direction, field);
    this.baseline = new Baseline(options, field);
  }

  update(_timeMs: number, value: number): PredictorVerdict {
    const baseline = this.baseline.absorb(value);
    if (baseline === undefined) return { alarm: false, score: 0 };
    const deviation = (this.sign * (value - baseline.mean)) / baseline.stdDev;
    this.sum = Math.max(0, this.sum + deviation - this.k);
    const score = this.sum;
    const alarm = score > this.h;
    if (alarm) this.sum = 0;
    return { alarm, score };
  }
}
