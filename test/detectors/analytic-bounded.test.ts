import { describe, expect, it } from 'vitest';
import { analyticQoS } from '../../src/detectors/analytic.js';
import { ANALYTIC_WORK_BUDGET } from '../../src/detectors/analytic-options.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { catchError, expectInvalidArgument } from './expect-invalid.js';

// Inputs whose work used to grow with T/η, δ/η or m/η without bound (a fixed timeout of 1e9 ms
// at a 100 ms period ran past 30 s and 2 GB). Each now returns at once, checked against values
// derived by hand, or is refused up front with an InvalidArgumentError.

// Bounded work shows as these inputs finishing at all: before, they ran past 30 s and 2 GB, and
// the suite's test timeout stops a runaway. How fast they finish is measured in bench/, not here.

function expectRelative(actual: number, expected: number, relative: number, label: string): void {
  expect(Math.abs(actual - expected) / Math.abs(expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(relative);
}

// p = 1 − 2^−23 makes p^(1e7) ≈ e^−1.19: far from 0 and 1, so the count of heartbeats matters.
const NEAR_ONE = 1 - 2 ** -23;
/** p^n computed independently of Math.pow. */
const power = (p: number, n: number): number => Math.exp(n * Math.log1p(-(1 - p)));

describe('analyticQoS: a fixed timeout of 1e9 ms at a 100 ms period', () => {
  it('constant delay: every phase needs the 1e7 heartbeats of the window lost', () => {
    const qos = analyticQoS({ detector: 'fixed-timeout', intervalMs: 100, timeoutMs: 1e9, lossProbability: NEAR_ONE, delay: { kind: 'constant', ms: 10 } });
    // Ages x + 100j in [10, 1e9 + 10]: j = 1..1e7 for x < 10, j = 0..1e7 − 1 for x > 10.
    const suspected = power(NEAR_ONE, 1e7);
    expectRelative(1 - qos.queryAccuracyProbability, suspected, 1e-9, '1 − P_A');
    // A mistake starts 1e9 after an arrival iff the next 1e7 heartbeats are all lost.
    expectRelative(qos.mistakeRatePerSec, 1_000 * ((1 - NEAR_ONE) / 100) * suspected, 1e-9, 'λ_M');
    // ... and lasts until the next heartbeat gets through: a geometric number of periods.
    expectRelative(qos.meanMistakeDurationMs, 100 / (1 - NEAR_ONE), 1e-9, 'E(T_M)');
    expect(qos.detectionTimeBoundMs).toBe(1e9 + 10);
  });

  it('exponential delay with p_L = 0.05: never a mistake (0.05^1e7 is 0)', () => {
    const qos = analyticQoS({ detector: 'fixed-timeout', intervalMs: 100, timeoutMs: 1e9, lossProbability: 0.05, delay: { kind: 'exponential', meanMs: 20 } });
    expect(qos.queryAccuracyProbability).toBe(1);
    expect(qos.mistakeRatePerSec).toBe(0);
    expect(qos.meanMistakeRecurrenceMs).toBe(Infinity);
    expect(qos.meanMistakeDurationMs).toBe(0);
  });

  it('T/η = 1e24 (the extremes of the accepted ranges) is answered at once, not NaN', () => {
    const qos = analyticQoS({ detector: 'fixed-timeout', intervalMs: 1e-9, timeoutMs: 1e15, lossProbability: 0.5, delay: { kind: 'exponential', meanMs: 1e-9 } });
    expect(qos.queryAccuracyProbability).toBe(1);
    expect(qos.mistakeRatePerSec).toBe(0);
  });

  it('durations past 1e15 ms (the longest delay the simulator draws) and periods under 1e-9 ms are refused', () => {
    const options = { detector: 'fixed-timeout', intervalMs: 100, timeoutMs: 250, lossProbability: 0.5, delay: { kind: 'constant', ms: 10 } } as const;
    expectInvalidArgument(() => analyticQoS({ ...options, timeoutMs: 1e300 }), 'timeoutMs');
    expect(() => analyticQoS({ ...options, timeoutMs: 1e300 })).toThrow('timeoutMs must be a duration in (0, 1000000000000000] ms; got 1e+300');
    expectInvalidArgument(() => analyticQoS({ ...options, intervalMs: 5e-324 }), 'intervalMs');
    expectInvalidArgument(() => analyticQoS({ ...options, delay: { kind: 'constant', ms: 2e15 } }), 'delay.ms');
    expect(() => analyticQoS({ ...options, timeoutMs: 1e15, intervalMs: 1e-9 })).not.toThrow();
  });
});

describe('analyticQoS: NFD-S with δ = 1,000 ms at a period of about 1 µs', () => {
  it('constant delay, η = 2^−10 ms: δ − c is 1,013,760 periods exactly', () => {
    const eta = 2 ** -10;
    const p = 1 - 2 ** -20;
    const qos = analyticQoS({ detector: 'nfd-s', intervalMs: eta, shiftMs: 1_000, lossProbability: p, delay: { kind: 'constant', ms: 10 } });
    // At τ_i + x the heartbeats m_{i+j} with jη <= 990 + x have had time: 1,013,761 of them.
    const suspected = power(p, 1_013_761);
    expectRelative(1 - qos.queryAccuracyProbability, suspected, 1e-9, '1 − P_A');
    expectRelative(qos.sTransitionProbability!, (1 - p) * suspected, 1e-9, 'p_S');
    expectRelative(qos.meanMistakeDurationMs, eta / (1 - p), 1e-9, 'E(T_M)');
    expect(qos.detectionTimeBoundMs).toBe(1_000 + eta);
  });

  it('constant delay, η = 0.001 ms (not a binary fraction): the same within one period', () => {
    const p = 1 - 2 ** -20;
    const qos = analyticQoS({ detector: 'nfd-s', intervalMs: 0.001, shiftMs: 1_000, lossProbability: p, delay: { kind: 'constant', ms: 10 } });
    // 990,001 heartbeats, give or take the rounding of 990 / 0.001 (a factor p = 1 − 1e−6).
    expectRelative(1 - qos.queryAccuracyProbability, power(p, 990_001), 2e-6, '1 − P_A');
  });

  it('exponential delay at the default steps: refused, naming the mean and the largest accepted', () => {
    const options = { detector: 'nfd-s', intervalMs: 0.001, shiftMs: 1_000, lossProbability: 0.5, delay: { kind: 'exponential', meanMs: 20 } } as const;
    expectInvalidArgument(() => analyticQoS(options), 'delay.meanMs');
    const error = catchError(() => analyticQoS(options)) as InvalidArgumentError;
    expect(error.value).toBe(20);
    expect(error.expected).toMatch(/^at most [0-9.e-]+ ms .*intervalMs 0\.001.*steps 2000/);
    expect(error.expected).toContain(String(ANALYTIC_WORK_BUDGET));
    // The largest mean it names is accepted (and the next one up is not).
    const largest = Number(/^at most ([0-9.e-]+) ms/.exec(error.expected)![1]);
    expect(analyticQoS({ ...options, delay: { kind: 'exponential', meanMs: largest } }).queryAccuracyProbability).toBe(1);
    expect(() => analyticQoS({ ...options, delay: { kind: 'exponential', meanMs: largest * 1.01 } })).toThrow(InvalidArgumentError);
  });
});

describe('analyticQoS: steps', () => {
  it('are capped at 1,000,000 for every detector and delay', () => {
    const options = { detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.05, delay: { kind: 'constant', ms: 10 } } as const;
    expectInvalidArgument(() => analyticQoS({ ...options, steps: 1_000_002 }), 'steps');
    expect(() => analyticQoS({ ...options, steps: 1_000_000 })).not.toThrow();
  });

  it('are refused when the work for an exponential delay would pass the bound even for a tiny mean', () => {
    const options = { detector: 'fixed-timeout', intervalMs: 100, timeoutMs: 250, lossProbability: 0.05, delay: { kind: 'exponential', meanMs: 20 }, steps: 1_000_000 } as const;
    const error = catchError(() => analyticQoS(options)) as InvalidArgumentError;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.field).toBe('steps');
    expect(error.expected).toMatch(/^at most \d+ for this fixed-timeout analysis/);
  });
});
