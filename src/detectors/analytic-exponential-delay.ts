import { notArrivedExplicitBound, notArrivedRun, staleExplicitBound, staleRun, type HeartbeatStream } from './analytic-heartbeat-runs.js';
import { splitPeriods, type SteadyState } from './analytic-steady-state.js';

// Internal to analyticQoS: NFD-S and the fixed timeout under an exponential delay (mean m, offset
// o). The probability of being suspected at each phase of a period is a product over heartbeats,
// each run of which costs O(1 + m/η) (see analytic-heartbeat-runs.ts), integrated with Simpson's
// rule; the work is therefore about steps × (1 + m/η), and `exponentialWork` bounds it before
// anything is computed.

/** The fixed timeout's integral over the delay runs to this many means (P(D > 40m) ≈ 4e−18). */
const DELAY_TAIL_MEANS = 40;

/** The Simpson pieces per period of the probability of being suspected (split at its one kink). */
const PERIOD_PIECES = 2;
/** Fixed cost per run of heartbeats, counted like one factor each for its closed forms. */
const RUN_OVERHEAD = 4;

/**
 * What the work of an exponential-delay analysis depends on besides m/η.
 *
 * @example
 * ```ts
 * const shape: WorkShape = { detector: 'nfd-s', lossProbability: 0.05, steps: 2_000, freshCount: 2 };
 * ```
 */
export interface WorkShape {
  detector: 'nfd-s' | 'fixed-timeout';
  lossProbability: number;
  steps: number;
  /** At least the most heartbeats in one run of {@link notArrivedRun}: `⌊(δ − o)/η⌋ + 2` for NFD-S, `⌊T/η⌋ + 2` for the fixed timeout. */
  freshCount: number;
}

/**
 * An upper bound on the factors `analyticQoS` multiplies for an exponential delay whose mean is
 * `meanRatio` periods: arithmetic on the loop bounds, not a timing. Nondecreasing in `meanRatio`
 * and affine in `steps`.
 *
 * @example
 * ```ts
 * exponentialWork({ detector: 'nfd-s', lossProbability: 0.05, steps: 2_000, freshCount: 2 }, 20 / 100); // ≈ 4e4
 * ```
 */
export function exponentialWork({ detector, lossProbability, steps, freshCount }: WorkShape, meanRatio: number): number {
  const notArrived = notArrivedExplicitBound(lossProbability, meanRatio, freshCount) + RUN_OVERHEAD;
  const stale = staleExplicitBound(meanRatio) + RUN_OVERHEAD;
  const periodNodes = PERIOD_PIECES * (steps + 1) + 1;
  if (detector === 'nfd-s') return periodNodes * notArrived;
  // Fixed timeout: at each phase one run of fresh heartbeats and one of stale ones; at each delay
  // node of the mistake rate's integral one fresh run and two stale ones.
  const delayNodes = 4 * steps + 1;
  return periodNodes * (notArrived + stale) + delayNodes * (notArrived + 2 * stale);
}

/**
 * NFD-S with delay `o + Exp(m)`. Heartbeat `m_{i+j}` has had `δ + x − jη` to arrive at `τ_i + x`,
 * so with `δ' = δ − o` the suspected probability is the offset-free `u(x)` at shift δ':
 * `Π_{j >= 0, δ'+x−jη >= 0} q(δ' + x − jη)`, and `p_S = (1 − p)·P(Exp(m) < δ' + η)·u(0)`.
 *
 * @example
 * ```ts
 * nfdSExponentialDelay({ intervalMs: 100, lossProbability: 0.05, meanMs: 20 }, 60, 0, 2_000).suspectedFraction; // ≈ 0.0394
 * ```
 */
export function nfdSExponentialDelay(stream: HeartbeatStream, shiftMs: number, offsetMs: number, steps: number): SteadyState {
  const { intervalMs, lossProbability, meanMs } = stream;
  const { periods, remainderMs } = splitPeriods(shiftMs - offsetMs, intervalMs);
  const suspectedAt = (x: number): number => {
    // The youngest heartbeat already sent is `age` old; `older` more were sent before it.
    const wraps = remainderMs + x >= intervalMs;
    const age = wraps ? remainderMs + x - intervalMs : remainderMs + x;
    const older = wraps ? periods + 1 : periods;
    return notArrivedRun(stream, age, older + 1);
  };
  // The kink where a new heartbeat's age crosses 0.
  const suspectedFraction = simpsonMean(suspectedAt, 0, intervalMs, [intervalMs - remainderMs], steps);
  const reachMs = shiftMs - offsetMs + intervalMs;
  const previousArrivedInTime = reachMs > 0 ? -Math.expm1(-reachMs / meanMs) : 0;
  const sTransitionProbability = (1 - lossProbability) * previousArrivedInTime * suspectedAt(0);
  return { suspectedFraction, mistakeRatePerMs: sTransitionProbability / intervalMs, sTransitionProbability };
}

/**
 * The fixed timeout T with delay `o + Exp(m)`. The offset delays every arrival by the same o, so
 * the trust process is the offset-free one shifted in time, with the same steady state: o is not
 * used. At phase `x` the heartbeats of age `a = x + jη <= T` have not arrived with probability
 * `q(a)`, the older ones (excess `a − T`) have not arrived within the window with probability
 * `1 − (1 − p)(e^{−(a−T)/m} − e^{−a/m})`. The mistake rate is `((1 − p)/η)·E_D[alone(D)]`, with
 * `alone(a)` the same product over every other heartbeat for the window `(a, a + T]`.
 *
 * @example
 * ```ts
 * fixedTimeoutExponentialDelay({ intervalMs: 100, lossProbability: 0.1, meanMs: 20 }, 250, 2_000).mistakeRatePerMs; // ≈ 1e-4
 * ```
 */
export function fixedTimeoutExponentialDelay(stream: HeartbeatStream, timeoutMs: number, steps: number): SteadyState {
  const { intervalMs, lossProbability, meanMs } = stream;
  const timeout = splitPeriods(timeoutMs, intervalMs);
  const suspectedAt = (x: number): number => {
    const fresh = x <= timeout.remainderMs ? timeout.periods + 1 : timeout.periods;
    const firstExcessMs = x <= timeout.remainderMs ? x - timeout.remainderMs + intervalMs : x - timeout.remainderMs;
    return notArrivedRun(stream, x, fresh) * staleRun(stream, timeoutMs, firstExcessMs, Infinity);
  };
  // The kink where an age crosses T.
  const suspectedFraction = simpsonMean(suspectedAt, 0, intervalMs, [timeout.remainderMs], steps);
  const alone = (delayMs: number): number => {
    // Heartbeat k ≠ 0 is `a + T − kη` old at the window's end. Those sent after the arrival of
    // heartbeat 0 (kη > a) are fresh; the others are stale, ε = a − kη past T, except k = 0.
    const { periods: before, remainderMs: alpha } = splitPeriods(delayMs, intervalMs);
    const wraps = alpha >= intervalMs - timeout.remainderMs;
    const youngestAgeMs = wraps ? alpha - (intervalMs - timeout.remainderMs) : alpha + timeout.remainderMs;
    const fresh = notArrivedRun(stream, youngestAgeMs, timeout.periods + (wraps ? 1 : 0));
    return fresh * staleRun(stream, timeoutMs, alpha, before) * staleRun(stream, timeoutMs, delayMs + intervalMs, Infinity);
  };
  // E over D = m·s, s ~ Exp(1): the density in s keeps a tiny mean from overflowing 1/m.
  const expectedAlone = DELAY_TAIL_MEANS * simpsonMean((s) => Math.exp(-s) * alone(meanMs * s), 0, DELAY_TAIL_MEANS, [], 4 * steps);
  return {
    suspectedFraction,
    mistakeRatePerMs: ((1 - lossProbability) / intervalMs) * expectedAlone,
  };
}

/**
 * `(1/(to − from)) ∫_from^to f`, composite Simpson on each piece between the breakpoints inside
 * (from, to); a mean rather than an integral so that nothing overflows for huge intervals.
 */
function simpsonMean(f: (x: number) => number, from: number, to: number, breaks: readonly number[], steps: number): number {
  const points = [from, ...breaks.filter((point) => point > from && point < to).sort((a, b) => a - b), to];
  let mean = 0;
  for (let piece = 0; piece + 1 < points.length; piece++) {
    const a = points[piece]!;
    const b = points[piece + 1]!;
    if (b - a <= 0) continue;
    // Evaluate just inside the ends so a jump at a breakpoint takes the value of this piece.
    const epsilon = (b - a) * 1e-12;
    const h = (b - a) / steps;
    let sum = f(a + epsilon) + f(b - epsilon);
    for (let step = 1; step < steps; step++) sum += (step % 2 === 1 ? 4 : 2) * f(a + step * h);
    mean += (sum / (3 * steps)) * ((b - a) / (to - from));
  }
  return mean;
}
