// Bad degradation parameters are InvalidArgumentErrors naming schedule[i].params.<key>, raised at
// inject time before anything runs; so are bad watchDegradation options and degradationIncidents
// arguments. Fuzzed with fast-check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { degradationIncidents, degradationKinds, InvalidArgumentError, InvalidStateError, Simulation, watchDegradation, type DegradationKind, type Fault } from '../../../src/index.js';
import { thrownBy } from '../fixtures.js';

function sim3(): Simulation {
  const sim = new Simulation({ seed: 1 });
  for (const id of ['a', 'b', 'c']) sim.addNode(id, () => ({}));
  return sim;
}

/** Each kind's own numeric params, with the upper bound of its documented range. */
const OWN: Record<DegradationKind, Record<string, number>> = {
  'disk-wearout': { extraWriteLatencyMs: 3_600_000, peakErrorProbability: 1 },
  'memory-leak': { leakBytes: 2 ** 50 },
  'latency-creep': { extraServiceMs: 3_600_000 },
  'error-ramp': { peakErrorProbability: 1 },
};

const valid = (kind: DegradationKind, params: Record<string, unknown> = {}): Fault => ({ kind, atMs: 100, target: 'b', params: { timeToFailureMs: 1_000, ...params } });

/** Injects `fault` as the second of a schedule and returns the error's field. */
function fieldOf(fault: unknown): string {
  const error = thrownBy(() => sim3().inject([{ kind: 'crash', atMs: 0, durationMs: 10, target: 'a' }, fault as Fault]));
  expect(error).toBeInstanceOf(InvalidArgumentError);
  return (error as InvalidArgumentError).field;
}

const notANumber = fc.oneof(fc.constantFrom(Number.NaN, Infinity, -Infinity, null, '5', true, [], {}), fc.string());

describe('degradation bad input', () => {
  for (const kind of degradationKinds) {
    describe(kind, () => {
      it('accepts the documented ranges at their edges', () => {
        const top = Object.fromEntries(Object.entries(OWN[kind]).map(([key, max]) => [key, max]));
        const stepped = kind === 'memory-leak' ? {} : { stepMs: 1_000 };
        expect(() => sim3().inject([valid(kind, { ...top, ...stepped, noise: 1, shape: 'exponential', outcome: 'degrade' }), valid(kind, { noise: 0, timeToFailureMs: 1e-3 })].map((fault, index) => ({ ...fault, target: ['a', 'b'][index]! })))).not.toThrow();
      });

      it('a missing, non-positive or non-finite timeToFailureMs names schedule[1].params.timeToFailureMs', () => {
        fc.assert(
          fc.property(fc.oneof(notANumber, fc.double({ max: 0, noNaN: true }), fc.constant(undefined), fc.constant(2 ** 60)), (timeToFailureMs) => {
            expect(fieldOf(valid(kind, { timeToFailureMs }))).toBe('schedule[1].params.timeToFailureMs');
          }),
          { numRuns: 60, seed: 14 },
        );
      });

      it('noise outside [0, 1] names schedule[1].params.noise', () => {
        fc.assert(
          fc.property(fc.oneof(notANumber, fc.double({ max: -1e-9, noNaN: true }), fc.double({ min: 1 + 1e-9, noNaN: true })), (noise) => {
            expect(fieldOf(valid(kind, { noise }))).toBe('schedule[1].params.noise');
          }),
          { numRuns: 60, seed: 15 },
        );
      });

      it('an unknown shape or outcome names the field', () => {
        fc.assert(
          fc.property(fc.constantFrom('shape', 'outcome'), fc.oneof(fc.string().filter((text) => !['linear', 'exponential', 'crash', 'degrade'].includes(text)), notANumber), (key, value) => {
            expect(fieldOf(valid(kind, { [key]: value }))).toBe(`schedule[1].params.${key}`);
          }),
          { numRuns: 60, seed: 16 },
        );
      });

      it('a negative, zero, non-finite or too large peak names the field', () => {
        fc.assert(
          fc.property(fc.constantFrom(...Object.keys(OWN[kind])), fc.oneof(notANumber, fc.double({ max: 0, noNaN: true }), fc.constant(2 ** 51)), (key, value) => {
            expect(fieldOf(valid(kind, { [key]: value }))).toBe(`schedule[1].params.${key}`);
          }),
          { numRuns: 60, seed: 17 },
        );
      });

      it('an unknown param, or a missing target, is refused', () => {
        expect(fieldOf(valid(kind, { rampMs: 10 }))).toBe('schedule[1].params.rampMs');
        expect((thrownBy(() => sim3().inject([{ kind, atMs: 0, params: { timeToFailureMs: 10 } }])) as Error).message).toMatch(/schedule\[0\]\.target/);
      });
    });
  }

  it('stepMs must be positive, at most timeToFailureMs and at most 100,000 steps of it', () => {
    for (const stepMs of [0, -1, Number.NaN, Infinity, 1_001, 0.009, '10']) expect(fieldOf(valid('disk-wearout', { stepMs }))).toBe('schedule[1].params.stepMs');
    expect(fieldOf(valid('memory-leak', { stepMs: 10 }))).toBe('schedule[1].params.stepMs'); // a leak has no effect to step
  });

  it('a ramp longer than 100,000 default steps gets a coarser default step instead of an error', () => {
    const sim = sim3();
    expect(() => sim.inject([valid('latency-creep', { timeToFailureMs: 1e8 }), { ...valid('error-ramp', { timeToFailureMs: 3e7 + 0.1 }), target: 'c' }])).not.toThrow();
  });

  it('watchDegradation refuses bad options and a second call', () => {
    const field = (options: unknown): string => (thrownBy(() => watchDegradation(sim3(), options as never)) as InvalidArgumentError).field;
    expect(field(null)).toBe('watchDegradation options');
    expect(field({ baseline: 1 })).toBe('watchDegradation options.baseline');
    for (const value of [-1, Number.NaN, Infinity, '1', 2 ** 51]) expect(field({ memoryBaselineBytes: value })).toBe('watchDegradation options.memoryBaselineBytes');
    for (const value of [-0.1, 1.1, Number.NaN]) expect(field({ baselineNoise: value })).toBe('watchDegradation options.baselineNoise');
    const sim = sim3();
    watchDegradation(sim);
    expect(thrownBy(() => watchDegradation(sim))).toBeInstanceOf(InvalidStateError);
  });

  it('degradationIncidents refuses a log that is not an array and a NaN untilMs', () => {
    expect(thrownBy(() => degradationIncidents(null as never))).toBeInstanceOf(InvalidArgumentError);
    expect((thrownBy(() => degradationIncidents([], Number.NaN)) as InvalidArgumentError).field).toBe('degradationIncidents(untilMs)');
  });
});
