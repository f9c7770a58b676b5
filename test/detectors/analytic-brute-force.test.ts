import { describe, expect, it } from 'vitest';
import { analyticQoS, type AnalyticQoS, type AnalyticQoSOptions } from '../../src/detectors/analytic.js';
import { fc, prop } from '../kernel/prop.js';

// analyticQoS against a brute force written straight from the definitions in its TSDoc: every
// product runs over every heartbeat one by one (no closed form, no truncation but a 60-mean
// tail), and the shifted exponential uses its own CDF (not the shift moved into δ). Its cost grows
// with δ/η, T/η and m/η, so it is only run at scales where that is cheap.

interface Law {
  /** P(D < y). */
  below(y: number): number;
  /** P(D > y), computed as such (not 1 − P(D <= y), which cancels to 0 in the tail). */
  above(y: number): number;
  /** Past this, P(D > y) is 0 to double precision. */
  maxMs: number;
}

function lawOf(delay: AnalyticQoSOptions['delay']): Law {
  if (delay.kind === 'constant') return { below: (y) => (y > delay.ms ? 1 : 0), above: (y) => (y < delay.ms ? 1 : 0), maxMs: delay.ms };
  const offsetMs = delay.offsetMs ?? 0;
  const above = (y: number): number => (y <= offsetMs ? 1 : Math.exp(-(y - offsetMs) / delay.meanMs));
  return { below: (y) => 1 - above(y), above, maxMs: offsetMs + 60 * delay.meanMs };
}

/**
 * The probability that a heartbeat is lost or does not arrive within [low, high] (or (low, high]):
 * `p + (1 − p)·P(D outside)`, written so that a tiny p or a tiny P(D outside) is not lost.
 */
function missed(law: Law, lossProbability: number, low: number, high: number, lowInclusive: boolean): number {
  if (high < 0) return 1;
  const early = low < 0 ? 0 : lowInclusive ? law.below(low) : 1 - law.above(low);
  const outside = Math.min(1, early + law.above(high));
  return lossProbability + (1 - lossProbability) * outside;
}

/**
 * Composite Simpson (`steps` per piece) on pieces between the breakpoints, each cut further to at
 * most `maxPieceMs` so that a feature as narrow as the mean delay is resolved; evaluated just
 * inside the ends of each piece so that a jump takes this piece's value.
 */
function simpson(f: (x: number) => number, from: number, to: number, breaks: number[], maxPieceMs: number, steps = 64): number {
  const points = [from, ...breaks.filter((point) => point > from && point < to).sort((a, b) => a - b), to];
  let total = 0;
  for (let piece = 0; piece + 1 < points.length; piece++) {
    const cuts = Math.ceil((points[piece + 1]! - points[piece]!) / maxPieceMs);
    for (let cut = 0; cut < cuts; cut++) {
      const a = points[piece]! + ((points[piece + 1]! - points[piece]!) * cut) / cuts;
      const b = cut + 1 === cuts ? points[piece + 1]! : points[piece]! + ((points[piece + 1]! - points[piece]!) * (cut + 1)) / cuts;
      if (!(b > a)) continue;
      const h = (b - a) / steps;
      let sum = f(a + (b - a) * 1e-12) + f(b - (b - a) * 1e-12);
      for (let step = 1; step < steps; step++) sum += (step % 2 === 1 ? 4 : 2) * f(a + step * h);
      total += (sum * h) / 3;
    }
  }
  return total;
}

/** Phases x in [0, η) with `x − base + jη` equal to a target for some j. */
function phasesHitting(targets: number[], intervalMs: number, base: number): number[] {
  return targets.map((target) => ((((target - base) % intervalMs) + intervalMs) % intervalMs));
}

/** Pieces no longer than a quarter of the mean delay (the whole period for a constant delay). */
function resolution(options: AnalyticQoSOptions): number {
  return options.delay.kind === 'constant' ? options.intervalMs : Math.min(options.intervalMs, options.delay.meanMs / 4);
}

function bruteNfdS(options: AnalyticQoSOptions, stepsPerPiece = 64): AnalyticQoS {
  const { intervalMs: eta, shiftMs: delta = NaN, lossProbability: p, delay } = options;
  const law = lawOf(delay);
  const suspectedAt = (x: number): number => {
    let product = 1;
    for (let j = 0; delta + x - j * eta >= 0; j++) product *= missed(law, p, 0, delta + x - j * eta, true);
    return product;
  };
  const kinks = [0, delay.kind === 'constant' ? delay.ms : (delay.offsetMs ?? 0)];
  // x where δ + x − jη = target: x = target − δ + jη.
  const suspected = simpson(suspectedAt, 0, eta, phasesHitting(kinks, eta, delta), resolution(options), stepsPerPiece);
  const pS = (1 - p) * law.below(delta + eta) * suspectedAt(0);
  return summary(suspected / eta, pS / eta, delta + eta);
}

function bruteFixedTimeout(options: AnalyticQoSOptions): AnalyticQoS {
  const { intervalMs: eta, timeoutMs: timeout = NaN, lossProbability: p, delay } = options;
  const law = lawOf(delay);
  const suspectedAt = (x: number): number => {
    let product = 1;
    for (let j = 0; x + j * eta - timeout <= law.maxMs; j++) product *= missed(law, p, x + j * eta - timeout, x + j * eta, true);
    return product;
  };
  const start = delay.kind === 'constant' ? delay.ms : (delay.offsetMs ?? 0);
  const suspected = simpson(suspectedAt, 0, eta, phasesHitting([0, timeout, start, start + timeout], eta, 0), resolution(options));
  // A mistake starts T after heartbeat 0 arrives (delay a) iff no other arrives in (a, a + T].
  const alone = (a: number): number => {
    let product = 1;
    for (let k = Math.floor(-(law.maxMs + timeout) / eta) - 1; k * eta <= a + timeout; k++) {
      if (k !== 0) product *= missed(law, p, a - k * eta, a + timeout - k * eta, false);
    }
    return product;
  };
  let expectedAlone: number;
  if (delay.kind === 'constant') expectedAlone = alone(delay.ms);
  else {
    const offsetMs = delay.offsetMs ?? 0;
    const density = (a: number): number => Math.exp(-(a - offsetMs) / delay.meanMs) / delay.meanMs;
    // Kinks of alone(a) where an age crosses T or the offset: a = offset + kη (and + T).
    const kinks: number[] = [];
    for (let k = 0; k * eta <= law.maxMs; k++) kinks.push(offsetMs + k * eta, offsetMs + k * eta - (timeout % eta));
    expectedAlone = simpson((a) => density(a) * alone(a), offsetMs, law.maxMs, kinks, resolution(options));
  }
  const detection = delay.kind === 'constant' ? timeout + delay.ms : Infinity;
  return summary(suspected / eta, ((1 - p) / eta) * expectedAlone, detection);
}

function summary(suspectedFraction: number, ratePerMs: number, detectionTimeBoundMs: number): AnalyticQoS {
  return {
    meanMistakeRecurrenceMs: ratePerMs > 0 ? 1 / ratePerMs : Infinity,
    meanMistakeDurationMs: ratePerMs > 0 ? suspectedFraction / ratePerMs : 0,
    mistakeRatePerSec: 1_000 * ratePerMs,
    queryAccuracyProbability: 1 - suspectedFraction,
    detectionTimeBoundMs,
  };
}

function brute(options: AnalyticQoSOptions): AnalyticQoS {
  return options.detector === 'nfd-s' ? bruteNfdS(options) : bruteFixedTimeout(options);
}

/** Relative agreement, with P_A compared through 1 − P_A (the part that carries information). */
function expectClose(actual: AnalyticQoS, expected: AnalyticQoS, relative: number, label: string): void {
  const pairs: Array<[string, number, number]> = [
    ['mistake rate', actual.mistakeRatePerSec, expected.mistakeRatePerSec],
    ['1 − P_A', 1 - actual.queryAccuracyProbability, 1 - expected.queryAccuracyProbability],
    ['E(T_M)', actual.meanMistakeDurationMs, expected.meanMistakeDurationMs],
  ];
  for (const [name, a, b] of pairs) {
    const scale = Math.max(Math.abs(a), Math.abs(b));
    expect(scale === 0 ? 0 : Math.abs(a - b) / scale, `${label}: ${name} ${a} vs ${b}`).toBeLessThanOrEqual(relative);
  }
  expect(actual.detectionTimeBoundMs, `${label}: T_D bound`).toBe(expected.detectionTimeBoundMs);
}

const delayArbitrary = (intervalMs: number): fc.Arbitrary<AnalyticQoSOptions['delay']> =>
  fc.oneof(
    fc.record({ kind: fc.constant('constant' as const), ms: fc.double({ min: 0, max: 5 * intervalMs, noNaN: true }) }),
    fc.record({
      kind: fc.constant('exponential' as const),
      meanMs: fc.double({ min: 0.05 * intervalMs, max: 3 * intervalMs, noNaN: true }),
      offsetMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5 * intervalMs, noNaN: true })),
    }),
  );

const moderateOptions: fc.Arbitrary<AnalyticQoSOptions> = fc.double({ min: 1, max: 200, noNaN: true }).chain((intervalMs) =>
  fc.record({
    detector: fc.constantFrom('nfd-s' as const, 'fixed-timeout' as const),
    intervalMs: fc.constant(intervalMs),
    shiftMs: fc.double({ min: 0.05 * intervalMs, max: 12 * intervalMs, noNaN: true }),
    timeoutMs: fc.double({ min: 0.05 * intervalMs, max: 12 * intervalMs, noNaN: true }),
    lossProbability: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 0.95, noNaN: true })),
    delay: delayArbitrary(intervalMs),
  }),
);

/**
 * How close analyticQoS at its default 2,000 steps comes to the (finer) brute force: the closed
 * forms of a constant delay are exact; with an exponential delay what is left is Simpson's error,
 * largest for the fixed timeout's integral over the delay, which has a kink every period.
 */
function tolerance(options: AnalyticQoSOptions): number {
  if (options.delay.kind === 'constant') return 1e-8;
  return options.detector === 'nfd-s' ? 1e-7 : 3e-5;
}

describe('analyticQoS agrees with the brute force at moderate scales', () => {
  prop([moderateOptions], { numRuns: 30, seed: 20261206 })('random detector, delay (with offset), loss and durations', (options) => {
    expectClose(analyticQoS(options), brute(options), tolerance(options), JSON.stringify(options));
  });
});

describe('a shifted exponential delay (offsetMs) against the brute force on its own CDF', () => {
  const base = { intervalMs: 100, lossProbability: 0.05, delay: { kind: 'exponential', meanMs: 20, offsetMs: 30 } } as const;
  for (const shiftMs of [90, 150, 20, 5]) {
    it(`NFD-S, δ = ${shiftMs} ms, delay 30 ms + Exp(20 ms)`, () => {
      const options = { ...base, detector: 'nfd-s', shiftMs } as const;
      const qos = analyticQoS(options);
      expectClose(qos, brute(options), 1e-7, `δ = ${shiftMs}`);
      // δ < offset: no heartbeat can be fresh at its freshness point, so P_A is at most 1 − (30 − δ)/η.
      if (shiftMs < 30) expect(qos.queryAccuracyProbability).toBeLessThanOrEqual(1 - (30 - shiftMs) / 100);
    });
  }
  for (const timeoutMs of [250, 120, 40]) {
    it(`fixed timeout, T = ${timeoutMs} ms, delay 30 ms + Exp(20 ms)`, () => {
      const options = { ...base, detector: 'fixed-timeout', timeoutMs, lossProbability: 0.1 } as const;
      expectClose(analyticQoS(options), brute(options), 3e-5, `T = ${timeoutMs}`);
    });
  }
});

describe('a loss probability so small that late arrivals dominate (p_L = 1e-15)', () => {
  // Below a* = m·ln((1 − p)/p) ≈ 690 ms a heartbeat is far likelier late than lost: the young
  // ones go through the closed form for that side.
  const base = { intervalMs: 100, lossProbability: 1e-15, delay: { kind: 'exponential', meanMs: 20 } } as const;
  it('NFD-S, δ = 150 ms', () => {
    const options = { ...base, detector: 'nfd-s', shiftMs: 150 } as const;
    expectClose(analyticQoS(options), brute(options), 1e-7, 'NFD-S');
  });
  it('fixed timeout, T = 250 ms', () => {
    const options = { ...base, detector: 'fixed-timeout', timeoutMs: 250 } as const;
    expectClose(analyticQoS(options), brute(options), 3e-5, 'fixed');
  });
});

describe('analyticQoS at scales that used to run away, against the brute force', () => {
  it('NFD-S, η = 0.001 ms, δ = 1,000 ms, exponential delay: with steps 2, over all 1e6 heartbeats one by one', () => {
    // p close to 1 keeps u(x) ≈ e^−9.8 away from 0 though a million heartbeats are in flight.
    const options: AnalyticQoSOptions = { detector: 'nfd-s', intervalMs: 0.001, shiftMs: 1_000, lossProbability: 1 - 1e-5, delay: { kind: 'exponential', meanMs: 20 }, steps: 2 };
    const qos = analyticQoS(options);
    expect(1 - qos.queryAccuracyProbability).toBeGreaterThan(1e-6);
    // Over one microsecond u(x) is all but constant: Simpson with 2 steps a piece is exact enough.
    const expected = bruteNfdS(options, 2);
    expectClose(qos, expected, 1e-9, 'η = 0.001');
  });

  it('fixed timeout T = 1e9 ms, η = 100 ms, exponential delay: each period of T past the delay tail multiplies by p_L', () => {
    // Past 3,000 ms (150 means) a heartbeat has arrived or is lost to double precision, so
    // lengthening T by k periods adds k factors p_L to every product (T stays a multiple of η).
    const p = 1 - 2 ** -23;
    const base = { detector: 'fixed-timeout', intervalMs: 100, lossProbability: p, delay: { kind: 'exponential', meanMs: 20 } } as const;
    const qos = analyticQoS({ ...base, timeoutMs: 1e9 });
    const short = brute({ ...base, timeoutMs: 3_000 });
    const extra = Math.exp(((1e9 - 3_000) / 100) * Math.log1p(-(2 ** -23)));
    expect(extra).toBeGreaterThan(0.2);
    expect(extra).toBeLessThan(0.5);
    const scaled: AnalyticQoS = {
      ...short,
      queryAccuracyProbability: 1 - (1 - short.queryAccuracyProbability) * extra,
      mistakeRatePerSec: short.mistakeRatePerSec * extra,
      meanMistakeRecurrenceMs: short.meanMistakeRecurrenceMs / extra,
    };
    expectClose(qos, scaled, 3e-5, 'T = 1e9');
  });
});
