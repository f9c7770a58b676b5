import { InvalidArgumentError } from '../../errors.js';
import { orDefault, requireObject, requireOneOf, requirePositive, requirePositiveInteger, rejectUnknownKeys } from '../../validate.js';
import { requireSampleValue } from './predictor.js';

/**
 * The in-control mean and standard deviation a control-chart predictor compares samples with,
 * when known in advance (from history or a specification).
 *
 * @example
 * ```ts
 * const baseline: KnownBaseline = { mean: 12, stdDev: 1.5 };
 * ```
 */
export interface KnownBaseline {
  /** The in-control mean μ₀, in the metric's unit. */
  mean: number;
  /** The in-control standard deviation σ of one sample, > 0. */
  stdDev: number;
}

/** The baseline options the control-chart predictors share. */
export interface BaselineOptions {
  baseline?: KnownBaseline;
  warmupSamples?: number;
  minStdDev?: number;
}

export const BASELINE_KEYS = ['baseline', 'warmupSamples', 'minStdDev'];

/** The sign a control chart multiplies deviations by: +1 to alarm on a rise (`up`, the default), −1 on a fall. */
export function directionSign(direction: unknown, field: string): 1 | -1 {
  const chosen = orDefault(direction, 'up');
  requireOneOf(chosen, `${field}.direction`, ['up', 'down'] as const);
  return chosen === 'up' ? 1 : -1;
}

/**
 * μ₀ and σ: given, or estimated from the first `warmupSamples` samples (Welford's running mean
 * and sample variance, O(1) per sample), σ floored at `minStdDev` so a perfectly flat warm-up
 * does not divide by zero.
 */
export class Baseline {
  private count = 0;
  private runningMean = 0;
  private squares = 0;
  private readonly warmupSamples: number;
  private readonly minStdDev: number;
  private known: KnownBaseline | undefined;

  constructor(options: BaselineOptions, field: string) {
    this.minStdDev = orDefault(options.minStdDev, 1e-9);
    requirePositive(this.minStdDev, `${field}.minStdDev`);
    if (options.baseline !== undefined && options.warmupSamples !== undefined) {
      throw new InvalidArgumentError(`${field}.warmupSamples`, options.warmupSamples, 'absent when a baseline is given (nothing to warm up)');
    }
    this.warmupSamples = orDefault(options.warmupSamples, 20);
    requirePositiveInteger(this.warmupSamples, `${field}.warmupSamples`, 1_000_000);
    if (this.warmupSamples < 2) throw new InvalidArgumentError(`${field}.warmupSamples`, this.warmupSamples, 'an integer in [2, 1000000] (a standard deviation needs two samples)');
    if (options.baseline !== undefined) this.known = readBaseline(options.baseline, `${field}.baseline`, this.minStdDev);
  }

  /** The baseline once known; `undefined` while still warming up (the sample is absorbed). */
  absorb(value: number): KnownBaseline | undefined {
    if (this.known !== undefined) return this.known;
    this.count++;
    const delta = value - this.runningMean;
    this.runningMean += delta / this.count;
    this.squares += delta * (value - this.runningMean);
    if (this.count < this.warmupSamples) return undefined;
    this.known = { mean: this.runningMean, stdDev: Math.max(this.minStdDev, Math.sqrt(this.squares / (this.count - 1))) };
    // The sample that completes the warm-up is part of the estimate, not judged against it.
    return undefined;
  }
}

function readBaseline(baseline: unknown, field: string, minStdDev: number): KnownBaseline {
  requireObject(baseline, field);
  rejectUnknownKeys(baseline, field, ['mean', 'stdDev']);
  requireSampleValue(baseline['mean'], `${field}.mean`);
  requirePositive(baseline['stdDev'], `${field}.stdDev`);
  if ((baseline['stdDev'] as number) > 1e100) throw new InvalidArgumentError(`${field}.stdDev`, baseline['stdDev'], 'a finite number in (0, 1e100]');
  return { mean: baseline['mean'], stdDev: Math.max(minStdDev, baseline['stdDev'] as number) };
}
