import { describe, expect, it } from 'vitest';
import { fc, prop } from '../kernel/prop.js';
import { InvalidArgumentError } from '../../src/errors.js';
import type { FailureDetector } from '../../src/detectors/failure-detector.js';
import { FixedTimeoutDetector } from '../../src/detectors/fixed-timeout.js';
import { PhiAccrualDetector } from '../../src/detectors/phi-accrual.js';
import { ExponentialAccrualDetector } from '../../src/detectors/exponential-accrual.js';

// Bad input and the suspicion contract, shared by FixedTimeoutDetector, PhiAccrualDetector and
// ExponentialAccrualDetector.

function expectInvalid(action: () => unknown, field: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `should throw InvalidArgumentError for ${field}`).toBeInstanceOf(InvalidArgumentError);
  const invalid = thrown as InvalidArgumentError;
  expect(invalid.code).toBe('INVALID_ARGUMENT');
  expect(invalid.field).toBe(field);
  expect(invalid.message).toContain(field);
}

interface Kind {
  name: string;
  create: (options?: unknown) => FailureDetector;
  valid: Record<string, unknown>;
  positive: string[];
  windows: string[];
}

const kinds: Kind[] = [
  { name: 'FixedTimeoutDetector', create: (o) => new FixedTimeoutDetector(o as never), valid: { timeoutMs: 100 }, positive: ['timeoutMs'], windows: [] },
  { name: 'PhiAccrualDetector', create: (o) => new PhiAccrualDetector(o as never), valid: {}, positive: ['threshold', 'minStdDeviationMs', 'firstHeartbeatEstimateMs'], windows: ['maxSampleSize'] },
  { name: 'ExponentialAccrualDetector', create: (o) => new ExponentialAccrualDetector(o as never), valid: {}, positive: ['threshold', 'maxIntervalMs', 'firstHeartbeatEstimateMs'], windows: ['maxSampleSize'] },
];

describe.each(kinds)('$name: bad input', ({ create, valid, positive, windows }) => {
  it('rejects options that are not an object', () => {
    for (const options of [null, 5, 'fast', [valid]]) expectInvalid(() => create(options), 'options');
  });

  it('rejects unknown option keys, naming them', () => {
    expectInvalid(() => create({ ...valid, threshhold: 8 }), 'threshhold');
    expectInvalid(() => create({ ...valid, timeout: 100 }), 'timeout');
  });

  it('rejects non-positive, NaN, infinite or non-number positive options', () => {
    for (const field of positive) {
      for (const value of [0, -1, -0, Number.NaN, Infinity, -Infinity, '8', null]) expectInvalid(() => create({ ...valid, [field]: value }), field);
    }
  });

  it('rejects windows of size 0, negative, non-integer or too large', () => {
    for (const field of windows) {
      for (const value of [0, -3, 1.5, Number.NaN, Infinity, 2 ** 20 + 1, '10']) expectInvalid(() => create({ ...valid, [field]: value }), field);
      expect(() => create({ ...valid, [field]: 1 })).not.toThrow();
      expect(() => create({ ...valid, [field]: 2 ** 20 })).not.toThrow();
    }
  });

  it('rejects NaN and infinite times in every method', () => {
    const detector = create(valid);
    for (const time of [Number.NaN, Infinity, -Infinity, '5', undefined]) {
      expectInvalid(() => detector.heartbeat(time as number), 'nowMs');
      expectInvalid(() => detector.suspicion(time as number), 'nowMs');
      expectInvalid(() => detector.isAvailable(time as number), 'nowMs');
    }
    detector.heartbeat(10);
    expectInvalid(() => detector.suspicion(Number.NaN), 'nowMs');
    expectInvalid(() => detector.isAvailable(Infinity), 'nowMs');
  });

  it('rejects a heartbeat that goes back in time, and keeps its state', () => {
    const detector = create(valid);
    detector.heartbeat(1_000);
    detector.heartbeat(1_000);
    const before = detector.suspicion(1_050);
    expectInvalid(() => detector.heartbeat(999), 'nowMs');
    expect(detector.suspicion(1_050)).toBe(before);
    detector.heartbeat(1_100);
  });

  it('a negative first heartbeat time is fine', () => {
    const detector = create(valid);
    detector.heartbeat(-5_000);
    expect(detector.isAvailable(-4_990)).toBe(true);
  });
});

describe('PhiAccrualDetector: bad input of its own', () => {
  it('rejects negative acceptable pauses', () => {
    for (const value of [-1, -1e-9, Number.NaN, Infinity]) expectInvalid(() => new PhiAccrualDetector({ acceptableHeartbeatPauseMs: value }), 'acceptableHeartbeatPauseMs');
    expect(() => new PhiAccrualDetector({ acceptableHeartbeatPauseMs: 0 })).not.toThrow();
  });

  it('rejects an unknown cdf', () => {
    for (const value of ['normal', 'Exact', '', 1]) expectInvalid(() => new PhiAccrualDetector({ cdf: value as never }), 'cdf');
  });

  it('PhiAccrualDetector.phi rejects non-finite arguments and deviations <= 0', () => {
    for (const value of [Number.NaN, Infinity, -Infinity]) {
      expectInvalid(() => PhiAccrualDetector.phi(value, 0, 1), 'timeDiffMs');
      expectInvalid(() => PhiAccrualDetector.phi(0, value, 1), 'meanMs');
      expectInvalid(() => PhiAccrualDetector.phi(0, 0, value), 'stdDeviationMs');
    }
    expectInvalid(() => PhiAccrualDetector.phi(0, 0, 0), 'stdDeviationMs');
    expectInvalid(() => PhiAccrualDetector.phi(0, 0, -1), 'stdDeviationMs');
    expectInvalid(() => PhiAccrualDetector.phi(0, 0, 1, 'erf' as never), 'cdf');
  });

  it('undefined options take their defaults', () => {
    const detector = new PhiAccrualDetector({ threshold: undefined, cdf: undefined });
    expect([detector.threshold, detector.maxSampleSize, detector.minStdDeviationMs, detector.acceptableHeartbeatPauseMs, detector.firstHeartbeatEstimateMs, detector.cdf]).toEqual([8, 1000, 100, 0, 1000, 'logistic']);
  });
});

/** A detector of any of the three kinds with any valid options, and a schedule of heartbeats and queries. */
const detectorArbitrary: fc.Arbitrary<() => FailureDetector> = fc.oneof(
  fc.double({ min: 1e-3, max: 1e9, noNaN: true }).map((timeoutMs) => () => new FixedTimeoutDetector({ timeoutMs })),
  fc
    .record({
      threshold: fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
      maxSampleSize: fc.integer({ min: 1, max: 20 }),
      minStdDeviationMs: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
      acceptableHeartbeatPauseMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e7, noNaN: true })),
      firstHeartbeatEstimateMs: fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
      cdf: fc.constantFrom('logistic' as const, 'exact' as const),
    })
    .map((options) => () => new PhiAccrualDetector(options)),
  fc
    .record({
      threshold: fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
      maxSampleSize: fc.integer({ min: 1, max: 20 }),
      maxIntervalMs: fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
      firstHeartbeatEstimateMs: fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
    })
    .map((options) => () => new ExponentialAccrualDetector(options)),
);

/** Gaps between successive times: zeros, ordinary delays, and absurd ones up to 1e300 ms. */
const gapArbitrary = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.double({ min: 0, max: 5_000, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1e300, noNaN: true }) },
);

const stepArbitrary = fc.record({ heartbeat: fc.boolean(), gapMs: gapArbitrary });

describe('suspicion contract (property)', () => {
  prop([detectorArbitrary, fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.array(stepArbitrary, { maxLength: 60 })], { numRuns: 200, seed: 20240611 })(
    'suspicion is finite, never negative, never -0, for non-decreasing heartbeat and query times',
    (create, startMs, steps) => {
      const detector = create();
      let now = startMs;
      const check = (time: number): void => {
        const suspicion = detector.suspicion(time);
        expect(Number.isFinite(suspicion), `suspicion(${time}) = ${suspicion}`).toBe(true);
        expect(suspicion >= 0 && !Object.is(suspicion, -0), `suspicion(${time}) = ${suspicion}`).toBe(true);
        expect(typeof detector.isAvailable(time)).toBe('boolean');
      };
      check(now);
      for (const { heartbeat, gapMs } of steps) {
        const next = now + gapMs;
        if (!Number.isFinite(next)) break;
        now = next;
        if (heartbeat) detector.heartbeat(now);
        check(now);
      }
    },
  );

  prop([fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.constantFrom('logistic' as const, 'exact' as const)], { numRuns: 200, seed: 7 })(
    'PhiAccrualDetector.phi is never NaN, negative or -0 for any finite inputs',
    (timeDiffMs, meanMs, stdDeviationMs, cdf) => {
      const phi = PhiAccrualDetector.phi(timeDiffMs, meanMs, stdDeviationMs, cdf);
      expect(Number.isFinite(phi) && phi >= 0 && !Object.is(phi, -0)).toBe(true);
    },
  );
});
