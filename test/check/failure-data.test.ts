import { describe, expect, it } from 'vitest';
import { assertCluster, checkCluster } from '../../src/check/index.js';
import { HandlerError, PropertyFailedError, PropertyViolationError } from '../../src/index.js';
import { catchError } from '../detectors/expect-invalid.js';
import { pingPongScenario, type PingPong } from './fixtures.js';

const faults = { nodes: ['a', 'b'], kinds: ['crash' as const, 'pause' as const], maxFaults: 3, horizonMs: 1_800 };
const noLongSilence = pingPongScenario({
  invariants: [{ name: 'no silence over 400 ms', check: (system: PingPong, sim) => sim.now - (system.pongsAt[system.pongsAt.length - 1] ?? 0) <= 400 }],
});

describe('PropertyFailedError carries the shrunk case as data', () => {
  it('gives the counterexample, numRuns, numShrinks, seed and path, and the counterexample replays', async () => {
    const error = (await assertCluster(noLongSilence, { faults, numRuns: 200, seed: 77 }).catch((caught: unknown) => caught)) as PropertyFailedError;
    expect(error).toBeInstanceOf(PropertyFailedError);
    const counterexample = error.counterexample!;
    expect(typeof counterexample.seed).toBe('number');
    expect(counterexample.faults).toHaveLength(1);
    expect(counterexample.workload).toEqual([]);
    expect(error.numRuns).toBeGreaterThanOrEqual(1);
    expect(error.numShrinks).toBeGreaterThanOrEqual(1);
    expect(error.message).toContain(`after ${error.numRuns} runs and ${error.numShrinks} shrinks`);
    expect(error.path).not.toBe('');
    // The data is the case the report's replay line holds.
    const replay = (error.cause as PropertyViolationError).replay;
    expect(JSON.parse(replay.slice('checkCluster(scenario, '.length, -2))).toEqual({ seed: counterexample.seed, faults: counterexample.faults });
    const again = catchError(() => checkCluster(noLongSilence, counterexample)) as PropertyViolationError;
    expect(again).toBeInstanceOf(PropertyViolationError);
    expect(again.replay).toBe(replay);
  });

  it('also when the case threw rather than violated a property', async () => {
    const throwing = pingPongScenario({
      setup(sim, tools) {
        const system = pingPongScenario().setup(sim, tools);
        sim.addNode('boom', (ctx) => ({ onStart: () => ctx.setTimer(5, 'x'), onTimer: () => { throw new Error('handler bug'); } }));
        return system;
      },
    });
    const error = (await assertCluster(throwing, { numRuns: 5, seed: 2 }).catch((caught: unknown) => caught)) as PropertyFailedError;
    expect(error).toBeInstanceOf(PropertyFailedError);
    expect(error.cause).toBeInstanceOf(HandlerError);
    expect(error.counterexample).toEqual({ seed: expect.any(Number), faults: [], workload: [] });
    expect(error.numRuns).toBe(1);
    expect(() => checkCluster(throwing, error.counterexample!)).toThrow(HandlerError);
  });

  it('keeps the old four-argument constructor', () => {
    const error = new PropertyFailedError(3, '0:1', 'report', undefined);
    expect([error.seed, error.path, error.counterexample, error.numRuns, error.numShrinks]).toEqual([3, '0:1', undefined, 0, 0]);
  });
});
