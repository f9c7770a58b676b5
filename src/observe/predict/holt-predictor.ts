import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireObject, requireOneOf, requirePositive, requirePositiveInteger } from '../../validate.js';
import { requireSampleValue, type Predictor, type PredictorVerdict } from './predictor.js';

/**
 * Options of {@link HoltPredictor}.
 *
 * @example
 * ```ts
 * const options: HoltPredictorOptions = { alpha: 0.5, beta: 0.2, threshold: 0.9, horizonMs: 60_000 };
 * ```
 */
export interface HoltPredictorOptions {
  /** α, the level's smoothing weight, in (0, 1]: larger follows the newest sample more closely. Default 0.5. */
  alpha?: number;
  /** β, the trend's smoothing weight, in (0, 1]: larger follows changes of slope faster (and noise more). Default 0.1. */
  beta?: number;
  /** θ, the failure threshold, in the metric's unit (e.g. the memory limit): the value whose crossing is forecast. */
  threshold: number;
  /** H, how far ahead to look, in ms, > 0: warns when the forecast crosses θ within H. */
  horizonMs: number;
  /** `up` (default): failure is the metric rising to θ; `down`: falling to θ. */
  direction?: 'up' | 'down';
  /** Samples seen before any verdict (the trend needs a few to settle), an integer in [2, 1000000]. Default 10. */
  warmupSamples?: number;
}

/**
 * Holt's linear trend method (double exponential smoothing; Holt, "Forecasting seasonals and
 * trends by exponentially weighted moving averages", ONR memo 52, 1957, reprinted in Int. J.
 * Forecasting 20, 2004; Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, §8.2)
 * forecasting when a metric will cross a failure threshold: a time-to-failure estimate.
 *
 * The trend is kept per ms, so samples need not be evenly spaced (the metrics registry halves
 * its resolution on long runs). With Δ the time since the previous sample:
 *
 *     ℓ₁ = x₁,  b₁ = 0
 *     ℓₜ = α xₜ + (1 − α)(ℓₜ₋₁ + bₜ₋₁ Δ)          level
 *     bₜ = β (ℓₜ − ℓₜ₋₁) / Δ + (1 − β) bₜ₋₁          trend, per ms
 *     forecast(t + h) = ℓₜ + bₜ h;   score = ℓₜ + bₜ H (the forecast at the horizon)
 *     estimatedFailureMs = t if ℓₜ is already past θ, else t + (θ − ℓₜ) / bₜ when bₜ heads toward θ
 *     alarm while estimatedFailureMs − t <= H (after the warm-up)
 *
 * With evenly spaced samples this is exactly Holt's method with the per-sample trend bₜ Δ.
 * On an exact ramp x = c + s·t with α = β = 1 the level is the sample and the trend the slope,
 * so the forecast is exact from the second sample on. O(1) per sample.
 *
 * **False alarms.** On stationary noise the forecast ℓₜ + bₜ H is a linear filter of the samples:
 * its standard deviation is σ √(Σ wⱼ²) for the filter's weights wⱼ, which grows with H and β.
 * Place θ several of those above the mean, or sweep it with {@link predictorSweep}.
 *
 * @throws InvalidArgumentError on an option out of range or unknown; from `update`, if samples
 *   so extreme or so close together that the trend overflows.
 *
 * @example
 * ```ts
 * const holt = new HoltPredictor({ alpha: 0.5, beta: 0.2, threshold: 8e9, horizonMs: 120_000 });
 * const alarms = runPredictor(holt, { target: 'n1', samples });
 * alarms[0]?.estimatedFailureMs; // when the memory is forecast to reach 8 GB
 * ```
 */
export class HoltPredictor implements Predictor {
  private readonly alpha: number;
  private readonly beta: number;
  private readonly threshold: number;
  private readonly horizonMs: number;
  private readonly sign: 1 | -1;
  private readonly warmupSamples: number;
  private seen = 0;
  private level = 0;
  private trendPerMs = 0;
  private previousMs = 0;

  constructor(options: HoltPredictorOptions) {
    const field = 'Holt predictor options';
    const raw: unknown = options;
    requireObject(raw, field);
    rejectUnknownKeys(raw, field, ['alpha', 'beta', 'threshold', 'horizonMs', 'direction', 'warmupSamples']);
    this.alpha = readWeight(orDefault(options.alpha, 0.5), `${field}.alpha`);
    this.beta = readWeight(orDefault(options.beta, 0.1), `${field}.beta`);
    requireSampleValue(options.threshold, `${field}.threshold`);
    this.threshold = options.threshold;
    requirePositive(options.horizonMs, `${field}.horizonMs`);
    this.horizonMs = options.horizonMs;
    const direction = orDefault(options.direction, 'up');
    requireOneOf(direction, `${field}.direction`, ['up', 'down'] as const);
    this.sign = direction === 'up' ? 1 : -1;
    this.warmupSamples = orDefault(options.warmupSamples, 10);
    requirePositiveInteger(this.warmupSamples, `${field}.warmupSamples`, 1_000_000);
    if (this.warmupSamples < 2) throw new InvalidArgumentError(`${field}.warmupSamples`, this.warmupSamples, 'an integer in [2, 1000000] (a trend needs two samples)');
  }

  update(timeMs: number, value: number): PredictorVerdict {
    this.smooth(timeMs, value);
    const score = this.level + this.trendPerMs * this.horizonMs;
    const estimatedFailureMs = this.failureForecast(timeMs);
    if (!Number.isFinite(score) || !Number.isFinite(this.level) || !Number.isFinite(this.trendPerMs)) {
      throw new InvalidArgumentError(`sample at ${timeMs}ms`, value, "a sample that keeps Holt's level and trend finite (the samples are too extreme or too close together)");
    }
    const alarm = this.seen >= this.warmupSamples && estimatedFailureMs !== undefined && estimatedFailureMs - timeMs <= this.horizonMs;
    return estimatedFailureMs === undefined ? { alarm, score } : { alarm, score, estimatedFailureMs };
  }

  private smooth(timeMs: number, value: number): void {
    this.seen++;
    if (this.seen === 1) {
      this.level = value;
      this.previousMs = timeMs;
      return;
    }
    const elapsedMs = timeMs - this.previousMs;
    this.previousMs = timeMs;
    const previousLevel = this.level;
    this.level = this.alpha * value + (1 - this.alpha) * (previousLevel + this.trendPerMs * elapsedMs);
    this.trendPerMs = (this.beta * (this.level - previousLevel)) / elapsedMs + (1 - this.beta) * this.trendPerMs;
  }

  /** When the level is forecast to reach θ: now if past it, never (undefined) if heading away. */
  private failureForecast(timeMs: number): number | undefined {
    const gap = this.sign * (this.threshold - this.level);
    if (gap <= 0) return timeMs;
    const towardPerMs = this.sign * this.trendPerMs;
    if (towardPerMs <= 0) return undefined;
    const failureMs = timeMs + gap / towardPerMs;
    return Number.isFinite(failureMs) ? failureMs : undefined;
  }
}

function readWeight(weight: unknown, field: string): number {
  requirePositive(weight, field);
  if (weight > 1) throw new InvalidArgumentError(field, weight, 'a number in (0, 1]');
  return weight;
}
