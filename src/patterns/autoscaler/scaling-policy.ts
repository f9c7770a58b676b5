import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireFinite, requireNonNegative, requireObject, requirePositive } from '../../validate.js';
import { requireIntegerInRange } from '../client/option-checks.js';

/**
 * Options of a {@link ScalingPolicy}: target tracking with a tolerance, pool bounds, and one
 * cool-down per direction (as AWS target tracking and Kubernetes' HPA have them: scale out
 * quickly, scale in conservatively).
 *
 * @example
 * ```ts
 * const options: ScalingPolicyOptions = { targetValue: 4, minSize: 2, maxSize: 10, scaleOutCooldownMs: 1_000, scaleInCooldownMs: 10_000 };
 * ```
 */
export interface ScalingPolicyOptions {
  /** The metric's per-node value to hold the pool at (finite, > 0), e.g. 4 queued requests per node. */
  targetValue: number;
  /** Fewest nodes in the pool (integer in [1, 10,000]). */
  minSize: number;
  /** Most nodes in the pool (integer in [minSize, 10,000]). */
  maxSize: number;
  /** No change while the metric is within this fraction of the target, in [0, 1). Default 0.1 (Kubernetes' HPA). */
  tolerance?: number;
  /** After a scale-out, no other scale-out for this long, in ms (>= 0). Default 1,000. */
  scaleOutCooldownMs?: number;
  /** After a scale-in, no other scale-in for this long, in ms (>= 0). Default 5,000. */
  scaleInCooldownMs?: number;
  /**
   * Scale in only to the largest capacity wanted over this trailing window, in ms (>= 0), as
   * Kubernetes' HPA stabilises scale-down (its default is 5 minutes): a brief dip in load then
   * removes no node that the next burst would need. Default 0 (no window).
   */
  scaleInStabilizationMs?: number;
}

/**
 * What the policy is told at an evaluation: the metric (the pool's per-node value; NaN for no
 * data yet) and how many nodes serve, boot and are in the pool at all (crashed ones included).
 *
 * @example
 * ```ts
 * const reading: PoolReading = { metric: 9, serving: 3, provisioning: 0, members: 3 };
 * ```
 */
export interface PoolReading {
  /** The metric per serving node, >= 0; NaN when there is no data. */
  metric: number;
  /** Nodes up and serving. */
  serving: number;
  /** Nodes still booting (inside their provisioning delay). */
  provisioning: number;
  /** Every node of the pool: serving, provisioning, and crashed ones (>= serving + provisioning). */
  members: number;
}

/**
 * A scaling decision: `out` or `in` by `count` nodes, or `hold` with the reason.
 *
 * @example
 * ```ts
 * const decision: ScalingDecision = policy.decide(2_000, { metric: 9, serving: 3, provisioning: 0, members: 3 });
 * if (decision.action === 'out') launch(decision.count);
 * ```
 */
export interface ScalingDecision {
  /** What to do. */
  action: 'out' | 'in' | 'hold';
  /** Nodes to add or remove (0 for `hold`). */
  count: number;
  /** The capacity (serving + provisioning) target tracking asks for, within [minSize, maxSize]. */
  desired: number;
  /**
   * Why: `scaled`, or why not: `no data`, `within tolerance`, `on target` (capacity is what is
   * wanted), `at bound`, `cooling down`, `provisioning`, `stabilizing` (more was wanted within
   * `scaleInStabilizationMs`).
   */
  reason: 'scaled' | 'no data' | 'within tolerance' | 'on target' | 'at bound' | 'cooling down' | 'provisioning' | 'stabilizing';
}

/** A scaling policy's options with defaults filled in. */
export type ResolvedScalingPolicy = Required<ScalingPolicyOptions>;

export const SCALING_POLICY_KEYS = ['targetValue', 'minSize', 'maxSize', 'tolerance', 'scaleOutCooldownMs', 'scaleInCooldownMs', 'scaleInStabilizationMs'];
const MAX_POOL = 10_000;
/** Absorbs float error: 3 × 0.3 / 0.1 is 9.000000000000002 (9 nodes, not 10), and 11 / 10 - 1 is just over 0.1. */
const FLOAT_SLACK = 1e-9;

/** Validates a scaling policy's options, naming each field under `field`. */
export function resolveScalingPolicy(options: unknown, field: string, extraKeys: readonly string[] = []): ResolvedScalingPolicy {
  requireObject(options, field);
  rejectUnknownKeys(options, field, [...SCALING_POLICY_KEYS, ...extraKeys]);
  const targetValue = options['targetValue'];
  requirePositive(targetValue, `${field}.targetValue`);
  const minSize = options['minSize'];
  requireIntegerInRange(minSize, `${field}.minSize`, 1, MAX_POOL);
  const maxSize = options['maxSize'];
  requireIntegerInRange(maxSize, `${field}.maxSize`, minSize, MAX_POOL);
  const tolerance = orDefault(options['tolerance'], 0.1);
  requireFinite(tolerance, `${field}.tolerance`, 'a number in [0, 1)');
  if (tolerance < 0 || tolerance >= 1) throw new InvalidArgumentError(`${field}.tolerance`, tolerance, 'a number in [0, 1)');
  const scaleOutCooldownMs = orDefault(options['scaleOutCooldownMs'], 1_000);
  requireNonNegative(scaleOutCooldownMs, `${field}.scaleOutCooldownMs`);
  const scaleInCooldownMs = orDefault(options['scaleInCooldownMs'], 5_000);
  requireNonNegative(scaleInCooldownMs, `${field}.scaleInCooldownMs`);
  const scaleInStabilizationMs = orDefault(options['scaleInStabilizationMs'], 0);
  requireNonNegative(scaleInStabilizationMs, `${field}.scaleInStabilizationMs`);
  return { targetValue, minSize, maxSize, tolerance, scaleOutCooldownMs, scaleInCooldownMs, scaleInStabilizationMs };
}

/**
 * An autoscaler's decision, as a pure state machine over time. Target tracking, as Kubernetes'
 * HPA computes it: the capacity wanted is `ceil(serving × metric / targetValue)`, clamped to
 * [minSize, maxSize], and nothing changes while `metric / targetValue` is within `tolerance` of 1.
 * Nodes still booting count as capacity already on its way (as AWS counts capacity a scale-out
 * added), so a slow boot does not cause a second launch for the same load. A scale-out or
 * scale-in waits out its own direction's cool-down (a scale-out is not held back by a recent
 * scale-in, nor the other way round), and no scale-in happens while nodes boot: the metric does
 * not yet show what they will take. The pool (`members`) never leaves [minSize, maxSize] by a
 * decision of the policy.
 *
 * @example
 * ```ts
 * const policy = new ScalingPolicy({ targetValue: 5, minSize: 1, maxSize: 10, scaleOutCooldownMs: 1_000 });
 * policy.decide(0, { metric: 15, serving: 2, provisioning: 0, members: 2 });   // out 4: ceil(2 × 15 / 5) = 6
 * policy.decide(500, { metric: 20, serving: 2, provisioning: 4, members: 6 }); // hold: 8 wanted, but cooling down
 * policy.decide(900, { metric: 5.2, serving: 6, provisioning: 0, members: 6 }); // hold: within tolerance
 * ```
 */
export class ScalingPolicy {
  /** The options with defaults filled in. */
  readonly options: Readonly<Required<ScalingPolicyOptions>>;
  private lastOutMs = -Infinity;
  private lastInMs = -Infinity;
  /** Capacity wanted at recent evaluations within the stabilisation window, oldest (and largest) first. */
  private readonly recentWanted: Array<{ timeMs: number; desired: number }> = [];

  constructor(options: ScalingPolicyOptions) {
    this.options = resolveScalingPolicy(options, 'options');
  }

  /** Decides at `nowMs` on `reading`; a decision to scale starts that direction's cool-down. */
  decide(nowMs: number, reading: PoolReading): ScalingDecision {
    requireFinite(nowMs, 'nowMs');
    const { serving, provisioning, members } = readPoolReading(reading);
    const { minSize, maxSize } = this.options;
    const capacity = serving + provisioning;
    const wanted = this.wantedCapacity(reading.metric, serving, capacity);
    if (wanted === undefined) {
      // No data: only the bounds speak (a pool below its minimum is topped up).
      if (members >= minSize) return hold(capacity, 'no data');
      return this.scaleOut(nowMs, minSize - members, capacity + minSize - members);
    }
    const desired = Math.min(maxSize, Math.max(minSize, wanted.capacity));
    const stable = this.stabilized(nowMs, desired);
    if (desired > capacity) return this.scaleOut(nowMs, Math.min(desired - capacity, maxSize - members), desired);
    if (desired < capacity) {
      if (provisioning > 0) return hold(desired, 'provisioning');
      if (stable >= capacity) return hold(desired, 'stabilizing');
      return this.scaleIn(nowMs, Math.min(capacity - stable, members - minSize, serving), stable);
    }
    if (members < minSize) return this.scaleOut(nowMs, minSize - members, desired + minSize - members);
    return hold(desired, wanted.withinTolerance ? 'within tolerance' : wanted.capacity === desired ? 'on target' : 'at bound');
  }

  /** The most capacity wanted within the stabilisation window up to now, this evaluation included. */
  private stabilized(nowMs: number, desired: number): number {
    const windowMs = this.options.scaleInStabilizationMs;
    if (windowMs === 0) return desired;
    // A monotonic queue: an entry no larger than a later one can never be the maximum again, so
    // the wanted capacities kept fall from oldest to newest, at most maxSize of them.
    const recent = this.recentWanted;
    while (recent.length > 0 && recent[recent.length - 1]!.desired <= desired) recent.pop();
    recent.push({ timeMs: nowMs, desired });
    while (recent[0]!.timeMs < nowMs - windowMs) recent.shift();
    return recent[0]!.desired;
  }

  private wantedCapacity(metric: number, serving: number, capacity: number): { capacity: number; withinTolerance: boolean } | undefined {
    if (Number.isNaN(metric) || serving === 0) return undefined;
    requireNonNegative(metric, 'reading.metric');
    const ratio = metric / this.options.targetValue;
    if (Math.abs(ratio - 1) <= this.options.tolerance + FLOAT_SLACK) return { capacity, withinTolerance: true };
    return { capacity: Math.ceil(serving * ratio - FLOAT_SLACK), withinTolerance: false };
  }

  private scaleOut(nowMs: number, count: number, desired: number): ScalingDecision {
    if (count <= 0) return hold(desired, 'at bound');
    if (nowMs < this.lastOutMs + this.options.scaleOutCooldownMs) return hold(desired, 'cooling down');
    this.lastOutMs = nowMs;
    return { action: 'out', count, desired, reason: 'scaled' };
  }

  private scaleIn(nowMs: number, count: number, desired: number): ScalingDecision {
    if (count <= 0) return hold(desired, 'at bound');
    if (nowMs < this.lastInMs + this.options.scaleInCooldownMs) return hold(desired, 'cooling down');
    this.lastInMs = nowMs;
    return { action: 'in', count, desired, reason: 'scaled' };
  }
}

function hold(desired: number, reason: ScalingDecision['reason']): ScalingDecision {
  return { action: 'hold', count: 0, desired, reason };
}

function readPoolReading(reading: unknown): PoolReading {
  requireObject(reading, 'reading');
  rejectUnknownKeys(reading, 'reading', ['metric', 'serving', 'provisioning', 'members']);
  if (typeof reading['metric'] !== 'number') throw new InvalidArgumentError('reading.metric', reading['metric'], 'a number >= 0, or NaN for no data');
  requireIntegerInRange(reading['serving'], 'reading.serving', 0, MAX_POOL * 2);
  requireIntegerInRange(reading['provisioning'], 'reading.provisioning', 0, MAX_POOL * 2);
  requireIntegerInRange(reading['members'], 'reading.members', reading['serving'] + reading['provisioning'], MAX_POOL * 2);
  return reading as unknown as PoolReading;
}
