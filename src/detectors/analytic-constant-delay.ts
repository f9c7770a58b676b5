import { splitPeriods, type SteadyState } from './analytic-steady-state.js';

// Internal to analyticQoS: closed forms when every heartbeat takes exactly `delayMs`. A heartbeat
// then either arrives at a known instant or is lost, so the probability of being suspected is
// p_L to the number of heartbeats that "should" have arrived, and that number only changes at
// two phases per period. No integration and no loop: the cost does not depend on the ratios of
// the durations.

/**
 * NFD-S with a constant delay `c`. At `τ_i + x` the heartbeats that have had time to arrive are
 * the `m_{i+j}` with `jη <= δ − c + x`; with `δ − c = Nη + d` there are `N + 1` of them for
 * `x < η − d` and `N + 2` after.
 *
 * @example
 * ```ts
 * nfdSConstantDelay(100, 60, 10, 0.1); // suspectedFraction 0.5·0.1 + 0.5·0.01, sTransitionProbability 0.09
 * ```
 */
export function nfdSConstantDelay(intervalMs: number, shiftMs: number, delayMs: number, lossProbability: number): SteadyState {
  const { periods, remainderMs } = splitPeriods(shiftMs - delayMs, intervalMs);
  const early = lossProbability ** Math.max(0, periods + 1);
  const late = lossProbability ** Math.max(0, periods + 2);
  const lateShare = remainderMs / intervalMs;
  // An S-transition at τ_i needs m_{i−1} to have arrived before τ_i (else already suspected).
  const previousArrived = delayMs < shiftMs + intervalMs ? 1 - lossProbability : 0;
  const sTransitionProbability = previousArrived * early;
  return {
    suspectedFraction: (1 - lateShare) * early + lateShare * late,
    mistakeRatePerMs: sTransitionProbability / intervalMs,
    sTransitionProbability,
  };
}

/**
 * A fixed timeout T with a constant delay `c`. At phase `x` after the latest send, the process is
 * suspected iff every heartbeat whose age `x + jη` lies in `[c, c + T]` was lost; with
 * `c = Cη + γ` and `T = Kη + e` that count is `K + 1 + floor((γ − x)/η + e/η) − [x < γ]`, which
 * only changes at `x = γ` and `x = (γ + e) mod η`. A mistake starts T after an arrival iff the
 * next `K` heartbeats (those sent within T of it) are all lost.
 *
 * @example
 * ```ts
 * fixedTimeoutConstantDelay(100, 250, 10, 0.1); // mistakeRatePerMs (0.9 / 100) · 0.1²
 * ```
 */
export function fixedTimeoutConstantDelay(intervalMs: number, timeoutMs: number, delayMs: number, lossProbability: number): SteadyState {
  const gamma = splitPeriods(delayMs, intervalMs).remainderMs;
  const { periods: timeoutPeriods, remainderMs: e } = splitPeriods(timeoutMs, intervalMs);
  // (γ + e) mod η without forming γ + e, which overflows when η is near the largest double.
  const zeta = e < intervalMs - gamma ? gamma + e : e - (intervalMs - gamma);
  const cuts = [0, Math.min(gamma, zeta), Math.max(gamma, zeta), intervalMs];
  let suspectedFraction = 0;
  for (let piece = 0; piece + 1 < cuts.length; piece++) {
    const from = cuts[piece]!;
    const to = cuts[piece + 1]!;
    if (!(to > from)) continue;
    const x = from + (to - from) / 2;
    const counted = timeoutPeriods + 1 + Math.floor((gamma - x) / intervalMs + e / intervalMs) - (x < gamma ? 1 : 0);
    suspectedFraction += ((to - from) / intervalMs) * lossProbability ** Math.max(0, counted);
  }
  return {
    suspectedFraction,
    mistakeRatePerMs: ((1 - lossProbability) / intervalMs) * lossProbability ** timeoutPeriods,
  };
}
