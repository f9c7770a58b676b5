// phi as a function of the standardised delay y = (timeDiff - mean) / stdDeviation:
// phi(y) = -log10(1 - F(y)), F the standard normal CDF or Akka's logistic approximation of it.
// Both are evaluated in log space, so neither overflows nor cancels in the tail. Internal to the
// detectors; PhiAccrualDetector.phi is the public entry point.

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const LN_SQRT_PI = 0.5 * Math.log(Math.PI);
/** Terms of the continued fraction of erfc: enough for a relative error below 1e-13 at x >= 2. */
const CONTINUED_FRACTION_TERMS = 40;

/**
 * Akka's logistic approximation (akka.remote.PhiAccrualFailureDetector.phi): with
 * `a = y * (1.5976 + 0.070566 * y * y)` and `e = exp(-a)`, Akka computes `-log10(e / (1 + e))`
 * above the mean and `-log10(1 - 1 / (1 + e))` at or below it. Both equal `log10(1 + exp(a))`,
 * computed here as softplus(a) / ln 10, which agrees with Akka to rounding but stays finite where
 * Akka's `exp` underflows and its phi becomes Infinity (a > 745, i.e. y > 21.3).
 */
export function logisticPhi(y: number): number {
  const a = y * (1.5976 + 0.070566 * y * y);
  return (a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a))) / Math.LN10;
}

/**
 * The exact normal tail: `-log10(Q(y))` with `Q(y) = erfc(y / sqrt 2) / 2`. Above the mean the log
 * of the tail is computed directly (never `1 - CDF`, which cancels to 0 near y = 8.3); below it,
 * `-log10(1 - Q(|y|))` uses log1p. Relative error of Q below 1e-13 for every y.
 */
export function exactPhi(y: number): number {
  if (y >= 0) return -(logErfc(y * Math.SQRT1_2) - Math.LN2) / Math.LN10;
  return -Math.log1p(-0.5 * Math.exp(logErfc(-y * Math.SQRT1_2))) / Math.LN10;
}

/** ln(erfc(x)) for x >= 0 (NaN for NaN); never underflows. */
function logErfc(x: number): number {
  if (x < 2) return Math.log1p(-erf(x));
  // erfc(x) = exp(-x²) / sqrt(pi) / (x + (1/2) / (x + (2/2) / (x + (3/2) / (x + ...)))), evaluated backwards.
  let fraction = x;
  for (let k = CONTINUED_FRACTION_TERMS; k >= 1; k--) fraction = x + k / 2 / fraction;
  return -x * x - LN_SQRT_PI - Math.log(fraction);
}

/** erf(x) for 0 <= x < 2 from a series of positive terms (no cancellation). */
function erf(x: number): number {
  // erf(x) = 2 / sqrt(pi) * exp(-x²) * sum over n of x * (2x²)^n / (1 * 3 * ... * (2n + 1))
  const twoXSquared = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 100 && term > sum * 1e-17; n++) {
    term *= twoXSquared / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}
