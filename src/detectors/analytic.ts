import type { ConstantDistribution, ExponentialDistribution } from '../kernel/distribution.js';
import { fixedTimeoutConstantDelay, nfdSConstantDelay } from './analytic-constant-delay.js';
import { fixedTimeoutExponentialDelay, nfdSExponentialDelay } from './analytic-exponential-delay.js';
import { readAnalyticOptions } from './analytic-options.js';
import type { SteadyState } from './analytic-steady-state.js';

/**
 * The one-way delay of every heartbeat, i.i.d.: a constant, or exponential with the given mean
 * plus an optional `offsetMs` (as the simulator's distributions take it).
 *
 * @example
 * ```ts
 * const delay: AnalyticDelay = { kind: 'exponential', meanMs: 20, offsetMs: 30 };
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
  /** η, the heartbeat period, ms in [1e-9, 1e15]. */
  intervalMs: number;
  /** δ, NFD-S's shift of each freshness point past its heartbeat's send time, ms in (0, 1e15]. Validated if given to the fixed timeout, which does not use it. */
  shiftMs?: number;
  /** The fixed timeout T, ms in (0, 1e15]. Validated if given to NFD-S, which does not use it. */
  timeoutMs?: number;
  /** p_L, the independent probability that a heartbeat is lost, in [0, 1). */
  lossProbability: number;
  /** The delay distribution D; durations in it (ms, meanMs, offsetMs) at most 1e15 ms. */
  delay: AnalyticDelay;
  /** Simpson steps per integration interval for an exponential delay: even, in [2, 1,000,000]. Default 2,000. */
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
 * **Shifted exponential** `D = o + Exp(m)`: for NFD-S, `m_{i+j}` has had `δ + x − jη` to arrive,
 * so everything above holds with δ replaced by `δ − o` in `u` and `p_S` (the freshness points,
 * and so the bound `T_D <= δ + η`, do not move). For the fixed timeout every arrival is late by
 * the same o: the trust process is shifted in time and its steady state does not change.
 *
 * **Cost.** A constant delay has closed forms (the suspected probability is p_L to the number of
 * heartbeats that should have arrived, which changes at two phases per period): no integration,
 * and a cost independent of T/η, δ/η and the steps. For an exponential delay the products over
 * heartbeats cost O(1 + m/η) each whatever T/η or δ/η (each factor tends to its limit
 * geometrically fast, so only those within 28 means of the transition are multiplied one by one;
 * the rest is a power and a geometric sum), and `u` is integrated with composite Simpson's rule,
 * split at its kinks: about `steps · (1 + min(m/η, δ/η or T/η))` factors in all. That count is
 * bounded before anything is computed, at 5e7 (about half a second).
 *
 * **Rejected**, with an `InvalidArgumentError` naming the field, the value and the accepted
 * range: an options object with an unknown key (in it or in `delay`), `null` for any option
 * (`undefined` is absent), a detector or delay kind it does not know, a period outside
 * [1e-9, 1e15] ms or another duration outside (0, 1e15] ms (`delay.ms` and `delay.offsetMs` may
 * be 0; 1e15 ms is the simulator's longest delay, `MAX_DRAW_MS`), p_L outside [0, 1), steps
 * outside the even integers in [2, 1,000,000], and an exponential delay whose work would pass the
 * bound: the error names `delay.meanMs` and the largest mean accepted with this period and these
 * steps (or `steps`, when even a tiny mean would pass it). For NFD-S, when the mean spans many
 * periods the integrands are smooth and a few steps (`steps: 2` upward) give the same answer; the
 * fixed timeout's expectation over the delay needs its steps (at `steps: 2` its E(T_MR) is off by
 * about half), so lower them only for NFD-S.
 *
 * @example
 * ```ts
 * analyticQoS({ detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.1, delay: { kind: 'constant', ms: 10 } });
 * // u(0) = q(60) = 0.1, p_S = 0.9 · 0.1 = 0.09, E(T_MR) ≈ 1111 ms, E(T_M) = 0.1·50/0.09 ≈ 55.6 ms
 * ```
 */
export function analyticQoS(options: AnalyticQoSOptions): AnalyticQoS {
  const { detector, intervalMs, deadlineMs, lossProbability, delay, steps } = readAnalyticOptions(options);
  if (detector === 'nfd-s') {
    const state = delay.kind === 'constant'
      ? nfdSConstantDelay(intervalMs, deadlineMs, delay.ms, lossProbability)
      : nfdSExponentialDelay({ intervalMs, lossProbability, meanMs: delay.meanMs }, deadlineMs, delay.offsetMs ?? 0, steps);
    return toQoS(state, deadlineMs + intervalMs);
  }
  if (delay.kind === 'constant') return toQoS(fixedTimeoutConstantDelay(intervalMs, deadlineMs, delay.ms, lossProbability), deadlineMs + delay.ms);
  // The offset of a shifted exponential delays every arrival alike: the steady state ignores it.
  return toQoS(fixedTimeoutExponentialDelay({ intervalMs, lossProbability, meanMs: delay.meanMs }, deadlineMs, steps), Infinity);
}

function toQoS(state: SteadyState, detectionTimeBoundMs: number): AnalyticQoS {
  const rate = state.mistakeRatePerMs;
  // Simpson's weights of an integrand ≡ 1 can sum to 1 + 2^−52.
  const suspectedFraction = Math.min(1, state.suspectedFraction);
  const qos: AnalyticQoS = {
    meanMistakeRecurrenceMs: rate > 0 ? 1 / rate : Infinity,
    meanMistakeDurationMs: rate > 0 ? suspectedFraction / rate : 0,
    mistakeRatePerSec: 1_000 * rate,
    queryAccuracyProbability: 1 - suspectedFraction,
    detectionTimeBoundMs,
  };
  if (state.sTransitionProbability !== undefined) qos.sTransitionProbability = state.sTransitionProbability;
  return qos;
}
