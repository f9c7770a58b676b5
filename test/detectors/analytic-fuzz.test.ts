import { describe, expect } from 'vitest';
import { analyticQoS, type AnalyticQoS } from '../../src/detectors/analytic.js';
import { FaultlineError, InvalidArgumentError } from '../../src/errors.js';
import { fc, prop } from '../kernel/prop.js';

// Random option objects for analyticQoS, valid or not, at every scale: each call either throws an
// InvalidArgumentError or returns metrics that make sense, and it does so in bounded time.

// The accepted range is [1e-9, 1e15] ms for the period, (0, 1e15] for the others: its ends, and past them.
const extremeDurations = [Number.MIN_VALUE, 1e-300, 1e-9, 0.001, 1, 100, 1e9, 1e15, 1e300, Number.MAX_VALUE];

const duration = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 1e-3, max: 1e6, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(...extremeDurations) },
  { weight: 2, arbitrary: fc.double({ min: 1e-9, max: 1e15, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }) },
);

const probability = fc.oneof(
  fc.constantFrom(0, Number.MIN_VALUE, 1e-300, 1e-9, 0.5, 1 - 1e-9, 1 - 2 ** -53),
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
);

const delay = fc.oneof(
  fc.record({ kind: fc.constant('constant'), ms: fc.oneof(fc.constant(0), duration) }),
  fc.record({ kind: fc.constant('exponential'), meanMs: duration }, { requiredKeys: ['kind', 'meanMs'] }),
  fc.record({ kind: fc.constant('exponential'), meanMs: duration, offsetMs: fc.oneof(fc.constant(0), duration) }),
);

const validOptions = fc.record(
  {
    detector: fc.constantFrom('nfd-s', 'fixed-timeout'),
    intervalMs: duration,
    shiftMs: duration,
    timeoutMs: duration,
    lossProbability: probability,
    delay,
    steps: fc.constantFrom(2, 4, 100, 2_000, 20_000),
  },
  { requiredKeys: ['detector', 'intervalMs', 'lossProbability', 'delay'] },
);

const badValue = fc.oneof(
  fc.constantFrom(null, undefined, Number.NaN, Infinity, -Infinity, -1, 0, -0, -Number.MIN_VALUE, 1, 1e300, 1e16, 3, 2_000_001, '5', true, 'nfd-s', 'constant'),
  fc.constantFrom({}, [], [100], { kind: 'exponential' }, { kind: 'normal', meanMs: 1, stdDevMs: 1 }),
  fc.double(),
);

const optionKeys = ['detector', 'intervalMs', 'shiftMs', 'timeoutMs', 'lossProbability', 'delay', 'steps', 'delay.kind', 'delay.ms', 'delay.meanMs', 'delay.offsetMs'];
const unknownKeys = ['lossProbabilty', 'interval', 'shift', 'delay.mean', 'delay.offset', 'delay.stdDevMs', '__proto__x'];

const mutation = fc.oneof(
  fc.record({ key: fc.constantFrom(...optionKeys), value: badValue }),
  fc.record({ key: fc.constantFrom(...unknownKeys), value: fc.oneof(badValue, duration) }),
);

/** Sets `key` (possibly `delay.x`) on a copy of the options. */
function mutate(options: Record<string, unknown>, { key, value }: { key: string; value: unknown }): Record<string, unknown> {
  const [head, tail] = key.split('.') as [string, string | undefined];
  if (tail === undefined) return { ...options, [head]: value };
  const inner = options[head];
  return { ...options, [head]: typeof inner === 'object' && inner !== null ? { ...inner, [tail]: value } : { [tail]: value } };
}

function expectSane(qos: AnalyticQoS, label: string): void {
  const values = Object.values(qos) as number[];
  for (const value of values) expect(typeof value === 'number' && !Number.isNaN(value), `${label}: ${JSON.stringify(qos)}`).toBe(true);
  expect(qos.queryAccuracyProbability, label).toBeGreaterThanOrEqual(0);
  expect(qos.queryAccuracyProbability, label).toBeLessThanOrEqual(1);
  expect(Number.isFinite(qos.mistakeRatePerSec) && qos.mistakeRatePerSec >= 0, label).toBe(true);
  expect(qos.meanMistakeRecurrenceMs, label).toBeGreaterThan(0);
  expect(qos.meanMistakeDurationMs, label).toBeGreaterThanOrEqual(0);
  // E(T_M) = (1 − P_A)·E(T_MR) <= E(T_MR).
  expect(qos.meanMistakeDurationMs, label).toBeLessThanOrEqual(qos.meanMistakeRecurrenceMs);
  expect(qos.detectionTimeBoundMs, label).toBeGreaterThan(0);
  if (qos.sTransitionProbability !== undefined) {
    expect(qos.sTransitionProbability, label).toBeGreaterThanOrEqual(0);
    expect(qos.sTransitionProbability, label).toBeLessThanOrEqual(1);
  }
}

/** Calls analyticQoS: an InvalidArgumentError or sane metrics (a runaway trips the test timeout). */
function check(options: unknown): void {
  const label = JSON.stringify(options);
  let outcome: AnalyticQoS | undefined;
  try {
    outcome = analyticQoS(options as never);
  } catch (error) {
    expect(error, `${label}: ${String(error)}`).toBeInstanceOf(InvalidArgumentError);
    expect(error).toBeInstanceOf(FaultlineError);
    expect((error as InvalidArgumentError).message).toContain((error as InvalidArgumentError).field);
  }
  if (outcome !== undefined) expectSane(outcome, label);
}

describe('analyticQoS under random options (property)', () => {
  prop([validOptions], { numRuns: 150, seed: 61 })('valid options at any scale: sane metrics or an InvalidArgumentError (the work bound), promptly', (options) => {
    check(options);
  });

  prop([validOptions, fc.array(mutation, { minLength: 1, maxLength: 3 })], { numRuns: 150, seed: 62 })(
    'bad values, unknown keys and null: an InvalidArgumentError or sane metrics, promptly',
    (options, mutations) => {
      check(mutations.reduce(mutate, options as Record<string, unknown>));
    },
  );

  prop([fc.oneof(fc.constantFrom(null, undefined, 5, 'nfd-s', [], () => 1)), fc.anything()], { numRuns: 50, seed: 63 })('anything that is not an options object: an InvalidArgumentError', (bad, other) => {
    expect(() => analyticQoS(bad as never)).toThrow(InvalidArgumentError);
    check(other);
  });
});
