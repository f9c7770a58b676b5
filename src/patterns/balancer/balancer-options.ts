import { InvalidArgumentError } from '../../errors.js';
import { Rng } from '../../kernel/rng.js';
import { orDefault, rejectUnknownKeys, requireInRange, requireObject, requireOneOf, requirePositive, requirePositiveInteger, requireString } from '../../validate.js';
import type { VerdictSource } from '../supervisor/verdicts.js';

/**
 * How a {@link LoadBalancer} chooses among the backends in rotation (up and not ejected):
 * - `round-robin`: smooth weighted round-robin (as nginx): each backend's share of picks is its
 *   weight's share, spread evenly; ties go to the backend listed first.
 * - `least-outstanding`: the fewest requests in flight per unit of weight; ties go to the first
 *   tied backend after the one picked last, in list order (so an idle pool still rotates).
 * - `power-of-two-choices`: two distinct backends drawn from the balancer's seeded stream, the
 *   less loaded (in-flight per weight) of the two; a tie goes to the first drawn.
 *
 * @example
 * ```ts
 * const policy: BalancingPolicy = 'power-of-two-choices';
 * ```
 */
export type BalancingPolicy = 'round-robin' | 'least-outstanding' | 'power-of-two-choices';

/**
 * One backend, with its weight.
 *
 * @example
 * ```ts
 * const backend: BackendOptions = { id: 'big', weight: 3 };
 * ```
 */
export interface BackendOptions {
  /** The backend's node id. */
  id: string;
  /** Its relative capacity, in (0, 1e6]. Default 1. */
  weight?: number;
}

/**
 * Outlier ejection (as Envoy's): a backend whose recent requests fail too often or are too slow
 * leaves the rotation for a while, even if its health checks pass. This catches gray failures
 * (a lossy link, an overloaded or slowed node) that a liveness ping misses.
 *
 * @example
 * ```ts
 * const outliers: OutlierDetectionOptions = { windowSize: 20, minRequests: 10, maxErrorRate: 0.3, maxMeanLatencyMs: 50, ejectionMs: 2_000 };
 * ```
 */
export interface OutlierDetectionOptions {
  /** Requests per backend the verdict is taken over: the latest so many (integer in [1, 10,000]). Default 20. */
  windowSize?: number;
  /** Requests in the window before any verdict (integer in [1, windowSize]). Default 10. */
  minRequests?: number;
  /** Eject when the window's error rate is at least this, in (0, 1]. Default 0.5. */
  maxErrorRate?: number;
  /** Eject when the window's mean latency exceeds this, in ms (> 0). Default: latency is not judged. */
  maxMeanLatencyMs?: number;
  /** First ejection's length, in ms (> 0); the n-th in a row lasts n times as long. Default 5,000. */
  ejectionMs?: number;
  /** Longest ejection, in ms (>= ejectionMs). Default 10 × ejectionMs. */
  maxEjectionMs?: number;
  /** At most this fraction of the backends is ejected at once (rounded down), in [0, 1]; backends leaving after `removeBackend` are not counted. Default 0.5. */
  maxEjectedFraction?: number;
}

/**
 * Options of a {@link LoadBalancer}.
 *
 * @example
 * ```ts
 * const options: LoadBalancerOptions = {
 *   backends: ['b1', 'b2', { id: 'b3', weight: 2 }], policy: 'least-outstanding',
 *   verdicts: health, outlierDetection: { maxErrorRate: 0.3 },
 * };
 * ```
 */
export interface LoadBalancerOptions {
  /** The backends, by id or with a weight (at least one; ids distinct). */
  backends: Array<string | BackendOptions>;
  /** How to choose. Default `round-robin`. */
  policy?: BalancingPolicy;
  /** The seeded stream `power-of-two-choices` draws from, e.g. `sim.rng('balancer:lb')`. Required for that policy only. */
  rng?: Rng;
  /** Health checks or a detector watch whose verdicts take backends out of rotation and back. */
  verdicts?: VerdictSource;
  /** Eject backends whose recent requests fail or are slow. Default: no ejection. */
  outlierDetection?: OutlierDetectionOptions;
}

/** Outlier detection with defaults filled in. */
export type ResolvedOutlierDetection = Required<Omit<OutlierDetectionOptions, 'maxMeanLatencyMs'>> & { maxMeanLatencyMs: number };

/** Options with defaults filled in. */
export interface ResolvedBalancerOptions {
  backends: Array<{ id: string; weight: number }>;
  policy: BalancingPolicy;
  rng: Rng | undefined;
  verdicts: unknown;
  outlierDetection: ResolvedOutlierDetection | undefined;
}

export const BALANCER_KEYS = ['backends', 'policy', 'rng', 'verdicts', 'outlierDetection'];
const OUTLIER_KEYS = ['windowSize', 'minRequests', 'maxErrorRate', 'maxMeanLatencyMs', 'ejectionMs', 'maxEjectionMs', 'maxEjectedFraction'];
const POLICIES: readonly BalancingPolicy[] = ['round-robin', 'least-outstanding', 'power-of-two-choices'];
/** Backends one balancer holds at most. */
export const MAX_BACKENDS = 10_000;
const MAX_WINDOW = 10_000;
const MAX_WEIGHT = 1e6;

/** Validates a balancer's options (all but the verdict source, which needs the simulation). */
export function resolveBalancerOptions(options: unknown, extraKeys: readonly string[] = []): ResolvedBalancerOptions {
  requireObject(options, 'options');
  rejectUnknownKeys(options, 'options', [...BALANCER_KEYS, ...extraKeys]);
  const backends = readBackends(options['backends']);
  const policy = orDefault(options['policy'], 'round-robin');
  requireOneOf(policy, 'options.policy', POLICIES);
  const rng = options['rng'];
  if (rng !== undefined && !(rng instanceof Rng)) throw new InvalidArgumentError('options.rng', rng, 'an Rng (a named seeded stream: sim.rng(name))');
  if (policy === 'power-of-two-choices' && rng === undefined) throw new InvalidArgumentError('options.rng', rng, "an Rng (sim.rng(name)): 'power-of-two-choices' draws from it");
  const outliers = options['outlierDetection'];
  return { backends, policy, rng: rng as Rng | undefined, verdicts: options['verdicts'], outlierDetection: outliers === undefined ? undefined : readOutlierDetection(outliers) };
}

function readBackends(value: unknown): Array<{ id: string; weight: number }> {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_BACKENDS) {
    throw new InvalidArgumentError('options.backends', value, `a non-empty array of at most ${MAX_BACKENDS} backends`);
  }
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const field = `options.backends[${index}]`;
    const backend = readBackend(entry, field);
    if (seen.has(backend.id)) throw new InvalidArgumentError(`${field}.id`, backend.id, 'an id no other backend has');
    seen.add(backend.id);
    return backend;
  });
}

/** Validates one backend, given by id or with a weight. */
export function readBackend(entry: unknown, field: string): { id: string; weight: number } {
  const backend = typeof entry === 'string' ? { id: entry } : entry;
  requireObject(backend, field);
  rejectUnknownKeys(backend, field, ['id', 'weight']);
  requireString(backend['id'], `${field}.id`);
  const weight = orDefault(backend['weight'], 1);
  requirePositive(weight, `${field}.weight`);
  if (weight > MAX_WEIGHT) throw new InvalidArgumentError(`${field}.weight`, weight, `a finite number in (0, ${MAX_WEIGHT}]`);
  return { id: backend['id'], weight };
}

function readOutlierDetection(value: unknown): ResolvedOutlierDetection {
  const field = 'options.outlierDetection';
  requireObject(value, field);
  rejectUnknownKeys(value, field, OUTLIER_KEYS);
  const windowSize = orDefault(value['windowSize'], 20);
  requirePositiveInteger(windowSize, `${field}.windowSize`, MAX_WINDOW);
  const minRequests = orDefault(value['minRequests'], Math.min(10, windowSize));
  requirePositiveInteger(minRequests, `${field}.minRequests`, MAX_WINDOW);
  if (minRequests > windowSize) throw new InvalidArgumentError(`${field}.minRequests`, minRequests, `at most windowSize (${windowSize})`);
  const maxErrorRate = orDefault(value['maxErrorRate'], 0.5);
  requirePositive(maxErrorRate, `${field}.maxErrorRate`);
  if (maxErrorRate > 1) throw new InvalidArgumentError(`${field}.maxErrorRate`, maxErrorRate, 'a rate in (0, 1]');
  const maxMeanLatencyMs = orDefault(value['maxMeanLatencyMs'], Infinity);
  if (maxMeanLatencyMs !== Infinity) requirePositive(maxMeanLatencyMs, `${field}.maxMeanLatencyMs`);
  const ejectionMs = orDefault(value['ejectionMs'], 5_000);
  requirePositive(ejectionMs, `${field}.ejectionMs`);
  const maxEjectionMs = orDefault(value['maxEjectionMs'], 10 * ejectionMs);
  requirePositive(maxEjectionMs, `${field}.maxEjectionMs`);
  if (maxEjectionMs < ejectionMs) throw new InvalidArgumentError(`${field}.maxEjectionMs`, maxEjectionMs, `at least ejectionMs (${ejectionMs})`);
  const maxEjectedFraction = orDefault(value['maxEjectedFraction'], 0.5);
  requireInRange(maxEjectedFraction, `${field}.maxEjectedFraction`, 0, 1);
  return { windowSize, minRequests, maxErrorRate, maxMeanLatencyMs, ejectionMs, maxEjectionMs, maxEjectedFraction };
}
