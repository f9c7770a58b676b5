import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireObject, requirePositive } from '../../validate.js';
import { BASELINE_KEYS, Baseline, directionSign, type KnownBaseline } from './baseline.js';
import type { Predictor, PredictorVerdict } from './predictor.js';

/**
 * Options of {@link EwmaPredictor}.
 *
 * @example
 * ```ts
 * const options: EwmaPredictorOptions = { lambda: 0.2, threshold: 3, warmupSamples: 30 };
 * ```
 */
export interface EwmaPredictorOptions {
  /** λ, the weight of the newest sample, in (0, 1]: small values remember longer and catch smaller shifts; 1 is a Shewhart chart. Default 0.2. */
  lambda?: number;
  /** L, the alarm threshold on the z-score (in standard deviations of the EWMA), > 0. Default 3. */
  threshold?: number;
  /** `up` (default) warns when the metric rises, `down` when it falls. */
  direction?: 'up' | 'down';
  /** μ₀ and σ when known; otherwise estimated from the first `warmupSamples` samples. */
  baseline?: KnownBaseline;
  /** Samples that estimate the baseline (no verdict on them), an integer in [2, 1000000]. Default 20. Not with `baseline`. */
  warmupSamples?: number;
  /** Floor of σ, > 0, in the metric's unit: a flat warm-up would otherwise give σ = 0. Default 1e-9. */
  minStdDev?: number;
}

/**
 * An EWMA control chart (Roberts 1959) read as a z-score: warns when the exponentially
 * weighted moving average of a metric strays more than `threshold` of its own standard
 * deviations from the baseline mean.
 *
 * With samples x₁, x₂, … after the warm-up, baseline mean μ₀ and standard deviation σ:
 *
 *     z₀ = μ₀,   zₜ = λ xₜ + (1 − λ) zₜ₋₁
 *     σ_z,t = σ √( λ / (2 − λ) · (1 − (1 − λ)^(2t)) )
 *     score = (zₜ − μ₀) / σ_z,t   (`down`: (μ₀ − zₜ) / σ_z,t);   alarm while score > L
 *
 * σ_z,t is the exact standard deviation of zₜ when the xₜ are independent with mean μ₀ and
 * standard deviation σ (NIST/SEMATECH e-Handbook of Statistical Methods, §6.3.2.4 "EWMA control
 * charts"; Montgomery, *Introduction to Statistical Quality Control*, §9.2). O(1) per sample.
 *
 * **False alarms.** With a known baseline and independent Gaussian noise, zₜ is Gaussian with
 * standard deviation σ_z,t, so each sample is in alarm with probability 1 − Φ(L) (0.135% for
 * L = 3): a flat series raises at most that many alarms per sample, on average (an alarm is the
 * first sample of a run in alarm, and zₜ is autocorrelated, so the real figure is lower).
 * A baseline estimated from a short warm-up is itself noisy and raises the rate.
 *
 * @throws InvalidArgumentError on an option out of range or unknown.
 *
 * @example
 * ```ts
 * const alarms = runPredictor(new EwmaPredictor({ lambda: 0.2, threshold: 3, baseline: { mean: 50, stdDev: 2 } }), stream);
 * ```
 */
export class EwmaPredictor implements Predictor {
  private readonly lambda: number;
  private readonly threshold: number;
  private readonly sign: 1 | -1;
  private readonly baseline: Baseline;
  private average: number | undefined;
  /** (1 − λ)^(2t), kept by multiplication so each sample costs O(1). */
  private decaySquaredPower = 1;

  constructor(options: EwmaPredictorOptions = {}) {
    const field = 'EWMA predictor options';
    const raw: unknown = options;
    requireObject(raw, field);
    rejectUnknownKeys(raw, field, ['lambda', 'threshold', 'direction', ...BASELINE_KEYS]);
    this.lambda = orDefault(options.lambda, 0.2);
    requirePositive(this.lambda, `${field}.lambda`);
    if (this.lambda > 1) throw new InvalidArgumentError(`${field}.lambda`, this.lambda, 'a number in (0, 1]');
    this.threshold = orDefault(options.threshold, 3);
    requirePositive(this.threshold, `${field}.threshold`);
    this.sign = directionSign(options.direction, field);
    this.baseline = new Baseline(options, field);
  }

  update(_timeMs: number, value: number): PredictorVerdict {
    const baseline = this.baseline.absorb(value);
    if (baseline === undefined) return { alarm: false, score: 0 };
    const previous = this.average ?? baseline.mean;
    this.average = this.lambda * value + (1 - this.lambda) * previous;
    this.decaySquaredPower *= (1 - this.lambda) ** 2;
    const spread = baseline.stdDev * Math.sqrt((this.lambda / (2 - this.lambda)) * (1 - this.decaySquaredPower));
    const score = (this.sign * (this.average - baseline.mean)) / spread;
    return { alarm: score > this.threshold, score };
  }
}
