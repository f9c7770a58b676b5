// Internal to analyticQoS: what each delay model's analysis yields, and the period arithmetic
// the models share.

/**
 * A detector's steady state under one delay model, before it is turned into the public metrics.
 *
 * @example
 * ```ts
 * const state: SteadyState = { suspectedFraction: 0.055, mistakeRatePerMs: 0.0009, sTransitionProbability: 0.09 };
 * ```
 */
export interface SteadyState {
  /** 1 − P_A: the fraction of (up) time the process is suspected. */
  suspectedFraction: number;
  /** λ_S = 1 / E(T_MR), per ms; 0 if mistakes never happen. */
  mistakeRatePerMs: number;
  /** NFD-S only: p_S, the probability of an S-transition at a given freshness point. */
  sTransitionProbability?: number;
}

/**
 * `valueMs = periods · periodMs + remainderMs` with `remainderMs` in `[0, periodMs)`. The remainder
 * comes from `%`, which is exact, so it stays right when the quotient is far past 2^53 (there
 * `periods` is rounded, which only matters as an exponent of a probability below 1).
 *
 * @example
 * ```ts
 * splitPeriods(-5, 100); // { periods: -1, remainderMs: 95 }
 * ```
 */
export function splitPeriods(valueMs: number, periodMs: number): { periods: number; remainderMs: number } {
  let remainderMs = valueMs % periodMs;
  if (remainderMs < 0) remainderMs += periodMs;
  // A remainder of -tiny rounds up to a whole period: that is a multiple, remainder 0.
  if (remainderMs >= periodMs) remainderMs = 0;
  const periods = Math.round((valueMs - remainderMs) / periodMs);
  return { periods: periods === 0 ? 0 : periods, remainderMs };
}
