import { InvalidArgumentError } from '../errors.js';
import { rejectUnknownKeys, requireFinite, requireNonNegative, requireObject, requirePositive } from '../validate.js';
import { nextStandardNormal, nextUniform, type Rng } from './rng.js';

/**
 * A distribution of durations in milliseconds, as plain data (so it can be saved and replayed).
 * Every kind but `constant` takes an optional `offsetMs` added to each draw, e.g. a 10 ms floor
 * under an exponential tail. Draws are never negative: `normal` is clamped at 0.
 *
 * @example
 * ```ts
 * const lan: Distribution = { kind: 'uniform', minMs: 0.2, maxMs: 1 };
 * const wan: Distribution = { kind: 'logNormal', medianMs: 40, sigma: 0.3, offsetMs: 20 };
 * const tail: Distribution = { kind: 'pareto', scaleMs: 5, shape: 1.5 };
 * ```
 */
export type Distribution =
  | ConstantDistribution
  | UniformDistribution
  | ExponentialDistribution
  | NormalDistribution
  | LogNormalDistribution
  | ParetoDistribution;

/**
 * Fields every non-constant distribution shares.
 *
 * @example
 * ```ts
 * const shifted: ExponentialDistribution = { kind: 'exponential', meanMs: 20, offsetMs: 30 }; // >= 30 ms
 * ```
 */
export interface ShiftedDistribution {
  /** Added to every draw, e.g. a propagation floor under a random queueing delay. Default 0. */
  offsetMs?: number;
}

/**
 * Always the same duration.
 *
 * @example
 * ```ts
 * const fixed: ConstantDistribution = { kind: 'constant', ms: 5 };
 * ```
 */
export interface ConstantDistribution {
  /** Discriminant. */
  kind: 'constant';
  /** The duration, >= 0. */
  ms: number;
}

/**
 * Uniform on [minMs, maxMs).
 *
 * @example
 * ```ts
 * const lan: UniformDistribution = { kind: 'uniform', minMs: 0.2, maxMs: 1 };
 * ```
 */
export interface UniformDistribution extends ShiftedDistribution {
  /** Discriminant. */
  kind: 'uniform';
  /** Lower bound, >= 0. */
  minMs: number;
  /** Upper bound, >= minMs. */
  maxMs: number;
}

/**
 * Exponential with the given mean (memoryless queueing delay).
 *
 * @example
 * ```ts
 * const queueing: ExponentialDistribution = { kind: 'exponential', meanMs: 3, offsetMs: 10 };
 * ```
 */
export interface ExponentialDistribution extends ShiftedDistribution {
  /** Discriminant. */
  kind: 'exponential';
  /** Mean, > 0. */
  meanMs: number;
}

/**
 * Normal, clamped at 0 (a draw below 0 becomes 0).
 *
 * @example
 * ```ts
 * const jittery: NormalDistribution = { kind: 'normal', meanMs: 20, stdDevMs: 5 };
 * ```
 */
export interface NormalDistribution extends ShiftedDistribution {
  /** Discriminant. */
  kind: 'normal';
  /** Mean before clamping. */
  meanMs: number;
  /** Standard deviation, >= 0. */
  stdDevMs: number;
}

/**
 * Log-normal: `medianMs * exp(sigma * Z)`; a realistic right-skewed WAN latency.
 *
 * @example
 * ```ts
 * const wan: LogNormalDistribution = { kind: 'logNormal', medianMs: 40, sigma: 0.3 };
 * ```
 */
export interface LogNormalDistribution extends ShiftedDistribution {
  /** Discriminant. */
  kind: 'logNormal';
  /** Median, > 0. */
  medianMs: number;
  /** Shape (standard deviation of the log), >= 0. */
  sigma: number;
}

/**
 * Pareto type I: heavy-tailed, at least `scaleMs`; the tail is heavier as `shape` shrinks (the
 * mean is infinite for shape <= 1).
 *
 * @example
 * ```ts
 * const tail: ParetoDistribution = { kind: 'pareto', scaleMs: 5, shape: 1.5 };
 * ```
 */
export interface ParetoDistribution extends ShiftedDistribution {
  /** Discriminant. */
  kind: 'pareto';
  /** Minimum value (x_m), > 0. */
  scaleMs: number;
  /** Tail index (alpha), > 0. */
  shape: number;
}

/**
 * The largest duration a distribution draws (1e15 ms, about 31,700 years): heavier tails are
 * capped here, so a draw is always a finite delay.
 *
 * @example
 * ```ts
 * DistributionSampler.from({ kind: 'pareto', scaleMs: 1, shape: 0.001 }, 'd').sample(rng) <= MAX_DRAW_MS; // true
 * ```
 */
export const MAX_DRAW_MS = 1e15;

/**
 * The names of the distribution kinds.
 *
 * @example
 * ```ts
 * distributionKinds.includes('pareto'); // true
 * ```
 */
export const distributionKinds = ['constant', 'uniform', 'exponential', 'normal', 'logNormal', 'pareto'] as const;

const CONSTANT = 0;
const UNIFORM = 1;
const EXPONENTIAL = 2;
const NORMAL = 3;
const LOG_NORMAL = 4;
const PARETO = 5;

/**
 * A validated distribution, compiled to a few numbers so drawing from it allocates nothing.
 *
 * @example
 * ```ts
 * const sampler = DistributionSampler.from({ kind: 'exponential', meanMs: 5 }, 'latency');
 * const delayMs = sampler.sample(sim.rng('demo'));
 * ```
 */
export class DistributionSampler {
  /** The distribution this sampler draws from. */
  readonly distribution: Distribution;
  private readonly code: number;
  private readonly first: number;
  private readonly second: number;
  private readonly offsetMs: number;
  /**
   * The draw of this sampler's kind. A call site that only ever meets one kind (every link of a
   * network on its default model) lets V8 inline just that kind's arithmetic; one `switch` over
   * all six was too large to inline into the network's send path once optimized on its own.
   */
  private readonly drawOfKind: DrawFunction;

  private constructor(distribution: Distribution, code: number, first: number, second: number, offsetMs: number) {
    this.distribution = distribution;
    this.code = code;
    this.first = first;
    this.second = second;
    this.offsetMs = offsetMs;
    this.drawOfKind = DRAWS[code]!;
  }

  /** Validates `distribution` (naming `field` in errors) and compiles it. */
  static from(distribution: unknown, field: string): DistributionSampler {
    requireObject(distribution, field);
    const kind = distribution['kind'];
    const offsetMs = kind === 'constant' ? 0 : readOffset(distribution, field);
    const frozen = Object.freeze({ ...distribution }) as unknown as Distribution;
    switch (kind) {
      case 'constant':
        rejectUnknownKeys(distribution, field, ['kind', 'ms']);
        requireNonNegative(distribution['ms'], `${field}.ms`);
        return new DistributionSampler(frozen, CONSTANT, distribution['ms'], 0, 0);
      case 'uniform': {
        rejectUnknownKeys(distribution, field, ['kind', 'minMs', 'maxMs', 'offsetMs']);
        const { minMs, maxMs } = distribution;
        requireNonNegative(minMs, `${field}.minMs`);
        requireNonNegative(maxMs, `${field}.maxMs`);
        if (maxMs < minMs) throw new InvalidArgumentError(`${field}.maxMs`, maxMs, `a finite number >= minMs (${minMs})`);
        return new DistributionSampler(frozen, UNIFORM, minMs, maxMs - minMs, offsetMs);
      }
      case 'exponential':
        rejectUnknownKeys(distribution, field, ['kind', 'meanMs', 'offsetMs']);
        requirePositive(distribution['meanMs'], `${field}.meanMs`);
        return new DistributionSampler(frozen, EXPONENTIAL, distribution['meanMs'], 0, offsetMs);
      case 'normal':
        rejectUnknownKeys(distribution, field, ['kind', 'meanMs', 'stdDevMs', 'offsetMs']);
        requireFinite(distribution['meanMs'], `${field}.meanMs`);
        requireNonNegative(distribution['stdDevMs'], `${field}.stdDevMs`);
        return new DistributionSampler(frozen, NORMAL, distribution['meanMs'], distribution['stdDevMs'], offsetMs);
      case 'logNormal':
        rejectUnknownKeys(distribution, field, ['kind', 'medianMs', 'sigma', 'offsetMs']);
        requirePositive(distribution['medianMs'], `${field}.medianMs`);
        requireNonNegative(distribution['sigma'], `${field}.sigma`);
        return new DistributionSampler(frozen, LOG_NORMAL, Math.log(distribution['medianMs']), distribution['sigma'], offsetMs);
      case 'pareto':
        rejectUnknownKeys(distribution, field, ['kind', 'scaleMs', 'shape', 'offsetMs']);
        requirePositive(distribution['scaleMs'], `${field}.scaleMs`);
        requirePositive(distribution['shape'], `${field}.shape`);
        return new DistributionSampler(frozen, PARETO, distribution['scaleMs'], 1 / distribution['shape'], offsetMs);
      default:
        throw new InvalidArgumentError(`${field}.kind`, kind, `one of ${distributionKinds.map((k) => `'${k}'`).join(', ')}`);
    }
  }

  /** Draws one duration in milliseconds: never negative, never NaN, at most {@link MAX_DRAW_MS}. */
  sample(rng: Rng): number {
    return this.sampleFrom(rng.state, 0);
  }

  /**
   * @internal Like {@link DistributionSampler.sample}, from the Alea state at `offset` in a table
   * of states (the network keeps every link's stream in one such table).
   */
  sampleFrom(states: Float64Array, offset: number): number {
    const drawn = this.drawOfKind(this.first, this.second, this.offsetMs, states, offset);
    // Extreme parameters can overflow to Infinity (or NaN); a capped draw stays a valid delay.
    return drawn < MAX_DRAW_MS ? drawn : MAX_DRAW_MS;
  }

  /** The distribution's mean in ms (`Infinity` for a Pareto tail with shape <= 1). */
  mean(): number {
    switch (this.code) {
      case CONSTANT:
        return this.first;
      case UNIFORM:
        return this.offsetMs + this.first + this.second / 2;
      case EXPONENTIAL:
        return this.offsetMs + this.first;
      case NORMAL:
        return this.offsetMs + truncatedNormalMean(this.first, this.second);
      case LOG_NORMAL:
        return this.offsetMs + Math.exp(this.first + (this.second * this.second) / 2);
      default: {
        const shape = 1 / this.second;
        return shape <= 1 ? Infinity : this.offsetMs + (shape * this.first) / (shape - 1);
      }
    }
  }
}

/** One kind's draw from the Alea state at `offset`, given the sampler's compiled numbers. */
type DrawFunction = (first: number, second: number, offsetMs: number, states: Float64Array, offset: number) => number;

/** The draws, indexed by kind code (constant, uniform, exponential, normal, logNormal, pareto). */
const DRAWS: readonly DrawFunction[] = [
  (ms) => ms,
  (minMs, widthMs, offsetMs, states, offset) => offsetMs + minMs + widthMs * nextUniform(states, offset),
  (meanMs, _unused, offsetMs, states, offset) => offsetMs - meanMs * Math.log(1 - nextUniform(states, offset)),
  (meanMs, stdDevMs, offsetMs, states, offset) => offsetMs + Math.max(0, meanMs + stdDevMs * nextStandardNormal(states, offset)),
  (logMedian, sigma, offsetMs, states, offset) => offsetMs + Math.exp(logMedian + sigma * nextStandardNormal(states, offset)),
  (scaleMs, inverseShape, offsetMs, states, offset) => offsetMs + scaleMs / Math.pow(1 - nextUniform(states, offset), inverseShape),
];

function readOffset(distribution: Record<string, unknown>, field: string): number {
  const offsetMs = distribution['offsetMs'];
  if (offsetMs === undefined) return 0;
  requireNonNegative(offsetMs, `${field}.offsetMs`);
  return offsetMs;
}

/** Mean of max(0, N(mu, sigma)), the clamped normal that `sample` draws from. */
function truncatedNormalMean(mu: number, sigma: number): number {
  if (sigma === 0) return Math.max(0, mu);
  const z = mu / sigma;
  return mu * normalCdf(z) + sigma * Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
}

function normalCdf(z: number): number {
  // Abramowitz & Stegun 7.1.26 via erf; accurate to about 1e-7, enough for a reported mean.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
