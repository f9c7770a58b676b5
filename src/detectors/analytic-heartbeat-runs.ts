// Internal to analyticQoS: products over runs of consecutive heartbeats under an exponential
// delay, at a cost that does not depend on the length of the run.
//
// Heartbeats are η apart, so a run's ages form an arithmetic sequence. Each factor tends to a
// limit geometrically fast in the age (the delay's tail is exp(−age/mean)), so only the factors
// within TAIL_EXPONENT means of the transition are multiplied one by one; on either side the
// product has a closed form: a power (or an exp of an arithmetic sum) times exp of a geometric
// sum of the remaining corrections log1p(z) ≈ z, z <= e^−TAIL_EXPONENT (the neglected z²/2 is
// below 1e−24 per factor).

/** Past this many mean delays from its transition, a factor is within e^−28 ≈ 6.9e−13 of its limit. */
const TAIL_EXPONENT = 28;

/**
 * The heartbeat stream: period η, independent loss p_L, exponential delay with mean m (its
 * offset, if any, is applied by the caller by shifting ages).
 *
 * @example
 * ```ts
 * const stream: HeartbeatStream = { intervalMs: 100, lossProbability: 0.05, meanMs: 20 };
 * ```
 */
export interface HeartbeatStream {
  intervalMs: number;
  lossProbability: number;
  meanMs: number;
}

/**
 * At most this many factors does {@link notArrivedRun} multiply one by one for a run of at most
 * `count` heartbeats: those with an age within TAIL_EXPONENT means of the crossover (plus
 * rounding), and none with no loss.
 *
 * @example
 * ```ts
 * notArrivedExplicitBound(0.05, 0.2, Infinity); // 2·28·0.2 + 2 = 13.2
 * ```
 */
export function notArrivedExplicitBound(lossProbability: number, meanRatio: number, count: number): number {
  return lossProbability === 0 ? 0 : Math.min(count, 2 * TAIL_EXPONENT * meanRatio + 2);
}

/**
 * At most this many factors does {@link staleRun} multiply one by one, whatever the count.
 *
 * @example
 * ```ts
 * staleExplicitBound(0.2); // 28·0.2 + 2 = 7.6
 * ```
 */
export function staleExplicitBound(meanRatio: number): number {
  return TAIL_EXPONENT * meanRatio + 2;
}

/**
 * `Π_{i<count} q(a_i)`, `a_i = firstAgeMs + iη`, `q(a) = p + (1 − p)·e^{−a/m}`: the probability
 * that none of `count` consecutive heartbeats, the youngest sent `firstAgeMs` ago, has arrived.
 * `count` may be huge or `Infinity`.
 *
 * With the crossover `a* = m·ln((1 − p)/p)` (where a loss and a late arrival are equally likely),
 * `q(a) = (1 − p)e^{−a/m}·(1 + e^{(a − a*)/m}) = p·(1 + e^{−(a − a*)/m})`: the first form is used
 * for ages more than TAIL_EXPONENT means below `a*`, the second above, one by one in between.
 *
 * @example
 * ```ts
 * notArrivedRun({ intervalMs: 100, lossProbability: 0.1, meanMs: 20 }, 0, 1e9); // 1 · q(100) · 0.1^(1e9 − 2) ≈ 0
 * ```
 */
export function notArrivedRun(stream: HeartbeatStream, firstAgeMs: number, count: number): number {
  const { intervalMs, lossProbability: p, meanMs } = stream;
  if (!(count > 0)) return 1;
  if (p === 0) return noLossRun(stream, firstAgeMs, count);
  const crossoverMs = meanMs * (Math.log1p(-p) - Math.log(p));
  const middleStart = firstIndexFrom(crossoverMs - TAIL_EXPONENT * meanMs, firstAgeMs, intervalMs, count);
  const upperStart = Math.max(middleStart, firstIndexFrom(crossoverMs + TAIL_EXPONENT * meanMs, firstAgeMs, intervalMs, count));
  const lower = lowerRun(stream, crossoverMs, firstAgeMs, middleStart);
  const product = lower * affineTailProduct(stream, p, 1 - p, firstAgeMs + middleStart * intervalMs, upperStart - middleStart);
  const upperCount = count - upperStart;
  if (!(upperCount > 0) || product === 0) return product;
  // Σ log1p(e^{−(a − a*)/m}) over the upper ages ≈ a geometric sum from the first of them.
  const firstExcess = (firstAgeMs + upperStart * intervalMs - crossoverMs) / meanMs;
  return product * p ** upperCount * Math.exp(Math.exp(-firstExcess) * geometricFactor(stream, upperCount));
}

/**
 * `Π_{i<count} (1 − κ·e^{−ε_i/m})`, `ε_i = firstExcessMs + iη`, `κ = (1 − p)(1 − e^{−T/m})`:
 * the probability that none of `count` heartbeats sent more than T before the end of a window
 * (ε_i past T) arrives within it. `count` may be `Infinity`.
 *
 * @example
 * ```ts
 * staleRun({ intervalMs: 100, lossProbability: 0.1, meanMs: 20 }, 250, 10, Infinity); // ≈ 1 − 0.9·e^{−0.5}
 * ```
 */
export function staleRun(stream: HeartbeatStream, timeoutMs: number, firstExcessMs: number, count: number): number {
  const { intervalMs, lossProbability: p, meanMs } = stream;
  if (!(count > 0)) return 1;
  const reach = (1 - p) * -Math.expm1(-timeoutMs / meanMs);
  // Factors with κe^{−ε/m} < e^−TAIL_EXPONENT, from ε = m·(ln κ + TAIL_EXPONENT) on, go into the geometric sum.
  const tailStart = firstIndexFrom(meanMs * (Math.log(reach) + TAIL_EXPONENT), firstExcessMs, intervalMs, count);
  const product = affineTailProduct(stream, 1, -reach, firstExcessMs, tailStart);
  const tailCount = count - tailStart;
  if (!(tailCount > 0) || product === 0) return product;
  const firstTerm = reach * Math.exp(-(firstExcessMs + tailStart * intervalMs) / meanMs);
  return product * Math.exp(-firstTerm * geometricFactor(stream, tailCount));
}

/** Math.exp is recomputed every this many factors, and between times advanced by e^{−η/m}. */
const ANCHOR_EVERY = 16;

/**
 * `Π_{i<count} (constant + slope·e^{−(firstMs + iη)/m})`, one by one. A multiplication by
 * `e^{−η/m}` costs a fraction of a Math.exp; re-anchoring keeps each exponential within
 * 2·ANCHOR_EVERY rounding errors (< 4e−15, relative).
 */
function affineTailProduct({ intervalMs, meanMs }: HeartbeatStream, constant: number, slope: number, firstMs: number, count: number): number {
  const ratio = Math.exp(-intervalMs / meanMs);
  let product = 1;
  let tail = 0;
  for (let index = 0; index < count && product > 0; index++) {
    tail = index % ANCHOR_EVERY === 0 ? Math.exp(-(firstMs + index * intervalMs) / meanMs) : tail * ratio;
    product *= constant + slope * tail;
  }
  return product;
}

/** With no loss every factor is e^{−a/m}: the product is e^{−Σa/m}, an arithmetic sum. */
function noLossRun({ intervalMs, meanMs }: HeartbeatStream, firstAgeMs: number, count: number): number {
  if (count === Infinity) return 0;
  return Math.exp(-(count * firstAgeMs + (intervalMs * count * (count - 1)) / 2) / meanMs);
}

/**
 * The first `count` ages, all more than TAIL_EXPONENT means below the crossover:
 * `Π (1 − p)e^{−a/m}·(1 + e^{(a − a*)/m})`.
 */
function lowerRun(stream: HeartbeatStream, crossoverMs: number, firstAgeMs: number, count: number): number {
  if (!(count > 0)) return 1;
  const { intervalMs, lossProbability: p, meanMs } = stream;
  const lastAgeMs = firstAgeMs + (count - 1) * intervalMs;
  // The corrections grow with the age: sum them down from the last (largest) one.
  const corrections = Math.exp((lastAgeMs - crossoverMs) / meanMs) * geometricFactor(stream, count);
  const exponent = count * Math.log1p(-p) - (count * firstAgeMs + (intervalMs * count * (count - 1)) / 2) / meanMs + corrections;
  return Math.exp(exponent);
}

/** `Σ_{i<count} e^{−iη/m} = (1 − e^{−count·η/m}) / (1 − e^{−η/m})`, accurate when η/m is small. */
function geometricFactor({ intervalMs, meanMs }: HeartbeatStream, count: number): number {
  return Math.expm1((-count * intervalMs) / meanMs) / Math.expm1(-intervalMs / meanMs);
}

/** The first index `i` in `[0, count]` with `firstMs + iη >= thresholdMs`. */
function firstIndexFrom(thresholdMs: number, firstMs: number, intervalMs: number, count: number): number {
  if (!(thresholdMs > firstMs)) return 0;
  // At least 1 even when the quotient underflows to 0 (denormal durations).
  return Math.min(count, Math.max(1, Math.ceil((thresholdMs - firstMs) / intervalMs)));
}
