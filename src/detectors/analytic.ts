import { InvalidArgumentError } from '../errors.js';
import type { ConstantDistribution, ExponentialDistribution } from '../kernel/distribution.js';
import { rejectUnknownKeys, requireObject, requirePositive, requireProbability } from '../validate.js';

/**
 * The one-way delay of every heartbeat, i.i.d.: a constant, or exponential with the given mean.
 *
 * @example
 * ```ts
 * const delay: AnalyticDelay = { kind: 'exponential', meanMs: 20 };
 * ```
 */
export type AnalyticDelay = ConstantDistribution | ExponentialDistribution;

/**
 * Options of {@link analyticQoS}.
 *
 * @example
 * ```ts
 * const options: AnalyticQoSOptions = {
 *   detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.05,
 *   delay: { kind: 'exponential', meanMs: 20 },
 * };
 * ```
 */
export interface AnalyticQoSOptions {
  /** `nfd-s` (Chen et al.'s detector, synchronised clocks) or `fixed-timeout` (suspect after `timeoutMs` of silence). */
  detector: 'nfd-s' | 'fixed-timeout';
  /** η, the heartbeat period, ms > 0. */
  intervalMs: number;
  /** δ, NFD-S's shift of each freshness point past its heartbeat's send time, ms > 0. */
  shiftMs?: number;
  /** The fixed timeout T, ms > 0. */
  timeoutMs?: number;
  /** p_L, the independent probability that a heartbeat is lost, in [0, 1). */
  lossProbability: number;
  /** The delay distribution D. */
  delay: AnalyticDelay;
  /** Simpson steps per integration interval (even, >= 2). Default 2,000. */
  steps?: number;
}

/**
 * The steady-state QoS a detector's analysis predicts.
 *
 * @example
 * ```ts
 * const { meanMistakeRecurrenceMs, meanMistakeDurationMs, queryAccuracyProbability } = analyticQoS(options);
 * ```
 */
export interface AnalyticQoS {
  /** E(T_MR), ms; `Infinity` if mistakes never happen. */
  meanMistakeRecurrenceMs: number;
  /** E(T_M), ms; 0 if mistakes never happen. */
  meanMistakeDurationMs: number;
  /** λ_M = 1 / E(T_MR), per second. */
  mistakeRatePerSec: number;
  /** P_A, the probability that a query at a random time finds the (up) process trusted. */
  queryAccuracyProbability: number;
  /** Upper bound on T_D; `Infinity` if the delay is unbounded and the detector's deadline follows arrivals. */
  detectionTimeBoundMs: number;
  /** For NFD-S, p_S: the probability of an S-transition at a given freshness point. */
  sTransitionProbability?: number;
}

/**
 * The QoS of NFD-S or of a fixed timeout under independent heartbeat loss and i.i.d. delays, from
 * the analysis of Chen, Toueg & Aguilera, "On the Quality of Service of Failure Detectors", IEEE
 * Transactions on Computers 51(5), 2002 (NFD-S, their Theorem 5), re-derived here from first
 * principles (the paper's text was not at hand to quote) and extended the same way to the fixed
 * timeout. Heartbeat `m_i` is sent at `σ_i = i·η`, lost with probability p_L, otherwise delayed
 * by `D` with `F(y) = P(D <= y)`; a heartbeat counts as received at the instant it arrives.
 *
 * **NFD-S** (freshness points `τ_i = σ_i + δ`; at `t ∈ [τ_i, τ_{i+1})` trusted iff some `m_j`,
 * `j >= i`, has arrived). At `t = τ_i + x`, `x ∈ [0, η)`, heartbeat `m_{i+j}` has been in flight
 * `δ + x − jη`; it has not arrived with probability
 * `q(δ + x − jη)`, `q(y) = p_L + (1 − p_L)·P(D > y)` (1 for y < 0). Independence gives
 *
 * - `u(x) = Π_{j>=0} q(δ + x − jη)`: the probability of being suspected at `τ_i + x`
 *   (finitely many factors differ from 1: those with `jη <= δ + x`);
 * - an S-transition can only happen at a freshness point; one happens at `τ_i` iff no `m_j`,
 *   `j >= i`, has arrived by `τ_i` (probability `u(0)`) and `m_{i−1}` arrived before `τ_i`
 *   (otherwise the process was already suspected): `p_S = (1 − p_L)·P(D < δ + η)·u(0)`;
 * - one opportunity per η, so `E(T_MR) = η / p_S`;
 * - the fraction of time suspected is `(1/η)∫₀^η u(x) dx`, so `P_A = 1 − (1/η)∫₀^η u(x) dx`;
 * - by renewal-reward, time suspected per mistake: `E(T_M) = (1 − P_A)·E(T_MR) = ∫₀^η u(x) dx / p_S`;
 * - `T_D <= δ + η`: the last heartbeat sent before a crash at `c` is some `m_k`, `σ_k > c − η`, and
 *   the process is suspected from `τ_{k+1} = σ_k + η + δ <= c + η + δ`.
 *
 * **Fixed timeout T** (trusted iff some heartbeat arrived in `[t − T, t]`). At phase `x ∈ [0, η)`
 * after the latest send, heartbeat `j` periods older has age `a = x + jη` and arrived in the window
 * with probability `(1 − p_L)·P(a − T <= D <= a)`:
 *
 * - `u_T(x) = Π_{j>=0} (1 − (1 − p_L)·P(x + jη − T <= D <= x + jη))`, `P_A = 1 − (1/η)∫₀^η u_T(x) dx`;
 * - an S-transition happens `T` after an arrival at `A` iff no other heartbeat arrives in
 *   `(A, A + T]`. Taking the heartbeat sent at 0 (arrival density `(1 − p_L)·f(a)`), summed over
 *   one heartbeat per period: `λ_S = ((1 − p_L)/η)·E_D[Π_{k≠0} (1 − (1 − p_L)·P(a − kη < D <= a + T − kη))]`
 *   with `a = D`, and `E(T_MR) = 1/λ_S`, `E(T_M) = (1 − P_A)/λ_S`;
 * - `T_D <= T + max D` (`Infinity` for exponential delays).
 *
 * Integrals use composite Simpson's rule, split at the discontinuities of a constant delay.
 *
 * @example
 * ```ts
 * analyticQoS({ detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.1, delay: { kind: 'constant', ms: 10 } });
 * // u(0) = q(60) = 0.1, p_S = 0.9 · 0.1 = 0.09, E(T_MR) ≈ 1111 ms, E(T_M) = 0.1·50/0.09 ≈ 55.6 ms
 * ```
 */
export function analyticQoS(options: AnalyticQoSOptions): AnalyticQoS {
  requireObject(options, 'options');
  const { detector, intervalMs: eta, lossProbability: pL, delay } = options;
  requirePositive(eta, 'intervalMs');
  requireProbability(pL, 'lossProbability');
  if (pL >= 1) throw new InvalidArgumentError('lossProbability', pL, 'a probability below 1');
  const steps = options.steps ?? 2_000;
  if (!Number.isInteger(steps) || steps < 2 || steps % 2 !== 0) throw new InvalidArgumentError('steps', steps, 'an even integer >= 2');
  const model = delayModel(delay);

  if (detector === 'nfd-s') {
    const delta = options.shiftMs;
    requirePositive(delta, 'shiftMs');
    const q = (y: number): number => (y < 0 ? 1 : pL + (1 - pL) * model.above(y));
    const u = (x: number): number => {
      let product = 1;
      for (let j = 0; delta + x - j * eta >= 0; j++) product *= q(delta + x - j * eta);
      return product;
    };
    // Kinks where a heartbeat's age crosses 0, and jumps where it crosses a constant delay.
    const breaks: number[] = [];
    for (let j = 0; j * eta <= delta + eta + (model.constantMs ?? 0); j++) breaks.push(j * eta - delta, (model.constantMs ?? 0) - delta + j * eta);
    const suspected = integrate(u, 0, eta, breaks, steps);
    const pS = (1 - pL) * model.below(delta + eta) * u(0);
    const recurrence = pS > 0 ? eta / pS : Infinity;
    return {
      meanMistakeRecurrenceMs: recurrence,
      meanMistakeDurationMs: pS > 0 ? suspected / pS : 0,
      mistakeRatePerSec: 1_000 / recurrence,
      queryAccuracyProbability: 1 - suspected / eta,
      detectionTimeBoundMs: delta + eta,
      sTransitionProbability: pS,
    };
  }
  if (detector === 'fixed-timeout') {
    const timeout = options.timeoutMs;
    requirePositive(timeout, 'timeoutMs');
    const received = (low: number, high: number, lowInclusive: boolean): number => {
      // P(low <= D <= high) (or low < D <= high).
      if (high < 0) return 0;
      const upper = 1 - model.above(high);
      const lower = low < 0 ? 0 : lowInclusive ? model.below(low) : 1 - model.above(low);
      return Math.max(0, upper - lower);
    };
    const reach = model.tailMs + timeout + eta;
    const u = (x: number): number => {
      let product = 1;
      for (let j = 0; x + j * eta - timeout <= reach; j++) product *= 1 - (1 - pL) * received(x + j * eta - timeout, x + j * eta, true);
      return product;
    };
    // Kinks where an age crosses 0 or T, and jumps where it crosses a constant delay (plus T).
    const breaks: number[] = [];
    const shift = model.constantMs ?? 0;
    for (let j = -Math.ceil((timeout + shift) / eta) - 1; j * eta <= timeout + shift + eta; j++) {
      breaks.push(shift - j * eta, shift + timeout - j * eta, timeout - j * eta, -j * eta);
    }
    const suspected = integrate(u, 0, eta, breaks, steps);
    // E over the arrival delay a of heartbeat 0 of Π over other heartbeats k.
    const alone = (a: number): number => {
      let product = 1;
      const kMin = Math.floor(-(model.tailMs + timeout) / eta) - 1;
      for (let k = kMin; k * eta < a + timeout; k++) {
        if (k === 0) continue;
        product *= 1 - (1 - pL) * received(a - k * eta, a + timeout - k * eta, false);
      }
      return product;
    };
    const expected = model.constantMs !== undefined ? alone(model.constantMs) : integrate((a) => model.density(a) * alone(a), 0, model.tailMs, [], steps * 4);
    const rate = ((1 - pL) / eta) * expected;
    const recurrence = rate > 0 ? 1 / rate : Infinity;
    return {
      meanMistakeRecurrenceMs: recurrence,
      meanMistakeDurationMs: rate > 0 ? suspected / eta / rate : 0,
      mistakeRatePerSec: 1_000 * rate,
      queryAccuracyProbability: 1 - suspected / eta,
      detectionTimeBoundMs: model.constantMs === undefined ? Infinity : timeout + model.constantMs,
    };
  }
  throw new InvalidArgumentError('detector', detector, "'nfd-s' or 'fixed-timeout'");
}

interface DelayModel {
  /** P(D > y). */
  above(y: number): number;
  /** P(D < y). */
  below(y: number): number;
  /** Density (continuous models). */
  density(y: number): number;
  /** Beyond this, P(D > y) is negligible (< 1e-16). */
  tailMs: number;
  /** The constant delay, when constant. */
  constantMs: number | undefined;
}

function delayModel(delay: AnalyticDelay): DelayModel {
  requireObject(delay, 'delay');
  if (delay.kind === 'constant') {
    rejectUnknownKeys(delay as unknown as Record<string, unknown>, 'delay', ['kind', 'ms']);
    const ms = delay.ms;
    if (typeof ms !== 'number' || !(ms >= 0 && ms < Infinity)) throw new InvalidArgumentError('delay.ms', ms, 'a finite delay >= 0 in ms');
    return { above: (y) => (y < ms ? 1 : 0), below: (y) => (y > ms ? 1 : 0), density: () => 0, tailMs: ms, constantMs: ms };
  }
  if (delay.kind === 'exponential') {
    // The analysis has no offset: an offsetMs would be silently ignored, so it is refused.
    rejectUnknownKeys(delay as unknown as Record<string, unknown>, 'delay', ['kind', 'meanMs']);
    const mean = delay.meanMs;
    requirePositive(mean, 'delay.meanMs');
    return {
      above: (y) => (y < 0 ? 1 : Math.exp(-y / mean)),
      below: (y) => (y <= 0 ? 0 : 1 - Math.exp(-y / mean)),
      density: (y) => (y < 0 ? 0 : Math.exp(-y / mean) / mean),
      tailMs: 40 * mean,
      constantMs: undefined,
    };
  }
  throw new InvalidArgumentError('delay.kind', (delay as { kind: unknown }).kind, "'constant' or 'exponential'");
}

/** ∫_from^to f, composite Simpson on each piece between the breakpoints inside (from, to). */
function integrate(f: (x: number) => number, from: number, to: number, breaks: readonly number[], steps: number): number {
  const points = [from, ...breaks.filter((point) => point > from && point < to).sort((a, b) => a - b), to];
  let total = 0;
  for (let piece = 0; piece + 1 < points.length; piece++) {
    const a = points[piece]!;
    const b = points[piece + 1]!;
    if (b - a <= 0) continue;
    // Evaluate just inside the ends so a jump at a breakpoint takes the value of this piece.
    const epsilon = (b - a) * 1e-12;
    const h = (b - a) / steps;
    let sum = f(a + epsilon) + f(b - epsilon);
    for (let step = 1; step < steps; step++) sum += (step % 2 === 1 ? 4 : 2) * f(a + step * h);
    total += (sum * h) / 3;
  }
  return total;
}
